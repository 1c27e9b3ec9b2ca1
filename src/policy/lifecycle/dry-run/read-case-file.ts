/**
 * Reading a `writ policy dry-run --cases FILE`: JSON or YAML, in one of two formats told
 * apart by content, not by name:
 *
 * - CAVRA sample actions: `schema_version: cavra.policy-lifecycle.sample-actions.v1`, or
 *   an `actions` list and no `cases` ({@link parseCavraSampleActions});
 * - Writ cases: a mapping with `cases` and optional `defaults` ({@link parseWritCaseFile}).
 *
 * @module
 */
import type { DryRunCaseInput } from './case-input.ts';
import { caseFileError, DRY_RUN_CASES_INVALID, isPlainObject } from './case-file-error.ts';
import { CAVRA_SAMPLE_ACTIONS_SCHEMA, parseCavraSampleActions } from './cavra-case-file.ts';
import { readDataFile } from './read-data-file.ts';
import { parseWritCaseFile } from './writ-case-file.ts';

/**
 * The format of a parsed case file, or null when it is neither.
 *
 * @example
 * ```ts
 * caseFileFormat({ cases: [] }); // 'writ'
 * caseFileFormat({ schema_version: 'cavra.policy-lifecycle.sample-actions.v1', actions: [] }); // 'cavra'
 * ```
 */
export function caseFileFormat(value: unknown): 'writ' | 'cavra' | null {
  if (!isPlainObject(value)) return null;
  if (value.schema_version === CAVRA_SAMPLE_ACTIONS_SCHEMA) return 'cavra';
  if (value.schema_version !== undefined) return null;
  if ('cases' in value) return 'writ';
  if ('actions' in value) return 'cavra';
  return null;
}

/**
 * Parses a case file's value in whichever format it is.
 *
 * @throws {WritError} `BAD_REQUEST` (reason `DRY_RUN_CASES_INVALID`) for an unknown
 * format or any problem in a case.
 *
 * @example
 * ```ts
 * parseDryRunCases('cases.yaml', { cases: [{ name: 'x', class: 'mcp_server_trust', intent, signals }] });
 * ```
 */
export function parseDryRunCases(file: string, value: unknown): DryRunCaseInput[] {
  switch (caseFileFormat(value)) {
    case 'writ':
      return parseWritCaseFile(file, value);
    case 'cavra':
      return parseCavraSampleActions(file, value);
    default: {
      const sv = isPlainObject(value) ? value.schema_version : undefined;
      throw caseFileError(file, [
        sv !== undefined
          ? `schema_version ${JSON.stringify(sv)} is not a dry-run case format (expected ${CAVRA_SAMPLE_ACTIONS_SCHEMA}, or a Writ case file with cases)`
          : 'expected a Writ case file (a mapping with cases) or CAVRA sample actions (schema_version and actions)',
      ]);
    }
  }
}

/**
 * Reads and parses a case file (JSON or YAML).
 *
 * @throws {WritError} `BAD_REQUEST` (reason `DRY_RUN_CASES_INVALID`) when it cannot be
 * read, does not parse, or has a problem.
 *
 * @example
 * ```ts
 * const cases = readDryRunCaseFile('sample-actions.json');
 * runDryRun(bundle, { cases });
 * ```
 */
export function readDryRunCaseFile(file: string): DryRunCaseInput[] {
  return parseDryRunCases(file, readDataFile(file, DRY_RUN_CASES_INVALID));
}
