/**
 * The shadow summary and rollback plan of a lifecycle plan made without a server: no
 * shadow run exists yet (the summary states the criteria a run must meet), and the
 * rollback target is the bundle the operator names as the previous one, since the
 * activation history is the server's.
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import type { RollbackPlan, SemanticDiff, ShadowSummary } from '../artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../artifacts.ts';
import { rollbackRef, rollbackSteps } from '../rollback-steps.ts';

/**
 * A shadow summary where no run exists: state `none`, the criteria a run must meet, and
 * why it is not met.
 *
 * @example
 * ```ts
 * unobservedShadowSummary({ candidate: null, active: 'sha256:…', minHours: 24, reason: 'no shadow run of this bundle' }).state; // 'none'
 * ```
 */
export function unobservedShadowSummary(o: { candidate: string | null; active: string | null; minHours: number; reason: string }): ShadowSummary {
  return {
    schema_version: LIFECYCLE_SCHEMAS.shadow_summary,
    shadow_id: null,
    state: 'none',
    candidate_policy_bundle_hash: o.candidate as ShadowSummary['candidate_policy_bundle_hash'],
    active_policy_bundle_hash: o.active as ShadowSummary['active_policy_bundle_hash'],
    mode: 'shadow',
    non_enforcing: true,
    started_at: null,
    stopped_at: null,
    observation_hours: 0,
    intents_observed: 0,
    divergences: { total: 0, by_severity: { low: 0, medium: 0, high: 0, critical: 0 }, unexplained_high: 0, explained: 0 },
    promotion_criteria: { min_observation_hours: o.minHours, max_unexplained_high: 0, dry_run_failed_count: 0, approval_required: true },
    criteria_met: false,
    unmet: [o.reason],
  };
}

/**
 * A shadow summary for a candidate not yet observed: state `none`, the criteria to meet.
 *
 * @example
 * ```ts
 * plannedShadowSummary(candidate, null, 24).unmet; // ['no shadow run yet: …']
 * ```
 */
export function plannedShadowSummary(candidate: CompiledBundle, active: CompiledBundle | null, minHours: number): ShadowSummary {
  return unobservedShadowSummary({
    candidate: candidate.policy_bundle_hash,
    active: active?.policy_bundle_hash ?? null,
    minHours,
    reason: `no shadow run yet: push the bundle and run \`writ policy shadow start ${candidate.policy_bundle_hash}\``,
  });
}

/**
 * A rollback plan from `candidate` back to `previous` (or no target without one).
 *
 * @example
 * ```ts
 * plannedRollback(candidate, previous, diff).activation_request?.body.policy_bundle_hash; // previous's hash
 * ```
 */
export function plannedRollback(candidate: CompiledBundle, previous: CompiledBundle | null, diff: SemanticDiff | null): RollbackPlan {
  if (!previous) {
    return {
      schema_version: LIFECYCLE_SCHEMAS.rollback_plan,
      rollback_ref: null,
      current_policy_bundle_hash: candidate.policy_bundle_hash,
      target: null,
      approval_required: true,
      reason: 'no previous bundle was given (--previous) and no server was asked: the rollback target is unknown',
      steps: rollbackSteps('(none)'),
      activation_request: null,
      diff: null,
    };
  }
  const m = previous.document.manifest;
  const why = 'the previous bundle named for this plan (--previous); the server checks its activation history when the rollback is requested';
  return {
    schema_version: LIFECYCLE_SCHEMAS.rollback_plan,
    rollback_ref: rollbackRef(m.id, previous.policy_bundle_hash),
    current_policy_bundle_hash: candidate.policy_bundle_hash,
    target: { bundle_id: m.id, version: m.version, policy_bundle_hash: previous.policy_bundle_hash, active_from: null, active_until: null, why },
    approval_required: true,
    reason: why,
    steps: rollbackSteps(previous.policy_bundle_hash),
    activation_request: {
      method: 'POST',
      path: '/v1/policy/activations',
      body: { policy_bundle_hash: previous.policy_bundle_hash, justification: `rollback from ${candidate.policy_bundle_hash} to ${previous.policy_bundle_hash}` },
    },
    diff,
  };
}
