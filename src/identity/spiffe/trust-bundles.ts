import { createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { JWK } from 'jose';
import { WritError } from '../../errors/writ-error.ts';
import type { SpiffeConfig } from './spiffe-config.ts';
import { trustDomainProblem } from './spiffe-id.ts';
import { readCertificateFacts } from './x509-facts.ts';

/**
 * JWS algorithms a JWT-SVID may use (SPIFFE JWT-SVID spec §3.1). `none`, the HMAC
 * algorithms and EdDSA are not here and never accepted.
 *
 * @example
 * ```ts
 * JWT_SVID_ALGORITHMS.includes('HS256'); // false
 * ```
 */
export const JWT_SVID_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

const EC_CURVE_BY_ALG: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/**
 * True when a JWT-SVID algorithm fits a key: RS* and PS* need RSA, ES256/384/512
 * need P-256/P-384/P-521.
 *
 * @example
 * ```ts
 * algorithmFitsKey('ES256', { kty: 'EC', crv: 'P-256' }); // true
 * algorithmFitsKey('RS256', { kty: 'EC', crv: 'P-256' }); // false
 * ```
 */
export function algorithmFitsKey(alg: string, key: { kty: string; crv?: string | undefined }): boolean {
  if (!JWT_SVID_ALGORITHMS.includes(alg)) return false;
  if (alg.startsWith('RS') || alg.startsWith('PS')) return key.kty === 'RSA';
  return key.kty === 'EC' && key.crv === EC_CURVE_BY_ALG[alg];
}

/**
 * One JWT-SVID signing key of a trust domain.
 *
 * @example
 * ```ts
 * const a: JwtAuthority = { kid: 'k1', kty: 'EC', crv: 'P-256', alg: undefined, key, jwk };
 * ```
 */
export interface JwtAuthority {
  kid: string;
  kty: 'RSA' | 'EC';
  crv: string | undefined;
  /** The `alg` the bundle pins this key to, if any. */
  alg: string | undefined;
  /** Imported once, at load. */
  key: KeyObject;
  /** The public JWK as published. */
  jwk: JWK;
}

/**
 * The trust bundle of one trust domain.
 *
 * @example
 * ```ts
 * const b: TrustDomainBundle = { trustDomain: 'acme.example', x509Authorities: [caCert], jwtAuthorities: new Map(), dev: false };
 * ```
 */
export interface TrustDomainBundle {
  trustDomain: string;
  /** CA certificates that X.509-SVIDs of this trust domain chain to. */
  x509Authorities: X509Certificate[];
  /** JWT-SVID keys by kid. */
  jwtAuthorities: Map<string, JwtAuthority>;
  /** True for the built-in dev CA's bundle. */
  dev: boolean;
}

/**
 * The trust bundles Writ verifies SVIDs against, one per trust domain. Immutable.
 *
 * @example
 * ```ts
 * const bundles = new TrustBundleSet([devBundle, ...loadTrustBundles(config.spiffe)]);
 * bundles.get('acme.example')?.x509Authorities.length;
 * ```
 */
export class TrustBundleSet {
  readonly #byDomain: ReadonlyMap<string, TrustDomainBundle>;

  /**
   * @throws {WritError} `CONFIG_INVALID` when a trust domain appears twice.
   */
  constructor(bundles: readonly TrustDomainBundle[]) {
    const map = new Map<string, TrustDomainBundle>();
    for (const b of bundles) {
      if (map.has(b.trustDomain)) throw new WritError('CONFIG_INVALID', `spiffe: trust domain ${JSON.stringify(b.trustDomain)} has two bundles`);
      map.set(b.trustDomain, b);
    }
    this.#byDomain = map;
  }

  /** The bundle of a trust domain, if it is trusted. */
  get(trustDomain: string): TrustDomainBundle | undefined {
    return this.#byDomain.get(trustDomain);
  }

  /** Every bundle, in the order given. */
  all(): TrustDomainBundle[] {
    return [...this.#byDomain.values()];
  }

  /**
   * Every X.509 authority of every trust domain, as PEM (for TLS `ca`: the CA names
   * a TLS server advertises to clients).
   *
   * @example
   * ```ts
   * const ca = bundles.x509AuthoritiesPem(); // ['-----BEGIN CERTIFICATE-----…']
   * ```
   */
  x509AuthoritiesPem(): string[] {
    return this.all().flatMap((b) => b.x509Authorities.map((c) => c.toString()));
  }
}

/**
 * Largest bundle file read, in bytes.
 *
 * @example
 * ```ts
 * MAX_BUNDLE_FILE_BYTES; // 1048576
 * ```
 */
export const MAX_BUNDLE_FILE_BYTES = 1024 * 1024;

const PEM_CERT = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/g;

/**
 * Parses PEM CA certificates (X.509 authorities). Every block must be a
 * certificate with basicConstraints cA = true; at least one is required.
 *
 * @throws {WritError} `CONFIG_INVALID` naming `where`.
 *
 * @example
 * ```ts
 * parseX509Authorities(readFileSync('ca.pem', 'utf8'), 'spiffe.trust_domains[acme.example].bundle_file');
 * ```
 */
export function parseX509Authorities(pem: string, where: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const m of pem.matchAll(PEM_CERT)) out.push(authorityFromDer(Buffer.from((m[1] as string).replace(/\s+/g, ''), 'base64'), where));
  if (out.length === 0) throw new WritError('CONFIG_INVALID', `${where}: expected PEM CA certificates, found none`);
  return out;
}

function authorityFromDer(derBytes: Buffer, where: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(derBytes);
    if (!readCertificateFacts(cert.raw).ca) throw new Error('not a CA');
  } catch (err) {
    throw new WritError('CONFIG_INVALID', `${where}: expected CA certificates (basicConstraints cA=true), got one that is not`, { cause: err });
  }
  return cert;
}

