/**
 * CAVRA's path and command patterns, as CAVRA's own matcher reads them: every run of
 * `*` (one star or `**`, it makes no difference) matches any run of characters except a
 * line break, every other character matches itself, and the pattern must match the
 * whole value (anchored at both ends). CAVRA builds a Python regular expression
 * (escape the pattern, turn the escaped stars into `.*`, `re.fullmatch`), and Python's
 * `.` does not match `\n`. There is no way to write a literal `*` in a CAVRA pattern.
 *
 * @module
 */

/**
 * A pattern split at its runs of `*`: `literals[0]`, wildcard, `literals[1]`, … A
 * pattern without a star has one literal.
 *
 * @example
 * ```ts
 * patternLiterals('**\/secrets.*'); // ['', '/secrets.', '']
 * patternLiterals('.env');         // ['.env']
 * ```
 */
export function patternLiterals(pattern: string): string[] {
  return pattern.split(/\*+/);
}

/**
 * True when the pattern has a wildcard.
 *
 * @example
 * ```ts
 * hasWildcard('terraform plan*'); // true
 * ```
 */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*');
}

const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * The pattern as an anchored regular expression with CAVRA's meaning.
 *
 * @example
 * ```ts
 * cavraPatternRegExp('policies/**').test('policies/a/b.yaml'); // true
 * cavraPatternRegExp('pytest*').test('pytest\nrm -rf /');     // false: a star does not cross a line break
 * ```
 */
export function cavraPatternRegExp(pattern: string): RegExp {
  const body = patternLiterals(pattern)
    .map((l) => l.replace(REGEXP_SYNTAX, '\\$&'))
    .join('[^\\n]*');
  return new RegExp(`^${body}$`, 'u');
}

/**
 * True when `value` matches the CAVRA pattern.
 *
 * @example
 * ```ts
 * matchesCavraPattern('infra/terraform.tfstate', '**\/terraform.tfstate'); // true
 * matchesCavraPattern('terraform.tfstate', '**\/terraform.tfstate');       // false: the "/" is literal
 * ```
 */
export function matchesCavraPattern(value: string, pattern: string): boolean {
  return cavraPatternRegExp(pattern).test(value);
}
