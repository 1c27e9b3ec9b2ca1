import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import type { Clock } from '../../common/clock.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { OidcIssuerConfig } from '../oidc/issuer-config.ts';
import { DEV_USERS, type DevUser } from './dev-users.ts';

/**
 * The audience (client id) of dev IdP tokens.
 *
 * @example
 * ```ts
 * DEV_IDP_AUDIENCE; // 'writ-dev'
 * ```
 */
export const DEV_IDP_AUDIENCE = 'writ-dev';

/**
 * Options of {@link DevIdentityProvider}.
 *
 * @example
 * ```ts
 * const options: DevIdentityProviderOptions = { baseUrl: config.addr, clock: systemClock };
 * ```
 */
export interface DevIdentityProviderOptions {
  /** Writ's base URL (e.g. `http://127.0.0.1:8787`); the issuer is `${baseUrl}/dev-idp`. */
  baseUrl: string;
  clock: Clock;
  /** Default: {@link DEV_USERS}. */
  users?: readonly DevUser[];
  /** Default lifetime of issued tokens; default 3600. */
  defaultTtlSeconds?: number;
}

const MAX_TTL_SECONDS = 86_400;
const MAX_NONCE_LENGTH = 512;

/** RFC 7638 thumbprint of a P-256 public JWK (required members in lexicographic order). */
function ecThumbprint(jwk: { crv?: string; x?: string; y?: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The built-in dev identity provider, so that `writ serve` in dev mode can run the
 * approval flow on one machine with no external service. It has an ES256 key pair
 * made in memory at start (never written anywhere; a restart invalidates every
 * token), a fixed list of named users, and signs ID tokens for any of them on
 * request: it authenticates nobody, which is why production mode refuses it.
 *
 * @example
 * ```ts
 * const idp = new DevIdentityProvider({ baseUrl: 'http://127.0.0.1:8787', clock: systemClock });
 * verifier.addIssuer(idp.issuerConfig());
 * const token = await idp.issueIdToken('alice', { nonce: 'sha256:…' });
 * ```
 */
export class DevIdentityProvider {
  /** `${baseUrl}/dev-idp`. */
  readonly issuer: string;
  readonly audience = DEV_IDP_AUDIENCE;
  /** Lifetime of tokens issued without `ttlSeconds`. */
  readonly defaultTtlSeconds: number;
  readonly #clock: Clock;
  readonly #users: readonly DevUser[];
  readonly #privateKey: KeyObject;
  readonly #publicJwk: JWK;

  constructor(options: DevIdentityProviderOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch (err) {
      throw new WritError('CONFIG_INVALID', `dev IdP base URL: expected an http(s) URL, got ${JSON.stringify(options.baseUrl)}`, { cause: err });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new WritError('CONFIG_INVALID', `dev IdP base URL: expected an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
    }
    this.issuer = `${options.baseUrl.replace(/\/+$/, '')}/dev-idp`;
    this.#clock = options.clock;
    this.#users = options.users ?? DEV_USERS;
    this.defaultTtlSeconds = options.defaultTtlSeconds ?? 3600;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const pub = publicKey.export({ format: 'jwk' });
    this.#publicJwk = { kty: 'EC', crv: pub.crv, x: pub.x, y: pub.y, kid: `dev-${ecThumbprint(pub)}`, alg: 'ES256', use: 'sig' } as JWK;
  }

  /**
   * What the verifier needs to trust this IdP: static keys, so no HTTP is involved.
   *
   * @example
   * ```ts
   * new OidcVerifier({ issuers: [idp.issuerConfig()], clock });
   * ```
   */
  issuerConfig(): OidcIssuerConfig {
    return { issuer: this.issuer, audience: [DEV_IDP_AUDIENCE], groupsClaim: 'groups', keys: this.jwks(), algorithms: ['ES256'] };
  }

  /**
   * The dev users.
   *
   * @example
   * ```ts
   * idp.users().map((u) => u.name); // ['alice', 'bob', 'carol', …]
   * ```
   */
  users(): readonly DevUser[] {
    return this.#users;
  }

  /**
   * Signs an ID token for a dev user (`sub` = the user name, `aud` = `writ-dev`, the
   * user's groups, `writ_dev_idp: true`), valid from now on the injected clock.
   *
   * @throws {WritError} `BAD_REQUEST` for an unknown user, a nonce over 512 characters or a ttl outside 1–86400.
   *
   * @example
   * ```ts
   * const idToken = await idp.issueIdToken('bob', { nonce: 'n-1', ttlSeconds: 300 });
   * ```
   */
  async issueIdToken(user: string, options: { nonce?: string; ttlSeconds?: number } = {}): Promise<string> {
    const found = this.#users.find((u) => u.name === user);
    if (!found) throw new WritError('BAD_REQUEST', `unknown dev user ${JSON.stringify(user)}`);
    const ttl = options.ttlSeconds ?? this.defaultTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
      throw new WritError('BAD_REQUEST', `ttlSeconds: expected a whole number from 1 to ${MAX_TTL_SECONDS}`);
    }
    if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.length > MAX_NONCE_LENGTH)) {
      throw new WritError('BAD_REQUEST', `nonce: expected a string of at most ${MAX_NONCE_LENGTH} characters`);
    }
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    return new SignJWT({
      name: found.display_name,
      email: `${found.name}@dev.writ.invalid`,
      groups: [...found.groups],
      auth_time: now,
      azp: DEV_IDP_AUDIENCE,
      writ_dev_idp: true,
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.#publicJwk.kid as string, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(found.name)
      .setAudience(DEV_IDP_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(this.#privateKey);
  }

  /**
   * The OpenID discovery document served at `/dev-idp/.well-known/openid-configuration`.
   *
   * @example
   * ```ts
   * idp.discoveryDocument().jwks_uri; // 'http://127.0.0.1:8787/dev-idp/jwks'
   * ```
   */
  discoveryDocument(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/jwks`,
      token_endpoint: `${this.issuer}/token`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'email', 'groups', 'azp'],
      dev_mode: true,
    };
  }

  /**
   * The public key set (one ES256 key).
   *
   * @example
   * ```ts
   * idp.jwks().keys[0]?.alg; // 'ES256'
   * ```
   */
  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.#publicJwk }] };
  }
}
