/**
 * Step 7 of authorize_execution (T1 drift revalidation): what changed since the
 * decision that makes executing it now wrong. Cheap by design: it runs over the
 * state read once per request ({@link readGatewayState}); policy is re-evaluated only
 * when the active bundle is no longer the one that decided.
 *
 * - the decision is unknown, or no longer allowed/approved ⇒ DRIFT_DETECTED;
 * - a phase hold on the target or its environment ⇒ PHASE_HOLD_ACTIVE, unless an
 *   active override covers it; when the override that covered it has lapsed since the
 *   decision ⇒ OVERRIDE_EXPIRED;
 * - an open incident on the target, its environment, or global, for promotions ⇒
 *   DRIFT_DETECTED / INCIDENT_ACTIVE;
 * - the active bundle changed and now denies, or asks for more approvals than were
 *   given ⇒ DRIFT_DETECTED / POLICY_CHANGED;
 * - re-evaluation cannot read its signals ⇒ DRIFT_DETECTED / SIGNAL_UNAVAILABLE.
 *
 * @module
 */
import { evaluateLive, holdCovers } from '../../engine/decisions/evaluate-live.ts';
import { effectiveStatus } from '../../engine/decisions/model.ts';
import type { AttestationClaims } from '../../engine/tokens/claims.ts';
import type { Intent } from '../../policy/intent.ts';
import { deny, type Denial } from '../denials.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import type { GatewayState } from './gateway-state.ts';

/**
 * Revalidates the decision a verified token names; null when nothing drifted.
 *
 * @example
 * ```ts
 * const denial = await checkDrift(deps, state, claims, clock.now());
 * ```
 */
export async function checkDrift(deps: GatewayDeps, state: GatewayState, claims: AttestationClaims, now: Date): Promise<Denial | null> {
  const stored = state.decision;
  if (!stored) return deny('DRIFT_DETECTED', 'DECISION_UNKNOWN');
  const status = effectiveStatus(stored.decision, now);
  if (status !== 'approved' && status !== 'allowed') return deny('DRIFT_DETECTED', 'DECISION_NOT_EXECUTABLE');
  const intent = stored.intent;
  const target = intent.resource.id;
  const tier = intent.execution_identity.env_tier;
  const holds = state.holds.filter((h) => (h.scope_kind === 'target' ? h.target === target : h.target === tier));
  if (holds.length > 0) {
    const covering = state.overrides.filter((o) => holdCovers(o, target, tier));
    if (!covering.some((o) => o.expires_at > now)) return covering.length > 0 ? deny('OVERRIDE_EXPIRED', 'OVERRIDE_EXPIRED') : deny('PHASE_HOLD_ACTIVE', 'PHASE_HOLD');
  }
  if (intent.action_scope === 'promotion') {
    const global = (i: { targets: string[]; environments: string[] }) => i.targets.length === 0 && i.environments.length === 0;
    if (state.incidents.some((i) => global(i) || holdCovers(i, target, tier))) return deny('DRIFT_DETECTED', 'INCIDENT_ACTIVE');
  }
  if (state.activeBundle !== claims.policy_bundle_hash) {
    let now2;
    try {
      now2 = await evaluateLive(deps, intent as Intent, now);
    } catch (err) {
      deps.logger?.warn({ err, decision_hash: claims.decision_hash }, 'drift re-evaluation could not read its signals: deny');
      return deny('DRIFT_DETECTED', 'SIGNAL_UNAVAILABLE');
    }
    const d = stored.decision;
    const stricter =
      now2.verdict === 'deny' ||
      (now2.verdict === 'require_approval' &&
        !d.break_glass &&
        (now2.obligations.approvals_required > d.obligations.approvals_required || now2.obligations.approver_groups.some((g) => !d.obligations.approver_groups.includes(g))));
    if (stricter) return deny('DRIFT_DETECTED', 'POLICY_CHANGED');
  }
  return null;
}
