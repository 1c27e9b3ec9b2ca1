import { WritError } from '../../errors/writ-error.ts';

/**
 * Why an ID token was rejected; the `reason` of an `IDENTITY_INVALID` error.
 * Stable: safe to return to the caller and to ledger.
 *
 * @example
 * ```ts
 * const reason: IdentityInvalidReason = 'AUDIENCE_MISMATCH';
 * ```
 */
export type IdentityInvalidReason =
  | 'MALFORMED'
  | 'UNTRUSTED_ISSUER'
  | 'AUDIENCE_MISMATCH'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'SIGNATURE'
  | 'ALG_NOT_ALLOWED'
  | 'KID_UNKNOWN'
  | 'NONCE_MISMATCH'
  | 'MISSING_CLAIM';

/**
 * The error for a rejected ID token. The message is fixed; the detail is only in `cause`.
 *
 * @example
 * ```ts
 * throw identityInvalid('EXPIRED', joseError);
 * ```
 */
export function identityInvalid(reason: IdentityInvalidReason, cause?: unknown): WritError {
  return new WritError('IDENTITY_INVALID', 'identity token rejected', { reason, ...(cause === undefined ? {} : { cause }) });
}

/**
 * The error for an issuer whose keys cannot be obtained (network, HTTP status, bad JSON).
 *
 * @example
 * ```ts
 * throw identityUnavailable(new Error('GET https://idp/jwks: 502'));
 * ```
 */
export function identityUnavailable(cause?: unknown): WritError {
  return new WritError('IDENTITY_UNAVAILABLE', 'identity provider unavailable', { reason: 'JWKS_UNAVAILABLE', ...(cause === undefined ? {} : { cause }) });
}
