import { createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { Clock } from '../../common/clock.ts';
import type { KeyProvider, Signer } from '../../crypto/keyring/key-provider.ts';
import { isUniqueViolation } from '../../store/pg-errors.ts';
import type { Database, Timestamp } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import { WritError } from '../../errors/writ-error.ts';
import { parseSpiffeId, trustDomainId, trustDomainProblem } from './spiffe-id.ts';
import type { JwtAuthority, TrustDomainBundle } from './trust-bundles.ts';
import { issueCertificate, keyIdentifier, p1363ToDer, type SimpleName } from './x509-issue.ts';

/** `spiffe_dev_cas` (migration 009): the dev CA generations; private keys only as provider references. */
export interface SpiffeDevCasTable {
  ca_kid: string;
  trust_domain: string;
  generation: number;
  provider: string;
  ca_private_ref: string;
  ca_cert_pem: string;
  jwt_kid: string;
  jwt_public_jwk: ColumnType<Record<string, unknown>, string, string>;
  jwt_private_ref: string;
  created_at: Timestamp;
  not_after: Timestamp;
}

type DevCaDatabase = Database & { spiffe_dev_cas: SpiffeDevCasTable };

function devCaDb(db: Kysely<Database>): Kysely<DevCaDatabase> {
  return db as never;
}

/**
 * Longest SVID lifetime the dev CA issues, in seconds (24 h).
 *
 * @example
 * ```ts
 * MAX_DEV_SVID_TTL_SECONDS; // 86400
 * ```
 */
export const MAX_DEV_SVID_TTL_SECONDS = 86_400;

/**
 * Options of {@link DevCa.open}.
 *
 * @example
 * ```ts
 * const options: DevCaOptions = { store, provider: new LocalKeyProvider(masterKey.bytes), clock, trustDomain: 'writ.dev' };
 * ```
 */
export interface DevCaOptions {
  store: Store;
  /** Holds the CA and JWT signing keys (the local provider seals them under the master key). */
  provider: KeyProvider;
  clock: Clock;
  trustDomain: string;
  /** Lifetime of a new CA certificate; default 3650 days. */
  caValidityDays?: number;
}

/**
 * An X.509-SVID the dev CA issued.
 *
 * @example
 * ```ts
 * const { certificate, bundle, expiresAt } = await devCa.mintX509Svid({ spiffeId, publicKey, ttlSeconds: 3600 });
 * ```
 */
export interface DevX509Svid {
  certificate: X509Certificate;
  /** The CA certificates of the dev trust domain (the bundle to trust). */
  bundle: X509Certificate[];
  expiresAt: Date;
}

interface Generation {
  caKid: string;
  caCert: X509Certificate;
  caSigner: Signer;
  caName: SimpleName;
  caKeyId: Uint8Array;
  notAfter: Date;
  jwt: JwtAuthority;
  jwtSigner: Signer;
}

/**
 * The built-in dev CA of one Writ home (dev mode only; production refuses it): an
 * ECDSA P-256 CA for the dev trust domain (default `writ.dev`) plus an ES256 JWT-SVID
 * signing key, created on first use and kept in the store (`spiffe_dev_cas`) with the
 * private keys sealed by the key provider under the master key. Its CA certificate
 * and JWT key are what {@link DevCa.bundle} publishes. It issues SVIDs for any SPIFFE
 * ID of its trust domain to whoever may call it, which is why it is a dev shortcut.
 *
 * @example
 * ```ts
 * const devCa = await DevCa.open({ store, provider, clock, trustDomain: 'writ.dev' });
 * const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/ci/deploy', audience: ['writ-gateway'], ttlSeconds: 300 });
 * ```
 */
export class DevCa {
  readonly trustDomain: string;
  readonly #clock: Clock;
  readonly #current: Generation;
  readonly #all: Generation[];

  private constructor(trustDomain: string, clock: Clock, generations: Generation[]) {
    this.trustDomain = trustDomain;
    this.#clock = clock;
    this.#all = generations;
    this.#current = generations[0] as Generation;
  }

  /**
   * Loads the dev CA of a trust domain, creating it (or a new generation, when the
   * newest has expired) on first use.
   *
   * @throws {WritError} `CONFIG_INVALID` for a bad trust domain; `KEY_DECRYPT_FAILED`
   *   when the master key does not open the stored keys.
   */
  static async open(options: DevCaOptions): Promise<DevCa> {
    if (trustDomainProblem(options.trustDomain)) {
      throw new WritError('CONFIG_INVALID', `WRIT_SPIFFE_DEV_TRUST_DOMAIN: ${JSON.stringify(options.trustDomain)} is not a trust domain name`);
    }
    const db = devCaDb(options.store.db);
    const now = options.clock.now();
    const load = () => db.selectFrom('spiffe_dev_cas').selectAll().where('trust_domain', '=', options.trustDomain).where('not_after', '>', now).orderBy('generation', 'desc').execute();
    let rows = await load();
    if (rows.length === 0) {
      // The generation after the newest one seen (expired or none): two processes that
      // both find none race for the same generation number, and one insert wins.
      const newest = await db.selectFrom('spiffe_dev_cas').select((eb) => eb.fn.max('generation').as('g')).where('trust_domain', '=', options.trustDomain).executeTakeFirst();
      await DevCa.#create(options, Number(newest?.g ?? 0) + 1);
      rows = await load();
    }
    if (rows.length === 0) throw new WritError('INTERNAL', 'the dev CA could not be created');
    const generations: Generation[] = [];
    for (const row of rows) generations.push(await DevCa.#generation(options.provider, row));
    return new DevCa(options.trustDomain, options.clock, generations);
  }

  static async #generation(provider: KeyProvider, row: Selectable<SpiffeDevCasTable>): Promise<Generation> {
    const caCert = new X509Certificate(row.ca_cert_pem);
    const caSigner = await provider.signer(row.ca_kid, 'ES256', row.ca_private_ref);
    const jwtSigner = await provider.signer(row.jwt_kid, 'ES256', row.jwt_private_ref);
    const jwk = row.jwt_public_jwk as JWK;
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return {
      caKid: row.ca_kid,
      caCert,
      caSigner,
      caName: caNameFor(row.trust_domain),
      caKeyId: keyIdentifier(caCert.publicKey),
      notAfter: new Date(row.not_after),
      jwt: { kid: row.jwt_kid, kty: 'EC', crv: 'P-256', alg: 'ES256', key, jwk: { ...jwk, kid: row.jwt_kid, alg: 'ES256', use: 'jwt-svid' } },
      jwtSigner,
    };
  }

  static async #create(options: DevCaOptions, generation: number): Promise<void> {
    const { provider, clock, trustDomain } = options;
    const db = devCaDb(options.store.db);
    const thumbprint = (jwk: object) => calculateJwkThumbprint(jwk as JWK, 'sha256');
    const ca = await provider.createKey('ES256', thumbprint);
    const jwt = await provider.createKey('ES256', thumbprint);
    const caSigner = await provider.signer(ca.kid, 'ES256', ca.privateRef);
    const now = clock.now();
    const notBefore = new Date(now.getTime() - 3600_000);
    const notAfter = new Date(now.getTime() + (options.caValidityDays ?? 3650) * 86_400_000);
    const cert = await issueCertificate({
      subject: caNameFor(trustDomain),
      publicKey: createPublicKey({ key: ca.publicJwk as JsonWebKey, format: 'jwk' }),
      notBefore,
      notAfter,
      ca: true,
      pathLen: 0,
      keyUsage: ['keyCertSign', 'cRLSign'],
      uris: [trustDomainId(trustDomain)],
      selfSign: async (tbs) => p1363ToDer(await caSigner.sign(tbs)),
    });
    try {
      await db
        .insertInto('spiffe_dev_cas')
        .values({
          ca_kid: ca.kid,
          trust_domain: trustDomain,
          generation,
          provider: provider.name,
          ca_private_ref: ca.privateRef,
          ca_cert_pem: cert.toString(),
          jwt_kid: jwt.kid,
          jwt_public_jwk: JSON.stringify(jwt.publicJwk),
          jwt_private_ref: jwt.privateRef,
          created_at: now,
          not_after: notAfter,
        })
        .execute();
    } catch (err) {
      // Another process created this generation at the same moment: use theirs.
      if (!isUniqueViolation(err)) throw err;
    }
  }

  /**
   * The dev trust domain's bundle: every unexpired CA generation and its JWT key.
   *
   * @example
   * ```ts
   * new TrustBundleSet([devCa.bundle(), ...loadTrustBundles(config.spiffe)]);
   * ```
   */
  bundle(): TrustDomainBundle {
    return {
      trustDomain: this.trustDomain,
      x509Authorities: this.#all.map((g) => g.caCert),
      jwtAuthorities: new Map(this.#all.map((g) => [g.jwt.kid, g.jwt])),
      dev: true,
    };
  }

  #check(spiffeId: string, ttlSeconds: number): { id: string; now: Date; expiresAt: Date } {
    const id = parseSpiffeId(spiffeId);
    if (id.trustDomain !== this.trustDomain) {
      throw new WritError('BAD_REQUEST', `the dev CA issues SVIDs of trust domain ${this.trustDomain} only`, { reason: 'TRUST_DOMAIN_MISMATCH' });
    }
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_DEV_SVID_TTL_SECONDS) {
      throw new WritError('BAD_REQUEST', `ttl must be a whole number of seconds from 1 to ${MAX_DEV_SVID_TTL_SECONDS}`, { reason: 'TTL' });
    }
    const now = this.#clock.now();
    const expiresAt = new Date(Math.floor(Math.min(now.getTime() + ttlSeconds * 1000, this.#current.notAfter.getTime()) / 1000) * 1000);
    return { id: id.id, now, expiresAt };
  }

  /**
   * Issues an X.509-SVID for `publicKey`: one URI SAN (the SPIFFE ID), not a CA, key
   * usage digitalSignature, EKU serverAuth + clientAuth, valid from a minute ago
   * (clock skew) for `ttlSeconds`. Extra DNS / IP SANs make it usable as a server
   * certificate too.
   *
   * @throws {WritError} `BAD_REQUEST` for an invalid SPIFFE ID, another trust domain
   *   (`TRUST_DOMAIN_MISMATCH`) or a bad TTL.
   *
   * @example
   * ```ts
   * const { certificate } = await devCa.mintX509Svid({ spiffeId: 'spiffe://writ.dev/ci/deploy', publicKey, ttlSeconds: 3600 });
   * ```
   */
  async mintX509Svid(input: { spiffeId: string; publicKey: KeyObject; ttlSeconds: number; dnsNames?: string[]; ipAddresses?: string[] }): Promise<DevX509Svid> {
    const { id, now, expiresAt } = this.#check(input.spiffeId, input.ttlSeconds);
    if (input.publicKey.type !== 'public' || !['ec', 'rsa', 'ed25519'].includes(input.publicKey.asymmetricKeyType ?? '')) {
      throw new WritError('BAD_REQUEST', 'the SVID key must be an EC, RSA or Ed25519 public key', { reason: 'PUBLIC_KEY' });
    }
    const g = this.#current;
    const certificate = await issueCertificate({
      subject: { organization: 'Writ dev SVID' },
      publicKey: input.publicKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: expiresAt,
      ca: false,
      keyUsage: ['digitalSignature'],
      uris: [id],
      ...(input.dnsNames ? { dnsNames: input.dnsNames } : {}),
      ...(input.ipAddresses ? { ipAddresses: input.ipAddresses } : {}),
      issuer: { name: g.caName, keyId: g.caKeyId, sign: async (tbs) => p1363ToDer(await g.caSigner.sign(tbs)) },
    });
    return { certificate, bundle: this.#all.map((x) => x.caCert), expiresAt };
  }

  /**
   * Issues a JWT-SVID (ES256, `kid` of the dev JWT key, `typ: JWT`) with `sub` = the
   * SPIFFE ID, the given audiences, `iat` now and `exp` after `ttlSeconds`.
   *
   * @throws {WritError} `BAD_REQUEST` as {@link DevCa.mintX509Svid}, or for no audience.
   *
   * @example
   * ```ts
   * const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/ci/deploy', audience: ['writ-gateway'], ttlSeconds: 300 });
   * ```
   */
  async mintJwtSvid(input: { spiffeId: string; audience: string[]; ttlSeconds: number }): Promise<{ token: string; expiresAt: Date }> {
    const { id, now, expiresAt } = this.#check(input.spiffeId, input.ttlSeconds);
    if (input.audience.length === 0 || input.audience.some((a) => typeof a !== 'string' || a.length === 0)) {
      throw new WritError('BAD_REQUEST', 'a JWT-SVID needs at least one audience', { reason: 'AUDIENCE' });
    }
    const g = this.#current;
    const enc = (o: object) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
    const signingInput = `${enc({ alg: 'ES256', kid: g.jwt.kid, typ: 'JWT' })}.${enc({
      sub: id,
      aud: input.audience.length === 1 ? input.audience[0] : input.audience,
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(expiresAt.getTime() / 1000),
    })}`;
    const signature = await g.jwtSigner.sign(Buffer.from(signingInput, 'ascii'));
    return { token: `${signingInput}.${Buffer.from(signature).toString('base64url')}`, expiresAt };
  }
}

function caNameFor(trustDomain: string): SimpleName {
  return { organization: 'Writ dev CA', commonName: `Writ dev CA ${trustDomain}` };
}
