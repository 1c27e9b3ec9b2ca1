/**
 * Lint of approval obligations: every group a permit names in `@approver_groups` must
 * be a group Writ knows (from configuration), or the approval could never be given and
 * the action would stay blocked — or, worse, a typo would route it to the wrong people.
 *
 * @module
 */
import type { LintIssue } from '../artifacts.ts';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { lintIssue, policyLocation } from './lint-issue.ts';

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known group closest to `name` when it is close enough to be a typo of it.
 *
 * @example
 * ```ts
 * closestGroup('platform-securty', ['platform-security', 'release-management']); // 'platform-security'
 * closestGroup('finance', ['platform-security']); // null
 * ```
 */
export function closestGroup(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const g of [...known].sort()) {
    const d = editDistance(name, g);
    if (d < bestDistance) {
      best = g;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Issues of the bundle's approver groups: `APPROVER_GROUP_UNKNOWN` per (policy, group)
 * not in `knownGroups`; with `knownGroups` null, one `APPROVER_GROUPS_UNCHECKED` warning
 * when some policy names a group.
 *
 * @example
 * ```ts
 * approverGroupIssues(bundle, ['platform-security']).map((i) => i.message);
 * ```
 */
export function approverGroupIssues(bundle: CompiledBundle, knownGroups: readonly string[] | null): LintIssue[] {
  const named = [...bundle.policies.values()].filter((p) => p.obligations.approver_groups.length > 0);
  if (named.length === 0) return [];
  if (knownGroups === null) {
    const groups = [...new Set(named.flatMap((p) => p.obligations.approver_groups))].sort();
    return [
      lintIssue(
        'APPROVER_GROUPS_UNCHECKED',
        `approver groups were not checked against configuration (no group list given); the bundle names ${groups.join(', ')}`,
      ),
    ];
  }
  const known = new Set(knownGroups);
  const out: LintIssue[] = [];
  for (const p of named) {
    for (const g of p.obligations.approver_groups) {
      if (known.has(g)) continue;
      const near = closestGroup(g, knownGroups);
      const hint = near ? ` (did you mean ${JSON.stringify(near)}?)` : '';
      out.push(
        lintIssue('APPROVER_GROUP_UNKNOWN', `@approver_groups names ${JSON.stringify(g)}, which is not a configured approver group${hint}`, {
          policy_id: p.id,
          location: policyLocation(bundle, p),
        }),
      );
    }
  }
  return out;
}
