/**
 * Reads a PECS document file for the offline commands (`writ pecs assess`, `writ pecs gate`):
 * JSON or YAML 1.2 (YAML is a superset of JSON, so one parser reads both). Returns the
 * parsed value or why it could not be read; never throws.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The outcome of {@link readDocumentFile}. */
export type DocumentFileRead = { ok: true; value: unknown } | { ok: false; kind: 'unreadable' | 'unparsable'; message: string };

/**
 * Reads and parses a JSON or YAML file.
 *
 * @example
 * ```ts
 * const r = readDocumentFile('pecs/profile.yaml');
 * if (r.ok) validatePecsDocument(r.value);
 * ```
 */
export function readDocumentFile(path: string): DocumentFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, kind: 'unreadable', message: `${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}: cannot read the file` };
  }
  try {
    return { ok: true, value: parse(text) as unknown };
  } catch (e) {
    // The YAML parser's message already names the line and column.
    return { ok: false, kind: 'unparsable', message: `${path}: ${(e as Error).message.split('\n')[0] ?? 'parse error'}` };
  }
}
