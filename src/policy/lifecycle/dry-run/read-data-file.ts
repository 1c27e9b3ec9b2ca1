/**
 * Reading a JSON or YAML document from a file, for the lifecycle commands that take
 * one (`dry-run --cases`, `lifecycle-readiness`). JSON text (first non-blank character
 * `{` or `[`) is parsed as JSON, so JSON files keep exact JSON semantics (YAML would
 * also accept it, but refuses tab indentation); anything else as YAML 1.2 with the
 * bundle rules (duplicate keys are errors).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { WritError } from '../../../errors/writ-error.ts';
import { parseBundleYaml } from '../../bundle-yaml.ts';
import { formatProblem } from '../../problems.ts';

/**
 * Parses document text as JSON or YAML (see the module doc).
 *
 * @throws {WritError} `BAD_REQUEST` with the given reason when the text does not parse.
 *
 * @example
 * ```ts
 * parseDataText('cases.yaml', 'cases: []\n', 'DRY_RUN_CASES_INVALID'); // { cases: [] }
 * ```
 */
export function parseDataText(file: string, text: string, reason: string): unknown {
  if (/^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new WritError('BAD_REQUEST', `${file}: not valid JSON: ${(err as Error).message}`, { cause: err, reason });
    }
  }
  const parsed = parseBundleYaml(file, text);
  if (parsed.problems.length > 0) {
    throw new WritError('BAD_REQUEST', `not valid YAML: ${formatProblem(parsed.problems[0]!)}`, { reason });
  }
  return parsed.value;
}

/**
 * Reads and parses a JSON or YAML file.
 *
 * @throws {WritError} `BAD_REQUEST` with the given reason when the file cannot be read
 * (missing, a directory, not UTF-8) or does not parse.
 *
 * @example
 * ```ts
 * const packet = readDataFile('packet.json', 'LIFECYCLE_PACKET_UNREADABLE');
 * ```
 */
export function readDataFile(file: string, reason: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : err instanceof TypeError ? 'not UTF-8 text' : (err as Error).message;
    throw new WritError('BAD_REQUEST', `${file}: cannot read: ${why}`, { cause: err, reason });
  }
  return parseDataText(file, text, reason);
}
