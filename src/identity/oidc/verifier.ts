import { timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../../common/clock.ts';
import { sha256Hex } from '../../crypto/hash.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { HumanIdentity } from '../human-identity.ts';
import { identityFromClaims } from './identity-from-claims.ts';
import { identityInvalid } from './identity-errors.ts';
import { assertIssuerConfig, resolvedIssuerConfig, SUPPORTED_ID_TOKEN_ALGORITHMS, type OidcIssuerConfig } from './issuer-config.ts';
import { IssuerKeys } from './issuer-keys.ts';
import { identityErrorFromJose } from './map-jose-error.ts';

export type { HumanIdentity, HumanRole } from '../human-identity.ts';
export type { OidcIssuerConfig } from './issuer-config.ts';

/**
 * A verified ID token: who it names, all its claims, and a reference to the raw
 * token (never store the token itself).
 *
 * @example
 * ```ts
 * const { identity, token_hash } = await verifier.verify(idToken);
 * identity.groups; // ['platform-security', 'approver']
 * token_hash;      // 'sha256:…'
 * ```
 */
export interface VerifiedIdToken {
  identity: HumanIdentity;
  claims: Record<string, unknown>;
  /** `sha256:` + hex of the raw token's bytes. */
  token_hash: string;
}

/**
 * Options of {@link OidcVerifier}.
 *
 * @example
 * ```ts
 * const options: OidcVerifierOptions = { issuers: config.oidc.issuers, clock: systemClock, clockSkewSeconds: 30 };
 * ```
 */
export interface OidcVerifierOptions {
  issuers: readonly OidcIssuerConfig[];
  /** The only source of time for exp/iat/nbf, the JWKS cache and the refetch cooldown. */
  clock: Clock;
  /** Allowed clock skew for exp/iat/nbf; default 30. */
  clockSkewSeconds?: number;
  /** How long a fetched JWKS is reused; default 10 minutes. */
  jwksCacheMs?: number;
  /** At most one refetch on an unknown kid per this many ms; default 30 s. */
  jwksCooldownMs?: number;
  /** HTTP client for discovery and JWKS; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Network timeout of one discovery or JWKS request; default 5 s. */
  fetchTimeoutMs?: number;
}

/**
 * Longest token accepted, in characters; longer is `MALFORMED` before any parsing.
 *
 * @example
 * ```ts
 * MAX_ID_TOKEN_LENGTH; // 16384
 * ```
 */
export const MAX_ID_TOKEN_LENGTH = 16 * 1024;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

interface TrustedIssuer {
  config: OidcIssuerConfig;
  audience: string[];
  groupsClaim: string;
  algorithms: string[];
  keys: IssuerKeys;
}

/**
 * Verifies OIDC ID tokens of trusted issuers (DESIGN §3.9). The issuer is decided
 * from the unverified `iss` before any key is fetched, so an untrusted token never
 * makes Writ contact anyone. Then: algorithm allowlist (never `none` or HS*), the
 * signature with the issuer's JWKS, `aud` (and `azp` when present), `exp`/`iat`/`nbf`
 * against the injected clock with a bounded skew, and the `nonce` when one is
 * expected. Every failure is `IDENTITY_INVALID` with a fixed message and a stable
 * `reason`; unobtainable keys are `IDENTITY_UNAVAILABLE` / `JWKS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const verifier = new OidcVerifier({ issuers: config.oidc.issuers, clock: systemClock });
 * const { identity } = await verifier.verify(bearer, { expectedNonce: bindingNonce });
 * ```
 */
export class OidcVerifier {
  readonly #issuers = new Map<string, TrustedIssuer>();
  readonly #clock: Clock;
  readonly #skew: number;
  readonly #keyOptions: { cacheMs: number; cooldownMs: number; fetchTimeoutMs: number; fetch: typeof fetch };

  constructor(options: OidcVerifierOptions) {
    this.#clock = options.clock;
    this.#skew = options.clockSkewSeconds ?? 30;
    if (!Number.isFinite(this.#skew) || this.#skew < 0 || this.#skew > 300) {
      throw new WritError('CONFIG_INVALID', `clockSkewSeconds: expected 0 to 300, got ${JSON.stringify(options.clockSkewSeconds)}`);
    }
    this.#keyOptions = {
      cacheMs: options.jwksCacheMs ?? 10 * 60_000,
      cooldownMs: options.jwksCooldownMs ?? 30_000,
      fetchTimeoutMs: options.fetchTimeoutMs ?? 5_000,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    };
    for (const issuer of options.issuers) this.addIssuer(issuer);
  }

  /**
   * Trusts one more issuer (e.g. the built-in dev IdP).
   *
   * @throws {WritError} `CONFIG_INVALID` for bad settings or an issuer already trusted.
   *
   * @example
   * ```ts
   * verifier.addIssuer(devIdp.issuerConfig());
   * ```
   */
  addIssuer(config: OidcIssuerConfig): void {
    assertIssuerConfig(config, `oidc issuer ${JSON.stringify(config.issuer)}`);
    if (this.#issuers.has(config.issuer)) {
      throw new WritError('CONFIG_INVALID', `oidc issuer ${JSON.stringify(config.issuer)}: configured twice`);
    }
    const resolved = resolvedIssuerConfig(config);
    this.#issuers.set(config.issuer, {
      config,
      audience: [...resolved.audience],
      groupsClaim: resolved.groupsClaim,
      algorithms: [...resolved.algorithms],
      keys: new IssuerKeys({ config, clock: this.#clock, ...this.#keyOptions }),
    });
  }

  /**
   * The trusted issuers, in the order they were added.
   *
   * @example
   * ```ts
   * verifier.issuers().map((i) => i.issuer); // ['https://idp.example.com']
   * ```
   */
  issuers(): readonly OidcIssuerConfig[] {
    return [...this.#issuers.values()].map((i) => i.config);
  }

  /**
   * Verifies an ID token: trusted issuer (decided from the unverified `iss` BEFORE any
   * key fetch), signature with the issuer's JWKS, alg allowlist, `aud`, `exp`/`iat`/`nbf`
   * against the injected clock, and when `expectedNonce` is given the `nonce` claim equals it.
   *
   * @throws {WritError} `IDENTITY_INVALID` (fixed message, `reason` says why) or
   *   `IDENTITY_UNAVAILABLE` (`reason` `JWKS_UNAVAILABLE`).
   *
   * @example
   * ```ts
   * const { identity } = await verifier.verify(idToken, { expectedNonce: 'sha256:…' });
   * ```
   */
  async verify(idToken: string, options: { expectedNonce?: string } = {}): Promise<VerifiedIdToken> {
    if (typeof idToken !== 'string' || idToken.length > MAX_ID_TOKEN_LENGTH || !COMPACT_JWS.test(idToken)) {
      throw identityInvalid('MALFORMED');
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(idToken);
      unverified = decodeJwt(idToken);
    } catch (err) {
      throw identityInvalid('MALFORMED', err);
    }
    const { alg, kid, typ } = header;
    if (typeof alg !== 'string') throw identityInvalid('MALFORMED');
    if (!SUPPORTED_ID_TOKEN_ALGORITHMS.includes(alg)) throw identityInvalid('ALG_NOT_ALLOWED');
    if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) throw identityInvalid('MALFORMED');
    // An ID token is typ JWT or untyped; refuse e.g. access tokens (at+jwt) presented as ID tokens.
    if (typ !== undefined && !/^(?:application\/)?jwt$/i.test(typ)) throw identityInvalid('MALFORMED');

    if (!Object.hasOwn(unverified, 'iss')) throw identityInvalid('MISSING_CLAIM');
    if (typeof unverified.iss !== 'string') throw identityInvalid('MALFORMED');
    const issuer = this.#issuers.get(unverified.iss);
    if (!issuer) throw identityInvalid('UNTRUSTED_ISSUER');
    if (!issuer.algorithms.includes(alg)) throw identityInvalid('ALG_NOT_ALLOWED');

    const candidates = await issuer.keys.keysFor({ alg, kid });
    const now = this.#clock.now();
    let claims: JWTPayload | undefined;
    for (const [i, key] of candidates.entries()) {
      try {
        ({ payload: claims } = await jwtVerify(idToken, key, {
          issuer: issuer.config.issuer,
          audience: issuer.audience,
          algorithms: issuer.algorithms,
          currentDate: now,
          clockTolerance: this.#skew,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        }));
        break;
      } catch (err) {
        const more = i < candidates.length - 1;
        if (!(more && identityErrorFromJose(err).reason === 'SIGNATURE')) throw identityErrorFromJose(err);
      }
    }
    if (!claims) throw identityInvalid('SIGNATURE');

    if (typeof claims.iat !== 'number' || claims.iat > now.getTime() / 1000 + this.#skew) {
      throw identityInvalid('NOT_YET_VALID');
    }
    if (claims.azp !== undefined && (typeof claims.azp !== 'string' || !issuer.audience.includes(claims.azp))) {
      throw identityInvalid('AUDIENCE_MISMATCH');
    }
    if (options.expectedNonce !== undefined && !sameString(claims.nonce, options.expectedNonce)) {
      throw identityInvalid('NONCE_MISMATCH');
    }
    return {
      identity: identityFromClaims(claims, issuer.groupsClaim),
      claims: claims as Record<string, unknown>,
      token_hash: `sha256:${sha256Hex(idToken)}`,
    };
  }
}

function sameString(actual: unknown, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  const a = Buffer.from(actual, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
