/**
 * Verifies attestation tokens (DESIGN §3.4; gateway step 2): compact JWS, algorithm
 * allowlist (EdDSA, ES256), `typ` writ-attestation+jwt, a `kid` of a token-signing key
 * of the keyring, the signature, exactly the ten claims of contract "1.0" with their
 * types, header `kid` = claim `kid`, and `exp`/`issued_at` within the skew. Never
 * throws: every failure is a reason.
 *
 * Verification uses node:crypto directly (keys imported once per kid): it sits on
 * every execution path.
 *
 * @module
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { Keyring } from '../../crypto/keyring/keyring.ts';
import type { AttestationClaims } from '../../engine/tokens/claims.ts';
import type { DenialReason } from '../denials.ts';

/** Longest token accepted (a real one is ~600 characters). */
export const MAX_TOKEN_LENGTH = 4096;
/** Clock skew tolerated on `exp` and `issued_at`, seconds (DESIGN §3.5 step 2). */
export const TOKEN_SKEW_SECONDS = 30;

const ALLOWED_ALGS = new Set(['EdDSA', 'ES256']);
const B64URL = /^[A-Za-z0-9_-]+$/;
const REF = /^sha256:[0-9a-f]{64}$/;
const CLAIM_NAMES = ['token_schema_version', 'decision_hash', 'jti', 'exp', 'issued_at', 'action_scope', 'policy_bundle_hash', 'enforcement_epoch', 'exec_identity_hash', 'kid'];

/**
 * The outcome of verifying a token.
 *
 * @example
 * ```ts
 * const r = await verifier.verify(token, clock.now());
 * if (!r.ok) deny('TOKEN_INVALID', r.reason);
 * ```
 */
export type TokenVerification = { ok: true; claims: AttestationClaims; kid: string } | { ok: false; reason: Extract<DenialReason, 'SIGNATURE' | 'ALG' | 'KID_UNKNOWN' | 'CLAIMS' | 'EXPIRED' | 'NOT_YET_VALID'> };

interface CachedKey {
  key: KeyObject;
  alg: 'EdDSA' | 'ES256';
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/**
 * Checks the claim set: exactly the contract's ten claims, each of its type.
 *
 * @example
 * ```ts
 * isAttestationClaims(decodedPayload); // true | false
 * ```
 */
export function isAttestationClaims(c: unknown): c is AttestationClaims {
  if (!isObject(c)) return false;
  const keys = Object.keys(c);
  if (keys.length !== CLAIM_NAMES.length || !CLAIM_NAMES.every((k) => Object.hasOwn(c, k))) return false;
  return (
    c.token_schema_version === '1.0' &&
    typeof c.decision_hash === 'string' && REF.test(c.decision_hash) &&
    typeof c.jti === 'string' && c.jti.length >= 16 && c.jti.length <= 128 && B64URL.test(c.jti) &&
    isInt(c.exp, 1) && isInt(c.issued_at, 1) &&
    typeof c.action_scope === 'string' && c.action_scope.length > 0 && c.action_scope.length <= 128 &&
    typeof c.policy_bundle_hash === 'string' && REF.test(c.policy_bundle_hash) &&
    isInt(c.enforcement_epoch, 1) &&
    typeof c.exec_identity_hash === 'string' && REF.test(c.exec_identity_hash) &&
    typeof c.kid === 'string' && c.kid.length >= 8 && c.kid.length <= 128
  );
}

/**
 * Attestation token verifier over the keyring's token keys.
 *
 * @example
 * ```ts
 * const verifier = new AttestationVerifier(keyring);
 * const r = await verifier.verify(token, clock.now());
 * ```
 */
export class AttestationVerifier {
  readonly #keyring: Keyring;
  readonly #keys = new Map<string, CachedKey>();

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  async #key(kid: string): Promise<CachedKey | null> {
    const cached = this.#keys.get(kid);
    if (cached) return cached;
    let info;
    try {
      info = await this.#keyring.get(kid);
    } catch {
      return null;
    }
    if (info.purpose !== 'token') return null;
    const key = { key: createPublicKey({ key: info.publicJwk as never, format: 'jwk' }), alg: info.alg };
    // Keys never change under a kid (the kid is their thumbprint): caching forever is safe.
    this.#keys.set(kid, key);
    return key;
  }

  /**
   * Verifies `token` as of `now`.
   *
   * @example
   * ```ts
   * const r = await verifier.verify(token, new Date());
   * r.ok && r.claims.jti;
   * ```
   */
  async verify(token: unknown, now: Date): Promise<TokenVerification> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'CLAIMS' };
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => p.length > 0 && B64URL.test(p))) return { ok: false, reason: 'CLAIMS' };
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h);
    if (!isObject(header)) return { ok: false, reason: 'CLAIMS' };
    if (typeof header.alg !== 'string' || !ALLOWED_ALGS.has(header.alg)) return { ok: false, reason: 'ALG' };
    if (header.typ !== 'writ-attestation+jwt' || Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'jku') || Object.hasOwn(header, 'jwk') || Object.hasOwn(header, 'x5u')) {
      return { ok: false, reason: 'CLAIMS' };
    }
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128) return { ok: false, reason: 'KID_UNKNOWN' };
    const key = await this.#key(header.kid);
    if (!key) return { ok: false, reason: 'KID_UNKNOWN' };
    // The header may not pick another algorithm than the key's own.
    if (key.alg !== header.alg) return { ok: false, reason: 'ALG' };
    const signature = Buffer.from(s, 'base64url');
    const data = Buffer.from(`${h}.${p}`, 'ascii');
    let valid = false;
    try {
      valid = key.alg === 'EdDSA' ? cryptoVerify(null, data, key.key, signature) : cryptoVerify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: 'SIGNATURE' };
    const claims = decodeJson(p);
    if (!isAttestationClaims(claims) || claims.kid !== header.kid) return { ok: false, reason: 'CLAIMS' };
    const nowS = Math.floor(now.getTime() / 1000);
    if (nowS > claims.exp + TOKEN_SKEW_SECONDS) return { ok: false, reason: 'EXPIRED' };
    if (claims.issued_at > nowS + TOKEN_SKEW_SECONDS) return { ok: false, reason: 'NOT_YET_VALID' };
    return { ok: true, claims, kid: header.kid };
  }
}
