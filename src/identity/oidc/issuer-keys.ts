import { importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { Clock } from '../../common/clock.ts';
import { fetchJsonObject } from './fetch-json.ts';
import { identityInvalid, identityUnavailable } from './identity-errors.ts';
import { isSecureOrLoopbackUrl, type OidcIssuerConfig } from './issuer-config.ts';
import { keyFitsHeader, publicJwk } from './key-match.ts';

/**
 * Options of {@link IssuerKeys}.
 *
 * @example
 * ```ts
 * const options: IssuerKeysOptions = { config, clock, fetch, cacheMs: 600_000, cooldownMs: 30_000, fetchTimeoutMs: 5_000 };
 * ```
 */
export interface IssuerKeysOptions {
  config: OidcIssuerConfig;
  clock: Clock;
  fetch: typeof fetch;
  /** A fetched key set is reused for this long (injected clock). */
  cacheMs: number;
  /** At most one refetch for an unknown kid per this many ms (injected clock). */
  cooldownMs: number;
  /** Network timeout of one HTTP request (real time). */
  fetchTimeoutMs: number;
}

interface FetchedSet {
  keys: JWK[];
  fetchedAt: number;
}

/**
 * The verification keys of one issuer: a static set, or the issuer's JWKS fetched
 * (after discovery when no `jwksUri` is configured), cached for `cacheMs`, refetched
 * once on an unknown kid (key rotation) but never more than once per `cooldownMs`,
 * with concurrent fetches shared. Each key is imported once per algorithm.
 *
 * @example
 * ```ts
 * const keys = new IssuerKeys({ config, clock, fetch, cacheMs: 600_000, cooldownMs: 30_000, fetchTimeoutMs: 5_000 });
 * const candidates = await keys.keysFor({ alg: 'RS256', kid: 'k1' });
 * ```
 */
export class IssuerKeys {
  readonly #options: IssuerKeysOptions;
  #set: FetchedSet | undefined;
  #inflight: Promise<FetchedSet> | undefined;
  #lastFetchAt = Number.NEGATIVE_INFINITY;
  #jwksUri: string | undefined;
  #imported = new Map<string, CryptoKey>();

  constructor(options: IssuerKeysOptions) {
    this.#options = options;
    this.#jwksUri = options.config.jwksUri;
    if (options.config.keys) {
      this.#set = { keys: usableKeys(options.config.keys), fetchedAt: Number.POSITIVE_INFINITY };
    }
  }

  /**
   * Imported keys that fit a JWS header (`alg`, and `kid` when present); usually one.
   *
   * @throws {WritError} `IDENTITY_INVALID`/`KID_UNKNOWN` when no key fits, even after the one
   *   allowed refetch; `IDENTITY_UNAVAILABLE`/`JWKS_UNAVAILABLE` when the keys cannot be fetched.
   */
  async keysFor(header: { alg: string; kid?: string | undefined }): Promise<CryptoKey[]> {
    const now = this.#options.clock.now().getTime();
    if (this.#options.config.keys) return this.#import(this.#match(this.#set as FetchedSet, header), header.alg);

    let set = this.#set;
    if (!set || now - set.fetchedAt >= this.#options.cacheMs) set = await this.#refresh();
    let matches = this.#match(set, header);
    if (matches.length === 0 && (this.#inflight || now - this.#lastFetchAt >= this.#options.cooldownMs)) {
      // Join a fetch already under way, or start the one refetch the cooldown allows.
      set = await this.#refresh();
      matches = this.#match(set, header);
    }
    return this.#import(matches, header.alg);
  }

  #match(set: FetchedSet, header: { alg: string; kid?: string | undefined }): JWK[] {
    return set.keys.filter((k) => keyFitsHeader(k, header));
  }

  async #import(matches: JWK[], alg: string): Promise<CryptoKey[]> {
    if (matches.length === 0) throw identityInvalid('KID_UNKNOWN');
    const out: CryptoKey[] = [];
    for (const jwk of matches) {
      const id = `${alg}|${JSON.stringify(jwk)}`;
      let key = this.#imported.get(id);
      if (!key) {
        try {
          key = (await importJWK(jwk, alg)) as CryptoKey;
        } catch (err) {
          throw identityUnavailable(err);
        }
        this.#imported.set(id, key);
      }
      out.push(key);
    }
    return out;
  }

  #refresh(): Promise<FetchedSet> {
    this.#inflight ??= this.#fetchSet().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchSet(): Promise<FetchedSet> {
    const { clock } = this.#options;
    this.#lastFetchAt = clock.now().getTime();
    let keys: JWK[];
    try {
      const jwksUri = this.#jwksUri ?? (await this.#discover());
      const doc = await fetchJsonObject(this.#options.fetch, jwksUri, this.#options.fetchTimeoutMs);
      if (!Array.isArray(doc.keys)) throw new Error(`${jwksUri}: no "keys" array`);
      keys = usableKeys(doc as unknown as JSONWebKeySet);
      this.#jwksUri = jwksUri;
    } catch (err) {
      throw identityUnavailable(err);
    }
    const set = { keys, fetchedAt: clock.now().getTime() };
    // Keep imported keys that are still published; drop the rest.
    const still = new Set(keys.map((k) => JSON.stringify(k)));
    for (const id of [...this.#imported.keys()]) {
      if (!still.has(id.slice(id.indexOf('|') + 1))) this.#imported.delete(id);
    }
    this.#set = set;
    return set;
  }

  async #discover(): Promise<string> {
    const { config } = this.#options;
    const url = `${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const doc = await fetchJsonObject(this.#options.fetch, url, this.#options.fetchTimeoutMs);
    if (doc.issuer !== config.issuer) throw new Error(`${url}: issuer ${JSON.stringify(doc.issuer)} is not ${config.issuer}`);
    if (typeof doc.jwks_uri !== 'string' || !isSecureOrLoopbackUrl(doc.jwks_uri)) {
      throw new Error(`${url}: jwks_uri missing or not https`);
    }
    return doc.jwks_uri;
  }
}

function usableKeys(set: JSONWebKeySet): JWK[] {
  return set.keys
    .filter((k): k is JWK => typeof k === 'object' && k !== null && typeof k.kty === 'string')
    .map(publicJwk);
}
