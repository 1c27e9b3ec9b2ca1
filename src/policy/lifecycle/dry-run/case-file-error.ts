/**
 * The one error a bad dry-run case file gives: every problem found, one line each,
 * prefixed with the file (and the case and field where there is one).
 *
 * @module
 */
import { WritError } from '../../../errors/writ-error.ts';

/**
 * `reason` of the {@link WritError} thrown for a bad case file.
 *
 * @example
 * ```ts
 * isWritError(err, 'BAD_REQUEST') && err.reason === DRY_RUN_CASES_INVALID;
 * ```
 */
export const DRY_RUN_CASES_INVALID = 'DRY_RUN_CASES_INVALID';

/**
 * Builds the error for a case file with problems (`BAD_REQUEST`, exit code 2).
 *
 * @example
 * ```ts
 * throw caseFileError('cases.yaml', ['case "x": expect.verdict: expected one of allow, deny, require_approval']);
 * ```
 */
export function caseFileError(file: string, problems: readonly string[]): WritError {
  const lines = problems.map((p) => `  ${file}: ${p}`);
  return new WritError('BAD_REQUEST', `dry-run cases ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
    reason: DRY_RUN_CASES_INVALID,
  });
}

/**
 * A plain JSON object (not an array, not null).
 *
 * @example
 * ```ts
 * isPlainObject({}); // true
 * isPlainObject([]); // false
 * ```
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
