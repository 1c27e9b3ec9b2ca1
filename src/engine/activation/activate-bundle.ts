/**
 * Governed policy activation (invariant 5): changing the active bundle is itself a
 * decision. {@link requestActivation} submits a `policy.activate` intent for a stored
 * bundle, decided by the bundle active NOW (the default one requires two approvals
 * from platform-security and never allows break-glass). Once that decision is
 * approved (or allowed), {@link applyActivation} switches the active bundle and
 * ledgers `policy.activated` in one transaction, awaited in the ledger.
 *
 * A decision is applied only while the activation it was made under is still in
 * force: its `policy_bundle_hash` must be the active hash, and it must not be older
 * than the current activation (otherwise the bundle was switched away and back
 * meanwhile). So a decision takes effect at most once, and one made under a bundle
 * that is no longer active is stale.
 *
 * @module
 */
import { isSha256Ref } from '../../crypto/hash.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { HumanIdentity } from '../../identity/human-identity.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { setActiveBundle } from '../../policy/bundle-store.ts';
import type { Intent } from '../../policy/intent.ts';
import { getDecision } from '../decisions/decision-store.ts';
import { effectiveStatus } from '../decisions/model.ts';
import { awaitLedger, type LedgerReceipt } from '../decisions/record-decision.ts';
import { submitIntent, type SubmitResult } from '../decisions/submit-intent.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { assertPromotionCriteria, assertRollbackReachable } from '../lifecycle/activation-gate.ts';
import { assembleActivationEvidence, evidenceWriter } from '../lifecycle/evidence/activation-evidence.ts';
import type { EvidenceAnalyzers } from '../lifecycle/evidence/analyzers.ts';
import { defaultEvidenceAnalyzers } from '../lifecycle/evidence/default-analyzers.ts';
import { buildRollbackPlan } from '../lifecycle/rollback/rollback-plan.ts';
import { runningShadow, stopShadowInTransaction } from '../lifecycle/shadow/shadow-runs.ts';
import { emptyShadowSummary } from '../lifecycle/shadow/shadow-summary.ts';
import { getActiveBundle, getBundle } from '../../policy/bundle-store.ts';
import { POLICY_STREAM } from './default-policy.ts';
import { POLICY_ACTIVATE, policyActivationIntent } from '../../policy/lifecycle/activation-intent.ts';

export { POLICY_ACTIVATE };

/**
 * Who acts: the local admin credential or an authenticated human.
 *
 * @example
 * ```ts
 * const a: PolicyActor = { kind: 'human', identity };
 * ```
 */
export type PolicyActor = { kind: 'admin' } | { kind: 'human'; identity: HumanIdentity };

/**
 * Why an activation was refused (stable codes, in the problem's `reason`).
 *
 * @example
 * ```ts
 * const r: ActivationRefusal = 'STALE_DECISION';
 * ```
 */
export type ActivationRefusal =
  | 'BUNDLE_NOT_STORED'
  | 'ALREADY_ACTIVE'
  | 'NOT_A_POLICY_ACTIVATION'
  | 'NOT_APPROVED'
  | 'STALE_DECISION'
  | 'BUNDLE_MISMATCH'
  | 'LEDGER_NOT_COMMITTED'
  | 'SHADOW_CRITERIA_UNMET'
  | 'SHADOW_REQUIRED'
  | 'ROLLBACK_UNREACHABLE';

/**
 * The lifecycle rules activation follows: whether a never-active bundle must be observed
 * in shadow mode first, and the analyses its evidence is made of.
 *
 * @example
 * ```ts
 * const l: ActivationLifecycle = { requireShadow: true, shadowMinHours: 24, analyzers: defaultEvidenceAnalyzers(['platform-security']) };
 * ```
 */
export interface ActivationLifecycle {
  requireShadow: boolean;
  shadowMinHours: number;
  analyzers: EvidenceAnalyzers;
}

/** Without configuration: shadow mode optional, approver groups unchecked. */
export const DEFAULT_ACTIVATION_LIFECYCLE: ActivationLifecycle = { requireShadow: false, shadowMinHours: 24, analyzers: defaultEvidenceAnalyzers(null) };

/** What {@link applyActivation} returns. */
export interface AppliedActivation {
  policy_bundle_hash: string;
  previous_policy_bundle_hash: string | null;
  decision_id: string;
  decision_hash: string;
  activated_at: string;
  ledger: LedgerReceipt;
}

/**
 * The actor's name in ledger payloads and `submitted_by`: `admin` or the human's `iss#sub`.
 *
 * @example
 * ```ts
 * actorName({ kind: 'admin' }); // 'admin'
 * ```
 */
