import type { JWK } from 'jose';

const PUBLIC_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y', 'kid', 'alg', 'use', 'key_ops'] as const;

/**
 * The public members of a JWK; private members (`d`, `p`, …) of a misconfigured
 * JWKS are dropped, so only public keys are ever imported.
 *
 * @example
 * ```ts
 * publicJwk({ kty: 'EC', crv: 'P-256', x: '…', y: '…', d: '…' }); // no `d`
 * ```
 */
export function publicJwk(jwk: JWK): JWK {
  const out: Record<string, unknown> = {};
  for (const k of PUBLIC_MEMBERS) if (jwk[k] !== undefined) out[k] = jwk[k];
  return out as JWK;
}

function keyTypeFits(jwk: JWK, alg: string): boolean {
  if (/^(?:RS|PS)(?:256|384|512)$/.test(alg)) return jwk.kty === 'RSA';
  switch (alg) {
    case 'ES256': return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384': return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'ES512': return jwk.kty === 'EC' && jwk.crv === 'P-521';
    case 'EdDSA':
    case 'Ed25519': return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    default: return false;
  }
}

/**
 * True when `jwk` may verify a JWS with header `alg` (and `kid`, when the header has
 * one): right key type and curve, `use` (if any) is `sig`, `key_ops` (if any) allows
 * `verify`, `alg` (if any) equals the header's.
 *
 * @example
 * ```ts
 * keyFitsHeader({ kty: 'RSA', n: '…', e: 'AQAB', kid: 'k1' }, { alg: 'RS256', kid: 'k1' }); // true
 * keyFitsHeader({ kty: 'RSA', n: '…', e: 'AQAB', kid: 'k1' }, { alg: 'ES256', kid: 'k1' }); // false
 * ```
 */
export function keyFitsHeader(jwk: JWK, header: { alg: string; kid?: string | undefined }): boolean {
  if (header.kid !== undefined && jwk.kid !== header.kid) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return false;
  if (jwk.alg !== undefined && jwk.alg !== header.alg) return false;
  return keyTypeFits(jwk, header.alg);
}
