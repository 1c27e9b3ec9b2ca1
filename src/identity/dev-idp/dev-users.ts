/**
 * A named user of the built-in dev identity provider.
 *
 * @example
 * ```ts
 * const u: DevUser = { name: 'alice', display_name: 'Alice (dev)', groups: ['approver'], note: 'approver' };
 * ```
 */
export interface DevUser {
  /** Login name; also the `sub`. */
  name: string;
  display_name: string;
  groups: string[];
  /** What the user is for in a demo. */
  note: string;
}

/**
 * The fixed dev users: enough for a full approval demo on one machine (a requester,
 * approvers in two groups, an L4 and an L5, and someone who may only look).
 *
 * @example
 * ```ts
 * DEV_USERS.find((u) => u.name === 'carol')?.groups; // ['operator']
 * ```
 */
export const DEV_USERS: readonly DevUser[] = [
  { name: 'alice', display_name: 'Alice (dev)', groups: ['platform-security', 'approver'], note: 'approver in platform-security' },
  { name: 'bob', display_name: 'Bob (dev)', groups: ['release-management', 'approver'], note: 'approver in release-management' },
  { name: 'carol', display_name: 'Carol (dev)', groups: ['operator'], note: 'operator; the usual requester' },
  { name: 'dave', display_name: 'Dave (dev)', groups: ['security-officer', 'platform-security'], note: 'security officer (L4)' },
  { name: 'erin', display_name: 'Erin (dev)', groups: ['executive'], note: 'executive (L5)' },
  { name: 'frank', display_name: 'Frank (dev)', groups: ['auditor'], note: 'auditor' },
  { name: 'grace', display_name: 'Grace (dev)', groups: ['admin'], note: 'admin' },
  { name: 'mallory', display_name: 'Mallory (dev)', groups: ['viewer'], note: 'viewer only; cannot approve' },
];
