/**
 * Writing a decision: the row, `intent.received` and `decision.recorded` (plus any
 * extra entries of the same stream, e.g. `break_glass.used`) in one transaction, then
 * waiting until the ledger has integrated them, so a decision never exists without
 * its ledger record.
 *
 * @module
 */
import type { Transaction } from 'kysely';
import { canonicalize } from '../../crypto/jcs.ts';
import type { EntryInput } from '../../ledger/entries/validate-entry.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import type { PolicyDecision } from '../../policy/decision.ts';
import type { Intent } from '../../policy/intent.ts';
import type { Database } from '../../store/schema.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { insertDecision } from './decision-store.ts';
import {
  DEFAULT_APPROVAL_TTL_S,
  DEFAULT_DECISION_TTL_S,
  canonicalIntent,
  decisionHash,
  execIdentityHash,
  initialStatus,
  intentDigest,
  type Decision,
  type DecisionBody,
} from './model.ts';

/** Where a decision landed in the ledger. */
export interface LedgerReceipt {
  seq: number;
  tree_size: number;
}

/** Options of {@link recordDecision}. */
export interface RecordDecisionOptions {
  intent: Intent;
  evaluated: PolicyDecision;
  enforcementEpoch: number;
  /** Who submitted (a workload credential id, `admin`, or a human `iss#sub`). */
  submittedBy: string;
  /** Break-glass decisions are allowed without approvals and marked. */
  breakGlass?: boolean;
  /** Decision lifetime in seconds (default 24 h). */
  ttlSeconds?: number;
  /** More writes in the same transaction (a break-glass row, …) and the entries they ledger. */
  extra?: (trx: Transaction<Database>, decision: Decision) => Promise<EntryInput[]>;
}

/**
 * Builds, stores and ledgers a decision; resolves once its entries are integrated.
 *
 * @throws {WritError} `LEDGER_COMMIT_TIMEOUT` when the ledger did not integrate in time
 *   (the decision is stored and will be integrated; a token is refused until it is).
 *
 * @example
 * ```ts
 * const { decision, ledger } = await recordDecision(deps, { intent, evaluated, enforcementEpoch: 1, submittedBy: 'wlc_…' });
 * ```
 */
export async function recordDecision(deps: EngineDeps, options: RecordDecisionOptions): Promise<{ decision: Decision; ledger: LedgerReceipt }> {
  ensureEngineEntryTypes();
  const { intent, evaluated } = options;
  const now = deps.clock.now();
  const decisionId = deps.ids.newId('dec');
  const canonical = canonicalIntent(intent);
  const intent_digest = intentDigest(intent);
  const exec_identity_hash = execIdentityHash(intent.execution_identity);
  const body: DecisionBody = {
    decision_id: decisionId,
    verdict: evaluated.verdict,
    deny_code: evaluated.deny_code,
    reasons: evaluated.reasons,
    obligations: {
      approvals_required: evaluated.obligations.approvals_required,
      approver_groups: evaluated.obligations.approver_groups,
      separation_of_duties: true,
      approval_ttl_s: DEFAULT_APPROVAL_TTL_S,
    },
    risk: evaluated.obligations.risk,
    break_glass: options.breakGlass ?? false,
    action_scope: intent.action_scope,
    intent_digest,
    exec_identity_hash,
    policy_bundle_hash: evaluated.policy_bundle_hash,
    enforcement_epoch: options.enforcementEpoch,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + (options.ttlSeconds ?? DEFAULT_DECISION_TTL_S) * 1000).toISOString(),
  };
  const bodyJcs = canonicalize(body);
  const decision: Decision = { ...body, decision_hash: decisionHash(body), status: initialStatus(body.verdict), status_changed_at: body.created_at };
  const entries: EntryInput[] = [
    {
      stream_id: decisionId,
      entry_type: 'intent.received',
      payload: {
        decision_id: decisionId,
        intent_digest,
        action_scope: intent.action_scope,
        principal: { type: intent.principal.type, id: intent.principal.id },
        resource_id: intent.resource.id,
        exec_identity_hash,
        submitted_by: options.submittedBy,
      },
    },
    { stream_id: decisionId, entry_type: 'decision.recorded', payload: { ...body, decision_hash: decision.decision_hash, status: decision.status } },
  ];
  const outboxIds = await deps.store.transaction(async (trx) => {
    await insertDecision(trx, { decision, intent: canonical, intentJcs: canonicalize(canonical), bodyJcs, idempotencyKey: intent.idempotency_key ?? null });
    const more = options.extra ? await options.extra(trx, decision) : [];
    return enqueueInTransaction(trx, [...entries, ...more]);
  });
  const ledger = await awaitLedger(deps, outboxIds);
  return { decision, ledger };
}

/**
 * Wakes the sequencer and waits until the last of `outboxIds` (enqueued in one
 * transaction, so all of them) is integrated.
 *
 * @example
 * ```ts
 * const receipt = await awaitLedger(deps, ids);
 * ```
 */
export async function awaitLedger(deps: EngineDeps, outboxIds: readonly number[]): Promise<LedgerReceipt> {
  const last = outboxIds[outboxIds.length - 1];
  if (last === undefined) throw new Error('awaitLedger: nothing was enqueued');
  deps.ledger.notify();
  const c = await deps.ledger.waitFor(last, { proof: false, timeoutMs: deps.ledgerTimeoutMs ?? 10_000 });
  return { seq: c.seq, tree_size: c.checkpoint.tree_size };
}
