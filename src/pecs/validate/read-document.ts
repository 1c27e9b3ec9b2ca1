/**
 * Reads a PECS document from a file, JSON or YAML (1.2). `.json` files are parsed as
 * JSON; anything else as YAML, which also accepts JSON. Parse failures name the line.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { WritError } from '../../errors/writ-error.ts';

function lineOfJsonError(text: string, message: string): number | null {
  const position = /position (\d+)/.exec(message);
  if (!position) return null;
  return text.slice(0, Number(position[1])).split('\n').length;
}

/**
 * Parses document text; `name` decides JSON (`.json`) or YAML and appears in errors.
 * Throws `WritError('BAD_REQUEST')` with the line when the text does not parse.
 *
 * @example
 * ```ts
 * parsePecsText('a.yaml', 'schemaVersion: "1.0.0"\n'); // { schemaVersion: '1.0.0' }
 * ```
 */
export function parsePecsText(name: string, text: string): unknown {
  if (name.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const line = lineOfJsonError(text, message);
      throw new WritError('BAD_REQUEST', `${name}${line !== null ? `:${line}` : ''}: invalid JSON: ${message}`, { reason: 'PECS_PARSE_FAILED' });
    }
  }
  // Default YAML 1.2 core schema: no implicit timestamps, so dates stay strings as in JSON.
  const lines = new LineCounter();
  const parsed = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = parsed.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new WritError('BAD_REQUEST', `${name}:${line}: invalid YAML: ${first.message.split('\n')[0]}`, { reason: 'PECS_PARSE_FAILED' });
  }
  return parsed.toJS() as unknown;
}

/**
 * Reads and parses a file ({@link parsePecsText}); an unreadable file is a
 * `WritError('BAD_REQUEST')` too.
 *
 * @example
 * ```ts
 * const doc = readPecsFile('profiles/deploy.yaml');
 * ```
 */
export function readPecsFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WritError('BAD_REQUEST', `${path}: cannot read: ${err instanceof Error ? err.message : String(err)}`, { reason: 'PECS_UNREADABLE' });
  }
  return parsePecsText(path, text);
}
