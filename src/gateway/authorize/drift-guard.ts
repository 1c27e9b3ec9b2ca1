/**
 * Step 7 of authorize_execution (T1 drift revalidation): what changed since the
 * decision that makes executing it now wrong. Cheap by design: the decision row, the
 * holds / incidents / overrides touching its target, the active bundle's hash; policy
 * is re-evaluated only when the active bundle is no longer the one that decided.
 *
 * - a phase hold on the target or its environment ⇒ PHASE_HOLD_ACTIVE, unless an
 *   active override covers it; when the override that covered it has lapsed since the
 *   decision ⇒ OVERRIDE_EXPIRED;
 * - an open incident on the target, its environment, or global, for promotions ⇒
 *   DRIFT_DETECTED / INCIDENT_ACTIVE;
 * - the active bundle changed and now denies, or asks for more approvals than were
 *   given ⇒ DRIFT_DETECTED / POLICY_CHANGED;
 * - the decision is unknown, or no longer allowed/approved ⇒ DRIFT_DETECTED;
 * - any read fails ⇒ DRIFT_DETECTED / SIGNAL_UNAVAILABLE.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { AttestationClaims } from '../../engine/tokens/claims.ts';
import { getDecisionByHash, type StoredDecision } from '../../engine/decisions/decision-store.ts';
import { evaluateLive, holdCovers } from '../../engine/decisions/evaluate-live.ts';
import { effectiveStatus } from '../../engine/decisions/model.ts';
import { signalsDb } from '../../engine/signals/tables.ts';
import type { Intent } from '../../policy/intent.ts';
import type { Database } from '../../store/schema.ts';
import { deny, type Denial } from '../denials.ts';
import type { GatewayDeps } from '../gateway-deps.ts';

const arr = (v: unknown): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[]));

/** The outcome of the drift check: a denial, or the decision it revalidated. */
export type DriftOutcome = { ok: true; decision: StoredDecision } | { ok: false; denial: Denial; decision: StoredDecision | null };

async function readSignals(db: Kysely<Database>, intent: Omit<Intent, 'idempotency_key'>, since: Date, now: Date) {
  const target = intent.resource.id;
  const tier = intent.execution_identity.env_tier;
  const s = signalsDb(db);
  const [holds, incidents, overrides, active] = await Promise.all([
    s.selectFrom('signal_holds').select(['scope_kind', 'target']).where('cleared_at', 'is', null).where('target', 'in', [target, tier]).execute(),
    s.selectFrom('signal_incidents').select(['targets', 'environments']).where('resolved_at', 'is', null).execute(),
    // Overrides that were in force at some point since the decision was made.
    s.selectFrom('signal_overrides').select(['targets', 'environments', 'expires_at']).where('granted_at', '<=', now).where('expires_at', '>', since).execute(),
    db.selectFrom('policy_active').select('policy_bundle_hash').executeTakeFirst(),
  ]);
  return {
    holds: holds.filter((h) => (h.scope_kind === 'target' ? h.target === target : h.target === tier)),
    incidents: incidents.map((i) => ({ targets: arr(i.targets), environments: arr(i.environments) })),
    overrides: overrides.map((o) => ({ targets: arr(o.targets), environments: arr(o.environments), expires_at: new Date(o.expires_at) })),
    activeBundle: active?.policy_bundle_hash ?? null,
  };
}

/**
 * Revalidates the decision a verified token names.
 *
 * @example
 * ```ts
 * const drift = await checkDrift(deps, claims, clock.now());
 * if (!drift.ok) return drift.denial;
 * ```
 */
export async function checkDrift(deps: GatewayDeps, claims: AttestationClaims, now: Date): Promise<DriftOutcome> {
  let stored: StoredDecision | null = null;
  try {
    stored = await getDecisionByHash(deps.store.db, claims.decision_hash);
    if (!stored) return { ok: false, denial: deny('DRIFT_DETECTED', 'DECISION_UNKNOWN'), decision: null };
    const status = effectiveStatus(stored.decision, now);
    if (status !== 'approved' && status !== 'allowed') return { ok: false, denial: deny('DRIFT_DETECTED', 'DECISION_NOT_EXECUTABLE'), decision: stored };
    const intent = stored.intent;
    const target = intent.resource.id;
    const tier = intent.execution_identity.env_tier;
    const sig = await readSignals(deps.store.db, intent, new Date(stored.decision.created_at), now);
    if (sig.holds.length > 0) {
      const covering = sig.overrides.filter((o) => holdCovers(o, target, tier));
      if (!covering.some((o) => o.expires_at > now)) {
        return { ok: false, denial: covering.length > 0 ? deny('OVERRIDE_EXPIRED', 'OVERRIDE_EXPIRED') : deny('PHASE_HOLD_ACTIVE', 'PHASE_HOLD'), decision: stored };
      }
    }
    if (intent.action_scope === 'promotion') {
      const global = (i: { targets: string[]; environments: string[] }) => i.targets.length === 0 && i.environments.length === 0;
      if (sig.incidents.some((i) => global(i) || holdCovers(i, target, tier))) return { ok: false, denial: deny('DRIFT_DETECTED', 'INCIDENT_ACTIVE'), decision: stored };
    }
    if (sig.activeBundle !== claims.policy_bundle_hash) {
      const now2 = await evaluateLive(deps, intent as Intent, now);
      const d = stored.decision;
      const stricter =
        now2.verdict === 'deny' ||
        (now2.verdict === 'require_approval' &&
          !d.break_glass &&
          (now2.obligations.approvals_required > d.obligations.approvals_required || now2.obligations.approver_groups.some((g) => !d.obligations.approver_groups.includes(g))));
      if (stricter) return { ok: false, denial: deny('DRIFT_DETECTED', 'POLICY_CHANGED'), decision: stored };
    }
    return { ok: true, decision: stored };
  } catch (err) {
    deps.logger?.warn({ err, decision_hash: claims.decision_hash }, 'drift check could not read its signals: deny');
    return { ok: false, denial: deny('DRIFT_DETECTED', 'SIGNAL_UNAVAILABLE'), decision: stored };
  }
}