function jwtAuthority(jwk: Record<string, unknown>, where: string): JwtAuthority {
  const { kid, kty, crv, alg } = jwk;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw new WritError('CONFIG_INVALID', `${where}: every JWT-SVID key needs a kid`);
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw new WritError('CONFIG_INVALID', `${where}: key ${JSON.stringify(kid)} holds private or symmetric key material`);
  if (kty !== 'RSA' && kty !== 'EC') {
    throw new WritError('CONFIG_INVALID', `${where}: key ${JSON.stringify(kid)} has kty ${JSON.stringify(kty)}; JWT-SVID keys are RSA or EC`);
  }
  if (kty === 'EC' && !Object.values(EC_CURVE_BY_ALG).includes(crv as string)) {
    throw new WritError('CONFIG_INVALID', `${where}: key ${JSON.stringify(kid)} has curve ${JSON.stringify(crv)}; expected P-256, P-384 or P-521`);
  }
  if (alg !== undefined && (typeof alg !== 'string' || !algorithmFitsKey(alg, { kty, crv: crv as string | undefined }))) {
    throw new WritError('CONFIG_INVALID', `${where}: key ${JSON.stringify(kid)} has alg ${JSON.stringify(alg)}, which is not a JWT-SVID algorithm for its key type`);
  }
  let key: KeyObject;
  try {
    const pub = kty === 'RSA' ? { kty, n: jwk.n, e: jwk.e } : { kty, crv, x: jwk.x, y: jwk.y };
    key = createPublicKey({ key: pub as JsonWebKey, format: 'jwk' });
  } catch (err) {
    throw new WritError('CONFIG_INVALID', `${where}: key ${JSON.stringify(kid)} is not a valid public JWK`, { cause: err });
  }
  if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new WritError('CONFIG_INVALID', `${where}: key ${JSON.stringify(kid)} is an RSA key under 2048 bits`);
  }
  const publicJwk = key.export({ format: 'jwk' }) as JWK;
  return { kid, kty, crv: kty === 'EC' ? (crv as string) : undefined, alg: alg as string | undefined, key, jwk: { ...publicJwk, kid, ...(alg ? { alg: alg as string } : {}) } };
}

