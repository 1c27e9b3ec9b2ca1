import type { HumanIdentity } from '../human-identity.ts';
import { rolesFromGroups } from '../roles.ts';
import { identityInvalid } from './identity-errors.ts';

/**
 * At most this many groups are accepted in a token; more is `MALFORMED`.
 *
 * @example
 * ```ts
 * MAX_GROUPS; // 1000
 * ```
 */
export const MAX_GROUPS = 1000;

/**
 * The {@link HumanIdentity} of verified ID token claims. Groups come from
 * `groupsClaim`: absent means none; anything but a list of strings is `MALFORMED`
 * (a group list is never guessed from another shape). `name` and `email` are kept
 * when they are strings.
 *
 * @throws {WritError} `IDENTITY_INVALID` / `MALFORMED` or `MISSING_CLAIM`.
 *
 * @example
 * ```ts
 * identityFromClaims({ iss: 'https://idp', sub: 'u1', groups: ['approver'] }, 'groups').roles; // ['approver']
 * ```
 */
export function identityFromClaims(claims: Record<string, unknown>, groupsClaim: string): HumanIdentity {
  const { iss, sub } = claims;
  if (typeof iss !== 'string' || typeof sub !== 'string') throw identityInvalid('MISSING_CLAIM');
  if (sub.length === 0 || sub.length > 255) throw identityInvalid('MALFORMED');
  const raw = Object.hasOwn(claims, groupsClaim) ? claims[groupsClaim] : [];
  if (!Array.isArray(raw) || raw.length > MAX_GROUPS || !raw.every((g) => typeof g === 'string' && g.length > 0)) {
    throw identityInvalid('MALFORMED');
  }
  const groups = [...new Set(raw as string[])];
  return {
    iss,
    sub,
    name: typeof claims.name === 'string' ? claims.name : null,
    email: typeof claims.email === 'string' ? claims.email : null,
    groups,
    roles: rolesFromGroups(groups),
  };
}
