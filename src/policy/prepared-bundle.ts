/**
 * Preparing a bundle for evaluation, once per `policy_bundle_hash` and thread: an
 * {@link ActionPlan} per action, each with its slice of the policy set pre-parsed into
 * Cedar's cache under `<hash>#<action>`. Keyed by the hash, so equal content shares
 * one preparation and a different bundle can never be confused with it.
 *
 * @module
 */
import { planActions, type ActionPlan } from './action-plan.ts';
import { cedar, cedarMessage } from './cedar.ts';
import type { CompiledBundle } from './compile-bundle.ts';

/** Hash → the plans, or the error that prevented preparing (kept so it is not retried per decision). */
const prepared = new Map<string, ReadonlyMap<string, ActionPlan> | string>();

/**
 * The bundle's action plans, pre-parsing them on first use; or why it cannot be prepared.
 *
 * @example
 * ```ts
 * const plans = prepareBundle(bundle);
 * if (typeof plans !== 'string') plans.get('promotion')?.policySetId; // 'sha256:…#promotion'
 * ```
 */
export function prepareBundle(bundle: CompiledBundle): ReadonlyMap<string, ActionPlan> | string {
  const hash = bundle.policy_bundle_hash;
  const known = prepared.get(hash);
  if (known !== undefined) return known;
  let result: ReadonlyMap<string, ActionPlan> | string;
  try {
    const plans = planActions(bundle);
    result = plans;
    for (const plan of plans.values()) {
      const staticPolicies: Record<string, string> = {};
      for (const id of plan.policyIds) staticPolicies[id] = bundle.policies.get(id)!.text;
      const answer = cedar.preparsePolicySet(plan.policySetId, { staticPolicies });
      if (answer.type !== 'success') {
        result = `cannot pre-parse ${plan.policySetId}: ${answer.errors.map(cedarMessage).join('; ')}`;
        break;
      }
    }
  } catch (err) {
    result = `cannot prepare bundle ${hash}: ${err instanceof Error ? err.message : String(err)}`;
  }
  prepared.set(hash, result);
  return result;
}

/**
 * True when the bundle with this hash has been prepared in this thread.
 *
 * @example
 * ```ts
 * isPrepared(bundle.policy_bundle_hash); // false until the first evaluation
 * ```
 */
export function isPrepared(hash: string): boolean {
  const p = prepared.get(hash);
  return p !== undefined && typeof p !== 'string';
}