/**
 * Parses a JWT bundle: a JWKS, or a SPIFFE trust bundle document (RFC 7517 key set
 * whose keys carry `use: "jwt-svid"` or `use: "x509-svid"` with `x5c`). Keys with
 * `use` absent, `sig` or `jwt-svid` are JWT-SVID keys (RSA ≥ 2048 bits or EC
 * P-256/384/521, a unique `kid`, no private parts); `x509-svid` keys add X.509
 * authorities.
 *
 * @throws {WritError} `CONFIG_INVALID` naming `where`.
 *
 * @example
 * ```ts
 * const { jwt, x509 } = parseJwtBundle(readFileSync('jwks.json', 'utf8'), 'spiffe.trust_domains[acme.example].jwt_bundle_file');
 * ```
 */
export function parseJwtBundle(text: string, where: string): { jwt: JwtAuthority[]; x509: X509Certificate[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WritError('CONFIG_INVALID', `${where}: expected a JWKS (JSON), got text that is not JSON`);
  }
  const keys = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new WritError('CONFIG_INVALID', `${where}: expected a JWKS ({ "keys": [...] })`);
  const jwt: JwtAuthority[] = [];
  const x509: X509Certificate[] = [];
  const kids = new Set<string>();
  for (const k of keys as unknown[]) {
    if (typeof k !== 'object' || k === null || Array.isArray(k)) throw new WritError('CONFIG_INVALID', `${where}: every key must be a JSON object`);
    const jwk = k as Record<string, unknown>;
    if (jwk.use === 'x509-svid') {
      const x5c = jwk.x5c;
      if (!Array.isArray(x5c) || x5c.length !== 1 || typeof x5c[0] !== 'string') {
        throw new WritError('CONFIG_INVALID', `${where}: an x509-svid key needs x5c with exactly one certificate`);
      }
      x509.push(authorityFromDer(Buffer.from(x5c[0], 'base64'), where));
      continue;
    }
    if (jwk.use !== undefined && jwk.use !== 'jwt-svid' && jwk.use !== 'sig') {
      throw new WritError('CONFIG_INVALID', `${where}: key use ${JSON.stringify(jwk.use)} is not jwt-svid, x509-svid or sig`);
    }
    const authority = jwtAuthority(jwk, where);
    if (kids.has(authority.kid)) throw new WritError('CONFIG_INVALID', `${where}: kid ${JSON.stringify(authority.kid)} appears twice`);
    kids.add(authority.kid);
    jwt.push(authority);
  }
  return { jwt, x509 };
}

function readBundleFile(path: string, where: string): string {
  try {
    if (statSync(path).size > MAX_BUNDLE_FILE_BYTES) throw new Error('too large');
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new WritError('CONFIG_INVALID', `${where}: cannot read ${path} (a readable file of at most 1 MiB)`, { cause: err });
  }
}

/**
 * Reads the configured trust domains' bundle files. Errors are one line and name
 * the key (`spiffe.trust_domains[acme.example].bundle_file: …`).
 *
 * @throws {WritError} `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * const bundles = loadTrustBundles(config.spiffe); // TrustDomainBundle[]
 * ```
 */
export function loadTrustBundles(spiffe: Pick<SpiffeConfig, 'trustDomains'>): TrustDomainBundle[] {
  return spiffe.trustDomains.map((td) => {
    const where = (key: string) => `spiffe.trust_domains[${td.name}].${key}`;
    if (trustDomainProblem(td.name)) throw new WritError('CONFIG_INVALID', `spiffe.trust_domains: ${JSON.stringify(td.name)} is not a trust domain name`);
    const x509 = td.bundleFile ? parseX509Authorities(readBundleFile(td.bundleFile, where('bundle_file')), where('bundle_file')) : [];
    const jwtAuthorities = new Map<string, JwtAuthority>();
    if (td.jwtBundleFile) {
      const parsed = parseJwtBundle(readBundleFile(td.jwtBundleFile, where('jwt_bundle_file')), where('jwt_bundle_file'));
      for (const a of parsed.jwt) jwtAuthorities.set(a.kid, a);
      x509.push(...parsed.x509);
    }
    return { trustDomain: td.name, x509Authorities: x509, jwtAuthorities, dev: false };
  });
}