export function actorName(actor: PolicyActor): string {
  return actor.kind === 'admin' ? 'admin' : `${actor.identity.iss}#${actor.identity.sub}`;
}

const refuse = (code: 'CONFLICT' | 'FORBIDDEN' | 'POLICY_BUNDLE_UNKNOWN', reason: ActivationRefusal, message: string) => new WritError(code, message, { reason });

/**
 * The `policy.activate` intent for a stored bundle.
 *
 * @example
 * ```ts
 * activationIntent({ kind: 'admin' }, { policy_bundle_hash, bundle_id: 'acme', version: '2.0.0' }).resource.type; // 'policy_bundle'
 * ```
 */
export function activationIntent(actor: PolicyActor, bundle: { policy_bundle_hash: string; bundle_id: string; version: string }, justification?: string): Intent {
  return policyActivationIntent(bundle, actor.kind === 'admin' ? 'admin' : actor.identity.sub, justification);
}

/**
 * Asks to activate a stored bundle: submits the `policy.activate` intent and returns
 * its decision (usually `pending_approval`).
 *
 * @throws {WritError} `POLICY_BUNDLE_UNKNOWN` reason `BUNDLE_NOT_STORED` (no decision is made);
 *   `CONFLICT` reason `ALREADY_ACTIVE` when the bundle is the active one.
 *
 * @example
 * ```ts
 * const { decision } = await requestActivation(engine, { kind: 'admin' }, { policy_bundle_hash: 'sha256:…', justification: 'CHG-2001' });
 * decision.status; // 'pending_approval'
 * ```
 */
export async function requestActivation(
  deps: EngineDeps,
  actor: PolicyActor,
  request: { policy_bundle_hash: string; justification?: string; version_manifest?: unknown },
  lifecycle: ActivationLifecycle = DEFAULT_ACTIVATION_LIFECYCLE,
): Promise<SubmitResult> {
  const hash = request.policy_bundle_hash;
  if (!isSha256Ref(hash)) throw new WritError('BAD_REQUEST', 'policy_bundle_hash must be sha256: followed by 64 lowercase hex digits');
  const db = deps.store.db;
  const row = await db.selectFrom('policy_bundles').select(['policy_bundle_hash', 'bundle_id', 'version']).where('policy_bundle_hash', '=', hash).executeTakeFirst();
  if (!row) throw refuse('POLICY_BUNDLE_UNKNOWN', 'BUNDLE_NOT_STORED', 'no stored policy bundle has this hash (push it first)');
  const active = await getActiveBundle(db);
  if (!active) throw new WritError('INTERNAL', 'no policy bundle is active');
  if (active.policy_bundle_hash === hash) throw refuse('CONFLICT', 'ALREADY_ACTIVE', 'this policy bundle is already active');
  const now = deps.clock.now();
  // The gate judged the candidate's latest shadow run; that summary is also its evidence.
  const judged = await assertPromotionCriteria(db, hash, now, lifecycle);
  // The evidence approvers review, computed here from the stored bundles.
  const candidate = (await getBundle(db, hash))!;
  assertRollbackReachable(candidate, active.bundle);
  const shadow = judged ?? emptyShadowSummary(active.policy_bundle_hash, lifecycle.shadowMinHours);
  const rollback = await buildRollbackPlan(db, { currentHash: hash, now, diff: lifecycle.analyzers.diff });
  const evidence = assembleActivationEvidence(lifecycle.analyzers, { candidate, active: active.bundle, shadow, rollback, clientManifest: request.version_manifest, now });
  const result = await submitIntent(deps, activationIntent(actor, row, request.justification), actorName(actor), { extra: evidenceWriter(evidence, hash, now) });
  deps.logger?.info(
    { decision_id: result.decision.decision_id, decision_hash: result.decision.decision_hash, policy_bundle_hash: hash, verdict: result.decision.verdict },
    'policy activation requested',
  );
  return result;
}

/**
 * Applies an approved (or allowed) `policy.activate` decision: the bundle it names
 * becomes active, and `policy.activated` is ledgered in the same transaction.
 *
 * @throws {WritError} `NOT_FOUND` (no such decision); `FORBIDDEN` reason `NOT_APPROVED`;
 *   `CONFLICT` reason `NOT_A_POLICY_ACTIVATION`, `ALREADY_ACTIVE`, `STALE_DECISION`,
 *   `BUNDLE_MISMATCH` or `LEDGER_NOT_COMMITTED`; `POLICY_BUNDLE_UNKNOWN` reason `BUNDLE_NOT_STORED`.
 *
 * @example
 * ```ts
 * const applied = await applyActivation(engine, { kind: 'admin' }, 'dec_…');
 * applied.previous_policy_bundle_hash; // the default bundle's hash
 * ```
 */
