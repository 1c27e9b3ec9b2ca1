/**
 * The one error base class of Writ.
 *
 * Every error that crosses a module boundary is a {@link WritError} with a stable
 * string-literal {@link WritErrorCode}. Security failures use fixed messages that
 * leak nothing about why exactly they failed; the detail goes in `cause`, which is
 * never serialised to clients.
 *
 * @example
 * ```ts
 * throw new WritError('CONFIG_INVALID', 'WRIT_LISTEN: expected HOST:PORT, got "x"');
 * ```
 */
export type WritErrorCode =
  | 'CONFIG_INVALID'
  | 'STORE_UNAVAILABLE'
  | 'STORE_LOCKED'
  | 'STORE_START_TIMEOUT'
  | 'MIGRATION_FAILED'
  | 'MASTER_KEY_INVALID'
  | 'MASTER_KEY_MISSING'
  | 'KEY_NOT_FOUND'
  | 'KEY_STATE_INVALID'
  | 'KEY_DECRYPT_FAILED'
  | 'JCS_INVALID_INPUT'
  | 'LEDGER_PAYLOAD_REJECTED'
  | 'LEDGER_INTEGRITY'
  | 'LEDGER_UNAVAILABLE'
  | 'LEDGER_COMMIT_TIMEOUT'
  | 'PROOF_INVALID'
  | 'CHECKPOINT_INVALID'
  | 'NOTE_INVALID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'CONFLICT'
  | 'IDENTITY_INVALID'
  | 'IDENTITY_UNAVAILABLE'
  | 'APPROVAL_REFUSED'
  | 'TOKEN_REFUSED'
  | 'POLICY_BUNDLE_UNKNOWN'
  | 'INTERNAL';

/** HTTP status for each code; used by the server's problem+json handler. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<WritErrorCode, number>> = {
  CONFIG_INVALID: 500,
  STORE_UNAVAILABLE: 503,
  STORE_LOCKED: 503,
  STORE_START_TIMEOUT: 503,
  MIGRATION_FAILED: 500,
  MASTER_KEY_INVALID: 500,
  MASTER_KEY_MISSING: 500,
  KEY_NOT_FOUND: 404,
  KEY_STATE_INVALID: 409,
  KEY_DECRYPT_FAILED: 500,
  JCS_INVALID_INPUT: 400,
  LEDGER_PAYLOAD_REJECTED: 400,
  LEDGER_INTEGRITY: 500,
  LEDGER_UNAVAILABLE: 503,
  LEDGER_COMMIT_TIMEOUT: 504,
  PROOF_INVALID: 400,
  CHECKPOINT_INVALID: 400,
  NOTE_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  IDENTITY_INVALID: 401,
  IDENTITY_UNAVAILABLE: 503,
  APPROVAL_REFUSED: 403,
  TOKEN_REFUSED: 403,
  POLICY_BUNDLE_UNKNOWN: 404,
  INTERNAL: 500,
};

/** Base class of every Writ error. */
export class WritError extends Error {
  readonly code: WritErrorCode;
  /**
   * A finer, stable reason within `code` (e.g. `APPROVAL_REFUSED` / `SELF_APPROVAL`,
   * `IDENTITY_INVALID` / `AUDIENCE_MISMATCH`). Safe to show to the caller and to ledger.
   */
  readonly reason: string | undefined;

  constructor(code: WritErrorCode, message: string, options?: { cause?: unknown; reason?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WritError';
    this.code = code;
    this.reason = options?.reason;
  }

  /** HTTP status this error maps to. */
  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** True when `err` is a {@link WritError}, optionally with the given code. */
export function isWritError(err: unknown, code?: WritErrorCode): err is WritError {
  return err instanceof WritError && (code === undefined || err.code === code);
}
