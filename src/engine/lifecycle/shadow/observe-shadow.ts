/**
 * Shadow evaluation of a live intent: when a shadow run is running, the candidate
 * bundle decides the same intent under the same signals and instant as the active one,
 * never enforcing. A different outcome becomes a divergence row and a
 * `policy.shadow_divergence` entry, written in the decision's own transaction, so a
 * decision made while a run is running is always observed.
 *
 * A candidate that cannot be loaded never blocks live decisions: the intent is decided
 * by the active bundle as always, and the failure is logged.
 *
 * @module
 */
import type { Transaction } from 'kysely';
import { getBundle } from '../../../policy/bundle-store.ts';
import type { PolicyDecision } from '../../../policy/decision.ts';
import { evaluateIntent } from '../../../policy/evaluate.ts';
import { classifyDivergence, summarizeDecision } from '../../../policy/lifecycle/divergence.ts';
import type { DecisionSummary } from '../../../policy/lifecycle/artifacts.ts';
import type { Intent, PolicySignals } from '../../../policy/intent.ts';
import type { EntryInput } from '../../../ledger/entries/validate-entry.ts';
import type { Database } from '../../../store/schema.ts';
import type { Decision } from '../../decisions/model.ts';
import type { EngineDeps } from '../../engine-deps.ts';
import { ensureLifecycleEntryTypes } from '../entry-types.ts';
import { lifecycleDb } from '../tables.ts';
import { runningShadow } from './shadow-runs.ts';

/** Writes what the decision's transaction must add for the shadow run (possibly nothing). */
export type ShadowWriter = (trx: Transaction<Database>, decision: Decision) => Promise<EntryInput[]>;

function outcome(s: DecisionSummary) {
  return {
    verdict: s.verdict,
    deny_code: s.deny_code,
    approvals_required: s.obligations.approvals_required,
    approver_groups: s.obligations.approver_groups,
    break_glass_allowed: s.obligations.break_glass_allowed,
    risk: s.obligations.risk,
  };
}

/**
 * Evaluates the running shadow candidate (if any) on a live intent and returns the
 * writer that records a divergence with the decision, or null when no run is running
 * or the candidate decides the same.
 *
 * @example
 * ```ts
 * const shadow = await observeShadow(deps, intent, signals, now, evaluated);
 * await recordDecision(deps, { intent, evaluated, enforcementEpoch, submittedBy, extra: shadow ?? undefined });
 * ```
 */
export async function observeShadow(deps: EngineDeps, intent: Intent, signals: PolicySignals, now: Date, active: PolicyDecision): Promise<ShadowWriter | null> {
  const run = await runningShadow(deps.store.db);
  if (!run) return null;
  let candidateDecision: PolicyDecision;
  try {
    const candidate = await getBundle(deps.store.db, run.candidate_policy_bundle_hash);
    if (!candidate) throw new Error('candidate bundle is not stored');
    candidateDecision = evaluateIntent(candidate, { intent, signals, now });
  } catch (err) {
    deps.logger?.error({ err, shadow_id: run.shadow_id }, 'shadow candidate could not be evaluated; the live decision is unaffected');
    return null;
  }
  const a = summarizeDecision(active);
  const c = summarizeDecision(candidateDecision);
  const divergence = classifyDivergence(a, c);
  if (!divergence) return null;
  return async (trx, decision) => {
    ensureLifecycleEntryTypes();
    const divergenceId = deps.ids.newId('div');
    await lifecycleDb(trx)
      .insertInto('policy_shadow_divergences')
      .values({
        divergence_id: divergenceId,
        shadow_id: run.shadow_id,
        decision_id: decision.decision_id,
        observed_at: now,
        action_scope: intent.action_scope,
        resource_id: intent.resource.id,
        severity: divergence.severity,
        active_outcome: JSON.stringify(a),
        candidate_outcome: JSON.stringify(c),
      })
      .execute();
    return [
      {
        stream_id: run.shadow_id,
        entry_type: 'policy.shadow_divergence',
        payload: {
          shadow_id: run.shadow_id,
          divergence_id: divergenceId,
          decision_id: decision.decision_id,
          action_scope: intent.action_scope,
          severity: divergence.severity,
          changed: divergence.changed,
          active: outcome(a),
          candidate: outcome(c),
        },
      },
    ];
  };
}