export async function applyActivation(deps: EngineDeps, actor: PolicyActor, decisionId: string, lifecycle: Pick<ActivationLifecycle, 'requireShadow'> = DEFAULT_ACTIVATION_LIFECYCLE): Promise<AppliedActivation> {
  ensureEngineEntryTypes();
  const out = await deps.store.transaction(async (trx) => {
    // The active pointer's row lock serialises activations across replicas.
    const active = await trx.selectFrom('policy_active').select(['policy_bundle_hash', 'activated_at']).forUpdate().executeTakeFirst();
    const stored = await getDecision(trx, decisionId, { forUpdate: true });
    if (!stored) throw new WritError('NOT_FOUND', 'no such decision');
    const d = stored.decision;
    const target = stored.intent.resource;
    if (d.action_scope !== POLICY_ACTIVATE || target.type !== 'policy_bundle') {
      throw refuse('CONFLICT', 'NOT_A_POLICY_ACTIVATION', 'this decision is not a policy.activate decision');
    }
    const now = deps.clock.now();
    const status = effectiveStatus(d, now);
    if (status !== 'approved' && status !== 'allowed') throw refuse('FORBIDDEN', 'NOT_APPROVED', `the activation decision is ${status}, not approved`);
    if (active?.policy_bundle_hash === target.id) throw refuse('CONFLICT', 'ALREADY_ACTIVE', 'this policy bundle is already active');
    const activatedAt = active ? new Date(active.activated_at).getTime() : Number.NEGATIVE_INFINITY;
    if (!active || d.policy_bundle_hash !== active.policy_bundle_hash || Date.parse(d.created_at) < activatedAt) {
      throw refuse('CONFLICT', 'STALE_DECISION', 'the decision was made under a policy bundle activation that is no longer in force; request a new one');
    }
    const pending = await trx.selectFrom('ledger_outbox').select('id').where('stream_id', '=', decisionId).limit(1).executeTakeFirst();
    if (pending) throw refuse('CONFLICT', 'LEDGER_NOT_COMMITTED', 'the decision and its approvals are not yet committed to the ledger; retry shortly');
    const bundle = isSha256Ref(target.id)
      ? await trx.selectFrom('policy_bundles').select(['bundle_id', 'version']).where('policy_bundle_hash', '=', target.id).executeTakeFirst()
      : undefined;
    if (!bundle) throw refuse('POLICY_BUNDLE_UNKNOWN', 'BUNDLE_NOT_STORED', 'the policy bundle this decision names is not stored');
    const attrs = target.attrs ?? {};
    if (attrs.bundle_id !== bundle.bundle_id || attrs.version !== bundle.version) {
      throw refuse('CONFLICT', 'BUNDLE_MISMATCH', 'the decision names a bundle id or version that differs from the stored bundle');
    }
    // Divergences may have appeared since the approvals: the promotion gate is checked again.
    await assertPromotionCriteria(trx, target.id, now, lifecycle);
    const { previous } = await setActiveBundle(trx, target.id, now, d.decision_id);
    // A shadow run of the bundle now active has done its job.
    const run = await runningShadow(trx);
    const stopped = run && run.candidate_policy_bundle_hash === target.id ? await stopShadowInTransaction(deps, trx, run, actorName(actor), 'candidate activated', now) : [];
    const ids = await enqueueInTransaction(trx, [
      {
        stream_id: POLICY_STREAM,
        entry_type: 'policy.activated',
        payload: { policy_bundle_hash: target.id, previous_policy_bundle_hash: previous, decision_id: d.decision_id, decision_hash: d.decision_hash, actor: actorName(actor) },
      },
    ]);
    return { hash: target.id, previous, decision: d, at: now, ids: [...stopped, ...ids] };
  });
  const ledger = await awaitLedger(deps, out.ids);
  deps.logger?.warn(
    { decision_id: out.decision.decision_id, decision_hash: out.decision.decision_hash, policy_bundle_hash: out.hash, previous_policy_bundle_hash: out.previous, actor: actorName(actor) },
    'policy bundle activated',
  );
  return {
    policy_bundle_hash: out.hash,
    previous_policy_bundle_hash: out.previous,
    decision_id: out.decision.decision_id,
    decision_hash: out.decision.decision_hash,
    activated_at: out.at.toISOString(),
    ledger,
  };
}
