/**
 * The gateway's denial taxonomy (DESIGN §3.5; Slice-0 response `denial_code` enum) and
 * the finer reasons recorded in events and the ledger.
 *
 * @module
 */

/**
 * Stable denial codes of authorize_execution.
 *
 * @example
 * ```ts
 * const code: DenialCode = 'TOKEN_REPLAY';
 * ```
 */
export type DenialCode =
  | 'MISSING_DECISION_HASH'
  | 'TOKEN_INVALID'
  | 'TOKEN_REPLAY'
  | 'REVOCATION_UNCERTAIN'
  | 'EPOCH_INCOMPATIBLE'
  | 'IDENTITY_BINDING_MISMATCH'
  | 'DRIFT_DETECTED'
  | 'PHASE_HOLD_ACTIVE'
  | 'OVERRIDE_EXPIRED'
  | 'LEDGER_COMMIT_TIMEOUT';

/**
 * Finer reasons, per verification step.
 *
 * @example
 * ```ts
 * const r: DenialReason = 'DECISION_HASH_MISMATCH';
 * ```
 */
export type DenialReason =
  | 'MALFORMED_REQUEST'
  | 'SIGNATURE'
  | 'ALG'
  | 'KID_UNKNOWN'
  | 'CLAIMS'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'DECISION_HASH_MISMATCH'
  | 'SCOPE_MISMATCH'
  | 'REPLAY'
  | 'TOKEN_REVOKED'
  | 'KEY_REVOKED'
  | 'AGENT_REVOKED'
  | 'STALE'
  | 'EPOCH_DEPRECATED'
  | 'EPOCH_GRACE_EXPIRED'
  | 'EPOCH_UNKNOWN'
  | 'SVID_MISSING'
  | 'SVID_INVALID'
  | 'SPIFFE_ID_MISMATCH'
  | 'TUPLE_MISMATCH'
  | 'PHASE_HOLD'
  | 'INCIDENT_ACTIVE'
  | 'POLICY_CHANGED'
  | 'SIGNAL_UNAVAILABLE'
  | 'DECISION_UNKNOWN'
  | 'DECISION_NOT_EXECUTABLE'
  | 'OVERRIDE_EXPIRED'
  | 'LEDGER_UNAVAILABLE'
  | 'COMPENSATED'
  | 'INTERNAL_ERROR';

/**
 * A denial: the code the caller sees and the reason recorded with it.
 *
 * @example
 * ```ts
 * const d: Denial = { code: 'TOKEN_INVALID', reason: 'EXPIRED' };
 * ```
 */
export interface Denial {
  code: DenialCode;
  reason: DenialReason;
}

/**
 * Builds a {@link Denial}.
 *
 * @example
 * ```ts
 * return deny('EPOCH_INCOMPATIBLE', 'EPOCH_GRACE_EXPIRED');
 * ```
 */
export function deny(code: DenialCode, reason: DenialReason): Denial {
  return { code, reason };
}
