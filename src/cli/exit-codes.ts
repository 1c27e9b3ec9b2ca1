import type { WritErrorCode } from '../errors/writ-error.ts';

/**
 * The `writ` CLI's exit codes (documented in docs/cli.md).
 *
 * @example
 * ```ts
 * process.exitCode = EXIT.CONFIG;
 * ```
 */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  CONFIG: 3,
  UNAVAILABLE: 4,
  AUTH: 5,
  NOT_FOUND: 6,
  CONFLICT: 7,
  VERIFY_FAILED: 8,
} as const;

/** Maps an error code (from a WritError or a problem document) to an exit code. */
export function exitCodeFor(code: WritErrorCode | string): number {
  switch (code) {
    case 'CONFIG_INVALID':
    case 'MASTER_KEY_INVALID':
    case 'MASTER_KEY_MISSING':
      return EXIT.CONFIG;
    case 'STORE_UNAVAILABLE':
    case 'STORE_LOCKED':
    case 'STORE_START_TIMEOUT':
    case 'SERVER_UNREACHABLE':
    case 'IDENTITY_UNAVAILABLE':
    case 'LEDGER_UNAVAILABLE':
    case 'LEDGER_COMMIT_TIMEOUT':
      return EXIT.UNAVAILABLE;
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'IDENTITY_INVALID':
    case 'IDENTITY_REQUIRED':
    case 'APPROVAL_REFUSED':
    case 'TOKEN_REFUSED':
      return EXIT.AUTH;
    case 'NOT_FOUND':
    case 'KEY_NOT_FOUND':
    case 'POLICY_BUNDLE_UNKNOWN':
      return EXIT.NOT_FOUND;
    case 'KEY_STATE_INVALID':
    case 'CONFLICT':
      return EXIT.CONFLICT;
    case 'BAD_REQUEST':
    case 'BUNDLE_INVALID':
      return EXIT.USAGE;
    case 'LEDGER_INTEGRITY':
    case 'PROOF_INVALID':
    case 'CHECKPOINT_INVALID':
      return EXIT.VERIFY_FAILED;
    default:
      return EXIT.ERROR;
  }
}
