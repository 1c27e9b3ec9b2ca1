/**
 * Who a human is to Writ once their OIDC ID token has been verified.
 *
 * @example
 * ```ts
 * const alice: HumanIdentity = {
 *   iss: 'https://idp.example.com', sub: '00u1', name: 'Alice', email: 'alice@example.com',
 *   groups: ['platform-security', 'approver'], roles: ['approver'],
 * };
 * ```
 */
export interface HumanIdentity {
  /** The issuer that vouched for this human (exact `iss`). */
  iss: string;
  /** The subject, unique within `iss`; `(iss, sub)` identifies the human. */
  sub: string;
  name: string | null;
  email: string | null;
  /** Groups from the issuer's groups claim, as sent (deduplicated, order kept). */
  groups: string[];
  /** Roles derived from `groups` by {@link rolesFromGroups}. */
  roles: HumanRole[];
}

/**
 * The human roles of Writ (DESIGN §3.9). `security_officer` is privilege level L4,
 * `executive` L5.
 *
 * @example
 * ```ts
 * const role: HumanRole = 'approver';
 * ```
 */
export type HumanRole = 'viewer' | 'approver' | 'operator' | 'auditor' | 'admin' | 'security_officer' | 'executive';

/**
 * Every {@link HumanRole}, in a fixed order (lowest to highest privilege).
 *
 * @example
 * ```ts
 * HUMAN_ROLES.includes('auditor'); // true
 * ```
 */
export const HUMAN_ROLES: readonly HumanRole[] = ['viewer', 'approver', 'operator', 'auditor', 'admin', 'security_officer', 'executive'];
