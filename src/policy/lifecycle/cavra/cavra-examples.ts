/**
 * Example values for CAVRA patterns: a value each pattern matches, for the decision
 * tests the importer writes (the expected decision always comes from the reference
 * evaluator, so an example that another pattern also matches is still tested right).
 *
 * @module
 */
import { matchesCavraPattern } from './cavra-glob.ts';
import { pythonStrip } from './python-strip.ts';

/**
 * A path the pattern matches: a `**` run becomes `sub/dir`, a single `*` becomes
 * `example`.
 *
 * @example
 * ```ts
 * examplePath('**\/secrets.*'); // 'sub/dir/secrets.example'
 * ```
 */
export function examplePath(pattern: string): string {
  return pattern.replace(/\*+/g, (run) => (run.length > 1 ? 'sub/dir' : 'example'));
}

/**
 * A command the pattern matches: a trailing wildcard matches nothing (`terraform
 * apply*` → `terraform apply`), an inner one `x`; never empty once stripped.
 *
 * @example
 * ```ts
 * exampleCommand('curl *|*sh*'); // 'curl x|xsh'
 * ```
 */
export function exampleCommand(pattern: string): string {
  const s = pattern.replace(/\*+$/, '').replace(/\*+/g, 'x');
  return pythonStrip(s) === '' ? `x${s}` : s;
}

/**
 * The first candidate none of the patterns matches, or null.
 *
 * @example
 * ```ts
 * firstUnmatched(['a', 'b'], ['a*']); // 'b'
 * ```
 */
export function firstUnmatched(candidates: readonly string[], patterns: readonly string[]): string | null {
  return candidates.find((c) => !patterns.some((p) => matchesCavraPattern(c, p))) ?? null;
}

/**
 * A name not in `taken`: `base`, else `base-2`, `base-3`, ….
 *
 * @example
 * ```ts
 * freshName('probe', ['probe']); // 'probe-2'
 * ```
 */
export function freshName(base: string, taken: readonly string[]): string {
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}
