/**
 * Turning a Cedar `like` pattern (JSON form: a list of `{ Literal: c }` and
 * `"Wildcard"`) into strings that match it, so a generated corpus reaches the branches
 * a pattern guards: `"*.pem"` gives `".pem"` and `"x.pem"`.
 *
 * @module
 */

/**
 * One element of a `like` pattern in Cedar's JSON form.
 *
 * @example
 * ```ts
 * const p: LikePatternElement[] = [{ Literal: 'a' }, 'Wildcard'];
 * ```
 */
export type LikePatternElement = 'Wildcard' | { Literal: string };

/**
 * True when `v` is a `like` pattern in Cedar's JSON form.
 *
 * @example
 * ```ts
 * isLikePattern([{ Literal: 'a' }, 'Wildcard']); // true
 * ```
 */
export function isLikePattern(v: unknown): v is LikePatternElement[] {
  return (
    Array.isArray(v) &&
    v.every((e) => e === 'Wildcard' || (typeof e === 'object' && e !== null && typeof (e as { Literal?: unknown }).Literal === 'string'))
  );
}

/**
 * The strings that match `pattern` when every wildcard is replaced by one filler, one
 * string per filler, without empty strings (intents refuse them) and without repeats.
 *
 * @example
 * ```ts
 * instantiateLike([{ Literal: 'a' }, 'Wildcard'], ['', 'x']); // ['a', 'ax']
 * instantiateLike(['Wildcard'], ['', 'x']);                   // ['x']
 * ```
 */
export function instantiateLike(pattern: readonly LikePatternElement[], fillers: readonly string[]): string[] {
  const out = new Set<string>();
  for (const filler of fillers) {
    const s = pattern.map((e) => (e === 'Wildcard' ? filler : e.Literal)).join('');
    if (s !== '') out.add(s);
  }
  return [...out];
}

/**
 * The literal text of a pattern: its characters without the wildcards (`"*;*"` → `";"`).
 *
 * @example
 * ```ts
 * likeCore(['Wildcard', { Literal: ';' }, 'Wildcard']); // ';'
 * ```
 */
export function likeCore(pattern: readonly LikePatternElement[]): string {
  return pattern.map((e) => (e === 'Wildcard' ? '' : e.Literal)).join('');
}
