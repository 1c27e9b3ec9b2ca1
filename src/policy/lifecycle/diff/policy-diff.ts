/**
 * Policies of two bundles compared by `@id`: added, removed, and changed — by effect,
 * scope, conditions, annotations or file. Scope and conditions are compared on Cedar's
 * JSON form (`policyToJson`), so reformatting a policy or editing its comments is not a
 * change (it does change the bundle hash: Cedar files are hashed verbatim).
 *
 * @module
 */
import { canonicalize } from '../../../crypto/jcs.ts';
import { cedar, type PolicyJson } from '../../cedar.ts';
import type { CompiledBundle, CompiledPolicy } from '../../compile-bundle.ts';
import type { PolicyChange, SemanticDiff } from '../artifacts.ts';
import { policySourceParts } from './policy-source.ts';

function jsonOf(p: CompiledPolicy): PolicyJson | null {
  const answer = cedar.policyToJson(p.text);
  return answer.type === 'success' ? answer.json : null;
}

function same(a: unknown, b: unknown): boolean {
  return canonicalize(a ?? null) === canonicalize(b ?? null);
}

function byId(a: { policy_id: string }, b: { policy_id: string }): number {
  return a.policy_id < b.policy_id ? -1 : a.policy_id > b.policy_id ? 1 : 0;
}

function annotationChange(a: PolicyJson, b: PolicyJson): PolicyChange | null {
  const before = a.annotations ?? {};
  const after = b.annotations ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => !(Object.hasOwn(before, k) && Object.hasOwn(after, k) && before[k] === after[k]));
  if (changed.length === 0) return null;
  const pick = (from: Record<string, unknown>) => Object.fromEntries(changed.filter((k) => Object.hasOwn(from, k)).map((k) => [k, from[k]]));
  return { aspect: 'annotations', before: pick(before), after: pick(after) };
}

/**
 * What changed in one policy present in both bundles (empty when nothing that matters).
 *
 * @example
 * ```ts
 * policyChanges(before.policies.get('p')!, after.policies.get('p')!).map((c) => c.aspect); // ['conditions']
 * ```
 */
export function policyChanges(a: CompiledPolicy, b: CompiledPolicy): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const ja = jsonOf(a);
  const jb = jsonOf(b);
  if (!ja || !jb) {
    // Not expected for compiled bundles; compare the text rather than hide a change.
    if (a.text !== b.text) changes.push({ aspect: 'conditions', before: a.text, after: b.text });
  } else {
    const sa = policySourceParts(a.text);
    const sb = policySourceParts(b.text);
    if (ja.effect !== jb.effect) changes.push({ aspect: 'effect', before: ja.effect, after: jb.effect });
    if (!same({ p: ja.principal, a: ja.action, r: ja.resource }, { p: jb.principal, a: jb.action, r: jb.resource })) {
      changes.push({ aspect: 'scope', before: sa?.scope ?? { principal: ja.principal, action: ja.action, resource: ja.resource }, after: sb?.scope ?? { principal: jb.principal, action: jb.action, resource: jb.resource } });
    }
    if (!same(ja.conditions, jb.conditions)) changes.push({ aspect: 'conditions', before: sa?.conditions ?? ja.conditions, after: sb?.conditions ?? jb.conditions });
    const annotations = annotationChange(ja, jb);
    if (annotations) changes.push(annotations);
  }
  if (a.file !== b.file) changes.push({ aspect: 'file', before: a.file, after: b.file });
  return changes;
}

/**
 * The policy part of a semantic diff, each list sorted by policy id.
 *
 * @example
 * ```ts
 * diffPolicies(before, after).removed.map((p) => p.policy_id); // ['promotion.forbid.phase_hold']
 * ```
 */
export function diffPolicies(a: CompiledBundle, b: CompiledBundle): SemanticDiff['policies'] {
  const out: SemanticDiff['policies'] = { added: [], removed: [], changed: [] };
  for (const [id, p] of a.policies) {
    const q = b.policies.get(id);
    if (!q) out.removed.push({ policy_id: id, effect: p.effect, file: p.file });
    else {
      const changes = policyChanges(p, q);
      if (changes.length > 0) out.changed.push({ policy_id: id, changes });
    }
  }
  for (const [id, q] of b.policies) if (!a.policies.has(id)) out.added.push({ policy_id: id, effect: q.effect, file: q.file });
  out.added.sort(byId);
  out.removed.sort(byId);
  out.changed.sort(byId);
  return out;
}
