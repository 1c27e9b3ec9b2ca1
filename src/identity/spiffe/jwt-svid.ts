import { compactVerify, decodeProtectedHeader } from 'jose';
import { tryParseSpiffeId, type SpiffeId } from './spiffe-id.ts';
import { algorithmFitsKey, JWT_SVID_ALGORITHMS, type TrustBundleSet } from './trust-bundles.ts';

/**
 * Why a JWT-SVID was rejected; stable, safe to log and to return as detail.
 *
 * @example
 * ```ts
 * const reason: JwtSvidFailure = 'AUDIENCE_MISMATCH';
 * ```
 */
export type JwtSvidFailure =
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'TYP'
  | 'KID_MISSING'
  | 'SUBJECT_INVALID'
  | 'UNKNOWN_TRUST_DOMAIN'
  | 'KID_UNKNOWN'
  | 'SIGNATURE'
  | 'AUDIENCE_MISSING'
  | 'AUDIENCE_MISMATCH'
  | 'EXPIRY_MISSING'
  | 'EXPIRED'
  | 'NOT_YET_VALID';

/**
 * Longest JWT-SVID accepted, in characters; longer is `MALFORMED` before parsing.
 *
 * @example
 * ```ts
 * MAX_JWT_SVID_LENGTH; // 16384
 * ```
 */
export const MAX_JWT_SVID_LENGTH = 16 * 1024;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Options of {@link verifyJwtSvid}.
 *
 * @example
 * ```ts
 * const options: JwtSvidOptions = { audience: 'writ-gateway', now: clock.now(), clockSkewSeconds: 30 };
 * ```
 */
export interface JwtSvidOptions {
  /** The audience this verifier is: `aud` must contain it. */
  audience: string;
  now: Date;
  /** Allowed skew for exp / nbf / iat; default 30, at most 300. */
  clockSkewSeconds?: number;
}

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a JWT-SVID per the SPIFFE JWT-SVID spec: compact JWS; `alg` one of
 * RS/ES/PS 256/384/512 (never `none`, HS* or EdDSA); `typ`, when present, `JWT` or
 * `JOSE`; `kid` present; `sub` a valid SPIFFE ID whose trust domain has a JWT
 * bundle holding `kid`, with a key of the right type; the signature; `aud`
 * present and containing `options.audience`; `exp` present and not passed; `nbf`
 * and `iat`, when present, not in the future (all against the injected `now`,
 * with a bounded skew). Never throws.
 *
 * @example
 * ```ts
 * const r = await verifyJwtSvid(token, bundles, { audience: 'writ-gateway', now: clock.now() });
 * if (r.ok) r.spiffeId.id; // 'spiffe://acme.example/ci/deploy'
 * ```
 */
export async function verifyJwtSvid(
  token: string,
  bundles: TrustBundleSet,
  options: JwtSvidOptions,
): Promise<{ ok: true; spiffeId: SpiffeId; claims: Record<string, unknown> } | { ok: false; reason: JwtSvidFailure }> {
  const skew = Math.min(Math.max(options.clockSkewSeconds ?? 30, 0), 300);
  if (typeof token !== 'string' || token.length > MAX_JWT_SVID_LENGTH || !COMPACT_JWS.test(token)) return { ok: false, reason: 'MALFORMED' };
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  const { alg, kid, typ } = header;
  if (typeof alg !== 'string' || !JWT_SVID_ALGORITHMS.includes(alg)) return { ok: false, reason: 'ALG_NOT_ALLOWED' };
  if (typ !== undefined && typ !== 'JWT' && typ !== 'JOSE') return { ok: false, reason: 'TYP' };
  if (typeof kid !== 'string' || kid.length === 0) return { ok: false, reason: 'KID_MISSING' };

  const unverified = decodeJsonSegment(token.split('.')[1] as string);
  if (!unverified) return { ok: false, reason: 'MALFORMED' };
  const sub = tryParseSpiffeId(unverified.sub);
  if (!sub.ok) return { ok: false, reason: 'SUBJECT_INVALID' };
  const bundle = bundles.get(sub.id.trustDomain);
  if (!bundle || bundle.jwtAuthorities.size === 0) return { ok: false, reason: 'UNKNOWN_TRUST_DOMAIN' };
  const authority = bundle.jwtAuthorities.get(kid);
  if (!authority) return { ok: false, reason: 'KID_UNKNOWN' };
  if (!algorithmFitsKey(alg, authority) || (authority.alg !== undefined && authority.alg !== alg)) return { ok: false, reason: 'ALG_NOT_ALLOWED' };

  let claims: Record<string, unknown> | undefined;
  try {
    const { payload } = await compactVerify(token, authority.key, { algorithms: [alg] });
    const parsed: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) claims = parsed as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'SIGNATURE' };
  }
  if (!claims) return { ok: false, reason: 'MALFORMED' };
  // What was verified must be what was routed on.
  if (claims.sub !== sub.id.id) return { ok: false, reason: 'SUBJECT_INVALID' };

  const { aud, exp, nbf, iat } = claims;
  if (aud === undefined || aud === null) return { ok: false, reason: 'AUDIENCE_MISSING' };
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((a) => typeof a === 'string')) return { ok: false, reason: 'MALFORMED' };
  if (!audiences.includes(options.audience)) return { ok: false, reason: 'AUDIENCE_MISMATCH' };

  const nowS = options.now.getTime() / 1000;
  if (exp === undefined) return { ok: false, reason: 'EXPIRY_MISSING' };
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: 'MALFORMED' };
  if (nowS - skew >= exp) return { ok: false, reason: 'EXPIRED' };
  for (const t of [nbf, iat]) {
    if (t === undefined) continue;
    if (typeof t !== 'number' || !Number.isFinite(t)) return { ok: false, reason: 'MALFORMED' };
    if (t > nowS + skew) return { ok: false, reason: 'NOT_YET_VALID' };
  }
  return { ok: true, spiffeId: sub.id, claims };
}
