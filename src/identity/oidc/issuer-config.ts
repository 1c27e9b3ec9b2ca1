import type { JSONWebKeySet } from 'jose';
import { WritError } from '../../errors/writ-error.ts';

/**
 * One trusted OpenID Provider.
 *
 * @example
 * ```ts
 * const okta: OidcIssuerConfig = { issuer: 'https://example.okta.com', audience: ['0oa1writ'], groupsClaim: 'groups' };
 * ```
 */
export interface OidcIssuerConfig {
  /** The exact `iss` value (no normalisation: a trailing slash matters). */
  issuer: string;
  /** Accepted `aud` values (client ids). */
  audience: string[];
  /** Claim that carries the groups; default `groups`. */
  groupsClaim?: string;
  /** JWKS URL; default: `jwks_uri` of `${issuer}/.well-known/openid-configuration`. */
  jwksUri?: string;
  /** A static key set instead of fetching (used by the built-in dev IdP). */
  keys?: JSONWebKeySet;
  /** Accepted signature algorithms; default {@link DEFAULT_ID_TOKEN_ALGORITHMS}. Never `none` or HS*. */
  algorithms?: string[];
}

/**
 * Asymmetric JWS algorithms an issuer may be configured with. `none` and the
 * HMAC algorithms are not here and can never be configured.
 *
 * @example
 * ```ts
 * SUPPORTED_ID_TOKEN_ALGORITHMS.includes('HS256'); // false
 * ```
 */
export const SUPPORTED_ID_TOKEN_ALGORITHMS: readonly string[] = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
];

/**
 * Algorithms accepted when an issuer does not say.
 *
 * @example
 * ```ts
 * DEFAULT_ID_TOKEN_ALGORITHMS; // ['RS256', 'ES256', 'EdDSA', 'PS256']
 * ```
 */
export const DEFAULT_ID_TOKEN_ALGORITHMS: readonly string[] = ['RS256', 'ES256', 'EdDSA', 'PS256'];

/**
 * The default groups claim.
 *
 * @example
 * ```ts
 * resolvedIssuerConfig({ issuer, audience }).groupsClaim === DEFAULT_GROUPS_CLAIM; // 'groups'
 * ```
 */
export const DEFAULT_GROUPS_CLAIM = 'groups';

/**
 * True for an `https:` URL, or an `http:` URL whose host is loopback
 * (`localhost`, `127.0.0.0/8`, `[::1]`). No credentials, query or fragment.
 *
 * @example
 * ```ts
 * isSecureOrLoopbackUrl('https://idp.example.com'); // true
 * isSecureOrLoopbackUrl('http://127.0.0.1:9000'); // true
 * isSecureOrLoopbackUrl('http://idp.example.com'); // false
 * ```
 */
export function isSecureOrLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash || raw.endsWith('?') || raw.endsWith('#')) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

/**
 * The effective settings of an issuer, defaults applied.
 *
 * @example
 * ```ts
 * resolvedIssuerConfig({ issuer: 'https://idp', audience: ['w'] }).algorithms; // ['RS256', 'ES256', 'EdDSA', 'PS256']
 * ```
 */
export function resolvedIssuerConfig(config: OidcIssuerConfig): Required<Omit<OidcIssuerConfig, 'jwksUri' | 'keys'>> & Pick<OidcIssuerConfig, 'jwksUri' | 'keys'> {
  return {
    ...config,
    groupsClaim: config.groupsClaim ?? DEFAULT_GROUPS_CLAIM,
    algorithms: config.algorithms ?? [...DEFAULT_ID_TOKEN_ALGORITHMS],
  };
}

/**
 * Checks an issuer's settings. `where` names the issuer in the one-line error
 * (`oidc.issuers[0]` gives `oidc.issuers[0].audience: …`), or maps each field
 * (`issuer`, `audience`, `groups_claim`, …) to the key to name.
 *
 * @throws {WritError} `CONFIG_INVALID` naming the bad key.
 *
 * @example
 * ```ts
 * assertIssuerConfig({ issuer: 'http://idp.example.com', audience: ['w'] }, 'oidc.issuers[0]'); // throws: https only
 * ```
 */
export function assertIssuerConfig(config: OidcIssuerConfig, where: string | ((field: string) => string)): void {
  const name = typeof where === 'string' ? (field: string) => `${where}.${field}` : where;
  const bad = (field: string, expected: string, got: unknown) =>
    new WritError('CONFIG_INVALID', `${name(field)}: expected ${expected}, got ${JSON.stringify(got)}`);
  // With static keys nothing is fetched from the issuer, so its identifier may be any http(s) URL
  // (the dev IdP on a LAN address); otherwise keys travel over it and it must be https or loopback.
  const issuerOk = typeof config.issuer === 'string'
    && (config.keys !== undefined ? isHttpUrl(config.issuer) : isSecureOrLoopbackUrl(config.issuer));
  if (!issuerOk) {
    throw bad('issuer', 'an https:// URL (http:// only on loopback) without query or fragment', config.issuer);
  }
  if (!Array.isArray(config.audience) || config.audience.length === 0 || !config.audience.every((a) => typeof a === 'string' && a.length > 0)) {
    throw bad('audience', 'one or more client ids', config.audience);
  }
  if (config.groupsClaim !== undefined && (typeof config.groupsClaim !== 'string' || config.groupsClaim.length === 0)) {
    throw bad('groups_claim', 'a claim name', config.groupsClaim);
  }
  if (config.jwksUri !== undefined && (typeof config.jwksUri !== 'string' || !isSecureOrLoopbackUrl(config.jwksUri))) {
    throw bad('jwks_uri', 'an https:// URL (http:// only on loopback)', config.jwksUri);
  }
  if (config.keys !== undefined && (typeof config.keys !== 'object' || config.keys === null || !Array.isArray(config.keys.keys))) {
    throw bad('keys', 'a JWK set ({ keys: [...] })', typeof config.keys);
  }
  if (config.algorithms !== undefined) {
    if (!Array.isArray(config.algorithms) || config.algorithms.length === 0 || !config.algorithms.every((a) => SUPPORTED_ID_TOKEN_ALGORITHMS.includes(a))) {
      throw bad('algorithms', `a non-empty list from ${SUPPORTED_ID_TOKEN_ALGORITHMS.join(', ')}`, config.algorithms);
    }
  }
}
