import { errors } from 'jose';
import type { WritError } from '../../errors/writ-error.ts';
import { identityInvalid, type IdentityInvalidReason } from './identity-errors.ts';

/**
 * Turns an error thrown by `jose` while verifying an ID token into Writ's
 * `IDENTITY_INVALID` with a stable reason; the jose error becomes the `cause`.
 *
 * @example
 * ```ts
 * try { await jwtVerify(token, key, opts); } catch (err) { throw identityErrorFromJose(err); }
 * ```
 */
export function identityErrorFromJose(err: unknown): WritError {
  return identityInvalid(reasonOf(err), err);
}

function reasonOf(err: unknown): IdentityInvalidReason {
  if (err instanceof errors.JWTExpired) return 'EXPIRED';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return 'MISSING_CLAIM';
    switch (err.claim) {
      case 'aud': return 'AUDIENCE_MISMATCH';
      case 'iss': return 'UNTRUSTED_ISSUER';
      case 'nbf':
      case 'iat': return 'NOT_YET_VALID';
      default: return 'MALFORMED';
    }
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'SIGNATURE';
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'ALG_NOT_ALLOWED';
  return 'MALFORMED';
}
