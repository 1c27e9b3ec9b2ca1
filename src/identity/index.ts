/**
 * Human identity: OIDC ID token verification, roles from groups, and the built-in
 * dev identity provider.
 *
 * @example
 * ```ts
 * import { OidcVerifier, privilegeLevel } from '../identity/index.ts';
 * const { identity } = await new OidcVerifier({ issuers, clock }).verify(idToken);
 * privilegeLevel(identity); // 'L4' | 'L5' | null
 * ```
 *
 * @module
 */
export { HUMAN_ROLES, type HumanIdentity, type HumanRole } from './human-identity.ts';
export { privilegeLevel, rolesFromGroups } from './roles.ts';
export { type IdentityInvalidReason } from './oidc/identity-errors.ts';
export {
  DEFAULT_ID_TOKEN_ALGORITHMS, SUPPORTED_ID_TOKEN_ALGORITHMS, isSecureOrLoopbackUrl, type OidcIssuerConfig,
} from './oidc/issuer-config.ts';
export { OidcVerifier, type OidcVerifierOptions, type VerifiedIdToken } from './oidc/verifier.ts';
export { DEV_IDP_AUDIENCE, DevIdentityProvider, type DevIdentityProviderOptions } from './dev-idp/dev-identity-provider.ts';
export { DEV_USERS, type DevUser } from './dev-idp/dev-users.ts';
