/**
 * The approval quorum, pure.
 *
 * Rule: `approvals_required` (N) distinct approvers (by `iss` + `sub`), each a member
 * of at least one of the decision's `approver_groups`; and when N ≥ the number of
 * required groups, every required group is covered by a *different* counted
 * approver (a distinct representative per group, found by bipartite matching). So
 * "2 approvals from platform-security and release-management" is one of each: two
 * platform-security approvers are not enough, while one approver in both groups
 * plus one in platform-security is (the first stands for release-management).
 * With no required groups nobody qualifies (fail closed).
 *
 * @module
 */

/** One counted approver: identity key (`iss#sub`) and their groups among the required ones. */
export interface QuorumMember {
  key: string;
  groups: readonly string[];
}

/**
 * The approver's groups that are required groups, in the decision's order.
 *
 * @example
 * ```ts
 * requiredGroupsOf(['approver', 'platform-security'], ['platform-security', 'release-management']); // ['platform-security']
 * ```
 */
export function requiredGroupsOf(approverGroups: readonly string[], required: readonly string[]): string[] {
  const mine = new Set(approverGroups);
  return required.filter((g) => mine.has(g));
}

/**
 * Distinct approvers (by key) that are in at least one required group.
 *
 * @example
 * ```ts
 * countedMembers([{ key: 'a', groups: ['ps'] }, { key: 'a', groups: ['ps'] }], ['ps']).length; // 1
 * ```
 */
export function countedMembers(members: readonly QuorumMember[], required: readonly string[]): QuorumMember[] {
  const seen = new Map<string, QuorumMember>();
  for (const m of members) {
    const groups = requiredGroupsOf(m.groups, required);
    if (groups.length === 0 || seen.has(m.key)) continue;
    seen.set(m.key, { key: m.key, groups });
  }
  return [...seen.values()];
}

/** True when every required group can be given its own distinct member (Kuhn's augmenting paths). */
function everyGroupHasOwnMember(members: readonly QuorumMember[], groups: readonly string[]): boolean {
  const holder = new Map<number, number>(); // member index → group index it stands for
  const tryAssign = (g: number, visited: Set<number>): boolean => {
    for (const [i, m] of members.entries()) {
      if (visited.has(i) || !m.groups.includes(groups[g] as string)) continue;
      visited.add(i);
      const current = holder.get(i);
      if (current === undefined || tryAssign(current, visited)) {
        holder.set(i, g);
        return true;
      }
    }
    return false;
  };
  return groups.every((_g, gi) => tryAssign(gi, new Set()));
}

/**
 * Whether the quorum is reached (see the module rule).
 *
 * @example
 * ```ts
 * quorumReached([{ key: 'alice', groups: ['platform-security'] }, { key: 'bob', groups: ['release-management'] }], 2, ['platform-security', 'release-management']); // true
 * ```
 */
export function quorumReached(members: readonly QuorumMember[], approvalsRequired: number, requiredGroups: readonly string[]): boolean {
  const groups = [...new Set(requiredGroups)];
  if (groups.length === 0) return false;
  const counted = countedMembers(members, groups);
  if (counted.length < Math.max(approvalsRequired, 1)) return false;
  return approvalsRequired < groups.length || everyGroupHasOwnMember(counted, groups);
}
