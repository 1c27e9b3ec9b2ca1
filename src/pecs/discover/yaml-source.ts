/**
 * YAML reading for discovery: the file's plain value (merge keys resolved — GitLab files
 * use `<<: *anchor` — and unknown tags such as `!reference` kept as their plain value) plus
 * line lookups by path through the `yaml` package's nodes and line counter, so every
 * finding and parse error carries a 1-based line.
 *
 * @module
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { DiscoveryParseError } from './types.ts';

/**
 * A path into a YAML value: mapping keys and sequence indexes.
 *
 * @example
 * ```ts
 * const p: YamlPath = ['jobs', 'deploy', 'steps', 2, 'run'];
 * ```
 */
export type YamlPath = Array<string | number>;

/**
 * A parsed YAML file: its top-level mapping as plain data, and line lookups.
 *
 * @example
 * ```ts
 * const src = readYamlSource('ci.yml', 'on: push\n');
 * ```
 */
export interface YamlSource {
  file: string;
  root: Record<string, unknown>;
  /**
   * 1-based line of the key at `path` (of the deepest existing ancestor when the exact
   * node has no place in the source, e.g. a merged key), or, with `needle`, where it first
   * occurs inside the value at `path`.
   */
  lineAt(path: YamlPath, needle?: string): number | null;
}

/**
 * Parses `text`; returns the source, or the parse error (first YAML error with its line,
 * or a top level that is not a mapping).
 *
 * @example
 * ```ts
 * const r = readYamlSource('.gitlab-ci.yml', text);
 * if (!('root' in r)) console.log(r.file, r.line, r.message);
 * ```
 */
export function readYamlSource(file: string, text: string): YamlSource | DiscoveryParseError {
  const counter = new LineCounter();
  let doc: Document.Parsed;
  let root: unknown;
  try {
    doc = parseDocument(text, { lineCounter: counter, merge: true, prettyErrors: false, uniqueKeys: false, logLevel: 'silent' });
    const first = doc.errors[0];
    if (first) return { file, line: counter.linePos(first.pos[0]).line, message: first.message.split('\n')[0] ?? first.code };
    // Alias expansion is bounded so a "billion laughs" file is an error, not a hang.
    root = doc.toJS({ maxAliasCount: 10_000 });
  } catch (e) {
    return { file, line: null, message: e instanceof Error ? e.message : String(e) };
  }
  if (!isMap(doc.contents) || root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { file, line: 1, message: 'the top level is not a mapping' };
  }
  const nodeAt = (path: YamlPath): Node | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | undefined | null;
      if (node && typeof node === 'object' && 'range' in node && node.range) return node;
    }
    return null;
  };
  // The key of a mapping entry: where a reader looks for `deploy:` or `permissions:`.
  const keyAt = (path: YamlPath): Node | null => {
    const last = path[path.length - 1];
    if (typeof last !== 'string') return null;
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return null;
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
    return pair && isScalar(pair.key) && pair.key.range ? pair.key : null;
  };
  return {
    file,
    root: root as Record<string, unknown>,
    lineAt: (path, needle) => {
      const node = (needle ? null : keyAt(path)) ?? nodeAt(path);
      if (!node?.range) return null;
      const [start, end] = node.range;
      const i = needle ? text.slice(start, end).indexOf(needle) : -1;
      return counter.linePos(i < 0 ? start : start + i).line;
    },
  };
}
