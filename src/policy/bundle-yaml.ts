/**
 * YAML as bundles use it: YAML 1.2 core schema, duplicate keys are errors, every
 * parser error and warning is a located {@link BundleProblem}.
 *
 * @module
 */
import { parseDocument } from 'yaml';
import type { BundleProblem } from './problems.ts';

/**
 * Parses one YAML file of a bundle. `value` is undefined when the file has errors.
 *
 * @example
 * ```ts
 * parseBundleYaml('bundle.yaml', 'id: a\nid: b\n').problems[0]?.message; // 'Map keys must be unique'
 * ```
 */
export function parseBundleYaml(file: string, text: string): { value: unknown; problems: BundleProblem[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const problems: BundleProblem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
    // prettyErrors appends the location and a source excerpt; keep the first line, without the location.
    message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
  }));
  if (problems.length > 0) return { value: undefined, problems };
  return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, problems };
}
