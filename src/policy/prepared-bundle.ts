/**
 * Preparing a bundle for evaluation, once per `policy_bundle_hash` and thread: an
 * {@link ActionPlan} per action, each with its slice of the policy set pre-parsed into
 * Cedar's cache under `<hash>#<action>`, and, when the slice can be flattened
 * (`flat-slice.ts`), its flattened form under `<hash>#<action>~flat`. Keyed by the hash,
 * so equal content shares one preparation and a different bundle can never be confused
 * with it.
 *
 * @module
 */
import { cedarCall, planActions, type ActionPlan, type CedarCall } from './action-plan.ts';
import { cedar, cedarMessage, type PolicyJson } from './cedar.ts';
import type { MappedIntent } from './cedar-request.ts';
import type { CompiledBundle } from './compile-bundle.ts';
import { flatCall, flattenSlice, type FlatSlice } from './flat-slice.ts';

/**
 * An action plan, ready to evaluate: its slice is pre-parsed, and so is its flattened
 * form when there is one (`flat`, null when the slice cannot be flattened exactly).
 *
 * @example
 * ```ts
 * const plans = prepareBundle(bundle);
 * if (typeof plans !== 'string') plans.get('promotion')?.flat?.slots.length; // 8
 * ```
 */
export interface PreparedAction extends ActionPlan {
  flat: FlatSlice | null;
}

/** Hash → the prepared actions, or the error that prevented preparing (kept so it is not retried per decision). */
const prepared = new Map<string, ReadonlyMap<string, PreparedAction> | string>();

function preparse(id: string, staticPolicies: Record<string, string | PolicyJson>): string | null {
  const answer = cedar.preparsePolicySet(id, { staticPolicies });
  return answer.type === 'success' ? null : `cannot pre-parse ${id}: ${answer.errors.map(cedarMessage).join('; ')}`;
}

/**
 * The bundle's prepared actions, pre-parsing them on first use; or why it cannot be prepared.
 *
 * @example
 * ```ts
 * const plans = prepareBundle(bundle);
 * if (typeof plans !== 'string') plans.get('promotion')?.policySetId; // 'sha256:…#promotion'
 * ```
 */
export function prepareBundle(bundle: CompiledBundle): ReadonlyMap<string, PreparedAction> | string {
  const hash = bundle.policy_bundle_hash;
  const known = prepared.get(hash);
  if (known !== undefined) return known;
  let result: ReadonlyMap<string, PreparedAction> | string;
  try {
    const json = new Map<string, PolicyJson | null>();
    const jsonOf = (id: string): PolicyJson | null => {
      if (!json.has(id)) {
        const answer = cedar.policyToJson(bundle.policies.get(id)!.text);
        json.set(id, answer.type === 'success' ? answer.json : null);
      }
      return json.get(id) ?? null;
    };
    const actions = new Map<string, PreparedAction>();
    result = actions;
    for (const plan of planActions(bundle).values()) {
      const staticPolicies: Record<string, string> = {};
      for (const id of plan.policyIds) staticPolicies[id] = bundle.policies.get(id)!.text;
      const error = preparse(plan.policySetId, staticPolicies);
      if (error !== null) {
        result = error;
        break;
      }
      // Flattening is an optimisation: a slice it cannot handle is evaluated unflattened.
      const sources = plan.policyIds.map((id) => ({ id, json: jsonOf(id) }));
      let flat = sources.every((s) => s.json !== null) ? flattenSlice(`${plan.policySetId}~flat`, sources as { id: string; json: PolicyJson }[]) : null;
      if (flat && preparse(flat.policySetId, flat.policies) !== null) flat = null;
      actions.set(plan.action, { ...plan, flat });
    }
  } catch (err) {
    result = `cannot prepare bundle ${hash}: ${err instanceof Error ? err.message : String(err)}`;
  }
  prepared.set(hash, result);
  return result;
}

/**
 * The Cedar call evaluation makes for `mapped` under a prepared action: the flattened
 * slice when there is one, else the plain per-action call (`cedarCall`).
 *
 * @example
 * ```ts
 * cedar.statefulIsAuthorized(decisionCall(plans.get('promotion')!, mapped));
 * ```
 */
export function decisionCall(action: PreparedAction, mapped: MappedIntent): CedarCall {
  return action.flat ? flatCall(action.flat, action.actionEntities, mapped) : cedarCall(action, mapped);
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
