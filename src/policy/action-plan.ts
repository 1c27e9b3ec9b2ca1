/**
 * Per-action evaluation plans. A Cedar call costs in proportion to the policies it
 * evaluates and the values it is sent, so for each action of a bundle the plan keeps:
 *
 * - the policies whose action scope can match it (`==` the action, `in` the action or
 *   one of its groups, or any action). Cedar checks the scope before the conditions,
 *   so a policy scoped to another action is never satisfied and never errors:
 *   leaving it out cannot change a decision;
 * - the attribute paths of principal, resource and context those policies read
 *   (`policy-reads.ts`). Everything else is left out of the request; it has already
 *   been type-checked when the intent was mapped (`cedar-request.ts`);
 * - the action entity and its groups, when the action belongs to a group, so that
 *   `action in Writ::Action::"group"` works without sending the schema.
 *
 * @module
 */
import type { EntityJson } from './cedar.ts';
import type { MappedIntent } from './cedar-request.ts';
import { uidKey, type CompiledBundle } from './compile-bundle.ts';
import { emptyPaths, mergePaths, slice, type PathTrie, type PolicyReads } from './policy-reads.ts';
import { WRIT_NAMESPACE } from './schema-model.ts';

/**
 * How to evaluate one action of a bundle.
 *
 * @example
 * ```ts
 * const plan = planActions(bundle).get('promotion')!;
 * plan.policyIds; // ['promotion.forbid.incident', 'promotion.forbid.phase_hold', …]
 * ```
 */
export interface ActionPlan {
  action: string;
  /** Id of the pre-parsed policy set: `<policy_bundle_hash>#<action>`. */
  policySetId: string;
  policyIds: readonly string[];
  reads: PolicyReads;
  /** The action and its groups as entities with parents; empty when it is in no group. */
  actionEntities: readonly EntityJson[];
}

/**
 * The request Cedar is sent for a mapped intent under a plan.
 *
 * @example
 * ```ts
 * cedar.statefulIsAuthorized(cedarCall(plan, mapped));
 * ```
 */
export interface CedarCall {
  preparsedPolicySetId: string;
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, never> | MappedIntent['context'];
  entities: EntityJson[];
}

function isEmpty(t: PathTrie): boolean {
  return !t.all && t.children.size === 0;
}

/**
 * One plan per action of the bundle's schema.
 *
 * @example
 * ```ts
 * planActions(bundle).size === bundle.model.actions.size; // true
 * ```
 */
export function planActions(bundle: CompiledBundle): Map<string, ActionPlan> {
  const plans = new Map<string, ActionPlan>();
  const actionType = `${WRIT_NAMESPACE}::Action`;
  for (const [action, model] of bundle.model.actions) {
    // The action and its groups, transitively (a group outside the namespace ends the walk).
    const self = { type: actionType, id: action };
    const lineage = new Map<string, { uid: { type: string; id: string }; parents: readonly { type: string; id: string }[] }>();
    const queue = [{ uid: self, parents: model.parents }];
    while (queue.length > 0) {
      const next = queue.shift()!;
      const key = uidKey(next.uid);
      if (lineage.has(key)) continue;
      lineage.set(key, next);
      for (const p of next.parents) {
        const inner = p.type === actionType ? bundle.model.actions.get(p.id) : undefined;
        queue.push({ uid: p, parents: inner?.parents ?? [] });
      }
    }
    const policyIds: string[] = [];
    const reads: PolicyReads = { principal: emptyPaths(), resource: emptyPaths(), context: emptyPaths() };
    for (const [id, p] of bundle.policies) {
      const applies =
        p.action.op === 'All' ||
        (p.action.op === '==' ? p.action.uids.includes(uidKey(self)) : p.action.uids.some((u) => lineage.has(u)));
      if (!applies) continue;
      policyIds.push(id);
      mergePaths(reads.principal, p.reads.principal);
      mergePaths(reads.resource, p.reads.resource);
      mergePaths(reads.context, p.reads.context);
    }
    const actionEntities: EntityJson[] =
      lineage.size > 1 ? [...lineage.values()].map((l) => ({ uid: l.uid, attrs: {}, parents: [...l.parents] })) : [];
    plans.set(action, { action, policySetId: `${bundle.policy_bundle_hash}#${action}`, policyIds: policyIds.sort(), reads, actionEntities });
  }
  return plans;
}

/**
 * The Cedar call for `mapped` under `plan`: the plan's pre-parsed policy slice, and
 * only what its policies read.
 * The principal and resource entities are sent only when some policy reads their
 * attributes (`has` on an absent entity is false, as on a present one without the
 * attribute).
 *
 * @example
 * ```ts
 * const call = cedarCall(plan, mapped);
 * call.context; // e.g. { resource_id: 'payments/prod', signals: { phase_hold: …, incident: … } }
 * ```
 */
export function cedarCall(plan: ActionPlan, mapped: MappedIntent): CedarCall {
  const entities: EntityJson[] = [...plan.actionEntities];
  const sameUid = mapped.principal.type === mapped.resource.type && mapped.principal.id === mapped.resource.id;
  if (!isEmpty(plan.reads.resource) || (sameUid && !isEmpty(plan.reads.principal))) {
    const trie = emptyPaths();
    mergePaths(trie, plan.reads.resource);
    if (sameUid) mergePaths(trie, plan.reads.principal);
    entities.push({ uid: mapped.resource, attrs: slice(mapped.resourceAttrs, trie) as EntityJson['attrs'], parents: [] });
  }
  if (!sameUid && !isEmpty(plan.reads.principal)) entities.push({ uid: mapped.principal, attrs: {}, parents: [] });
  return {
    preparsedPolicySetId: plan.policySetId,
    principal: mapped.principal,
    action: mapped.action,
    resource: mapped.resource,
    context: slice(mapped.context, plan.reads.context) as MappedIntent['context'],
    entities,
  };
}
