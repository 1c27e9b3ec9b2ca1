/**
 * Cedar source text for CAVRA patterns: string literals escaped so any pattern text is
 * read back exactly, and the condition that says "this attribute matches this CAVRA
 * pattern" with CAVRA's meaning (see `cavra-glob.ts`).
 *
 * Cedar's `like` has the same wildcard as CAVRA (`*`: any run of characters, anchored
 * at both ends) with one difference: Cedar's `*` also matches a line break. So a
 * pattern with a wildcard is matched as `attr like "…"` AND the value has no line break;
 * a pattern without one is an equality (a line break in the value then cannot match).
 * A literal `*` is never emitted: CAVRA has none, and in a `like` pattern even the
 * escape `\u{2a}` would be a wildcard.
 *
 * @module
 */
import { hasWildcard, patternLiterals } from './cavra-glob.ts';

/** Characters written as `\u{…}`: controls, format characters (bidi overrides, BOM), separators other than the space. */
const UNSAFE = /[\p{C}\p{Z}]/u;

function escapeChars(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch !== ' ' && UNSAFE.test(ch)) out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/**
 * A Cedar string literal (quotes included) whose value is exactly `s`.
 *
 * @example
 * ```ts
 * cedarString('a "b"\n'); // '"a \\"b\\"\\u{a}"'
 * ```
 */
export function cedarString(s: string): string {
  return `"${escapeChars(s)}"`;
}

/**
 * Text safe on one comment line (Cedar `//`, YAML `#`): line breaks and other invisible
 * characters are written as `\u{…}`, so pack text (an id, a server name) can never end
 * the comment and be read as policy.
 *
 * @example
 * ```ts
 * singleLineText('a\npermit (principal, action, resource);'); // 'a\\u{a}permit (principal, action, resource);'
 * ```
 */
export function singleLineText(s: string): string {
  let out = '';
  for (const ch of s) out += ch !== ' ' && UNSAFE.test(ch) ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : ch;
  return out;
}

/**
 * A Cedar `like` pattern literal (quotes included) with the wildcards of the CAVRA
 * pattern: each run of `*` becomes one `*`, everything else is escaped.
 *
 * @example
 * ```ts
 * cedarLikePattern('**\/*.pem'); // '"*\/*.pem"'
 * ```
 */
export function cedarLikePattern(pattern: string): string {
  return `"${patternLiterals(pattern).map(escapeChars).join('*')}"`;
}

/**
 * The Cedar condition "`attr` contains a line break" (CAVRA's stars never match one).
 *
 * @example
 * ```ts
 * hasLineBreak('resource.path'); // 'resource.path like "*\\n*"'
 * ```
 */
export function hasLineBreak(attr: string): string {
  return `${attr} like "*\\n*"`;
}

/**
 * The Cedar condition "`attr` matches the CAVRA pattern", without the line-break
 * guard (callers add it once, see {@link matchesAny}): `attr like "…"` for a pattern
 * with a wildcard, `attr == "…"` for one without.
 *
 * @example
 * ```ts
 * patternCondition('resource.path', '.env');        // 'resource.path == ".env"'
 * patternCondition('resource.line', 'terraform plan*'); // 'resource.line like "terraform plan*"'
 * ```
 */
export function patternCondition(attr: string, pattern: string): string {
  return hasWildcard(pattern) ? `${attr} like ${cedarLikePattern(pattern)}` : `${attr} == ${cedarString(pattern)}`;
}

/**
 * The Cedar condition "`attr` matches one of the CAVRA patterns", exact: the
 * line-break guard is added when some pattern has a wildcard (an equality with a
 * pattern, which has no line break, already excludes one). Null for no patterns.
 *
 * @example
 * ```ts
 * matchesAny('resource.line', ['pytest*', 'ruff check']);
 * // '(resource.line like "pytest*" || resource.line == "ruff check") && !(resource.line like "*\\n*")'
 * ```
 */
export function matchesAny(attr: string, patterns: readonly string[]): string | null {
  if (patterns.length === 0) return null;
  const any = patterns.map((p) => patternCondition(attr, p));
  const alternatives = any.length === 1 ? any[0]! : `(${any.join(' || ')})`;
  return patterns.some(hasWildcard) ? `${alternatives} && !(${hasLineBreak(attr)})` : alternatives;
}
