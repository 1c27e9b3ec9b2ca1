import { HUMAN_ROLES, type HumanIdentity, type HumanRole } from './human-identity.ts';

/**
 * Maps group names to Writ roles: a group whose name is a role name gives that role.
 * Hyphens and underscores are interchangeable (`security-officer` and
 * `security_officer` both give `security_officer`); otherwise names match exactly
 * (case-sensitive), so `Admins` gives nothing. Other groups (e.g. `platform-security`)
 * give no role; they matter as approver groups. Pure; roles come out in
 * {@link HUMAN_ROLES} order without duplicates.
 *
 * @example
 * ```ts
 * rolesFromGroups(['platform-security', 'approver', 'security-officer']); // ['approver', 'security_officer']
 * ```
 */
export function rolesFromGroups(groups: readonly string[]): HumanRole[] {
  const names = new Set(groups.map((g) => g.replaceAll('-', '_')));
  return HUMAN_ROLES.filter((role) => names.has(role));
}

/**
 * Privilege level of a human for break-glass (DESIGN §3.10): `executive` is L5,
 * `security_officer` L4, anyone else `null`.
 *
 * @example
 * ```ts
 * privilegeLevel({ ...identity, roles: ['security_officer'] }); // 'L4'
 * privilegeLevel({ ...identity, roles: ['approver'] }); // null
 * ```
 */
export function privilegeLevel(identity: Pick<HumanIdentity, 'roles'>): 'L4' | 'L5' | null {
  if (identity.roles.includes('executive')) return 'L5';
  if (identity.roles.includes('security_officer')) return 'L4';
  return null;
}
