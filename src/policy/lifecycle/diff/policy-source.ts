/**
 * The Cedar text of a policy's scope and of each of its conditions, for showing a
 * change to people. Changes are *detected* on Cedar's JSON form (so formatting and
 * comments never count); this only prints the before and after, as the author wrote
 * them, with comments removed and whitespace collapsed.
 *
 * A small scanner is enough: Cedar strings are `"…"` with backslash escapes, comments
 * run from `//` to the end of the line, and a policy is
 * `annotations effect ( scope ) { when|unless { … } } ;`.
 *
 * @module
 */

/**
 * A policy's scope and conditions as text.
 *
 * @example
 * ```ts
 * const parts: PolicySourceParts = { scope: 'principal, action == Writ::Action::"promotion", resource is Writ::Environment', conditions: ['when { resource.tier == "prod" }'] };
 * ```
 */
export interface PolicySourceParts {
  scope: string;
  conditions: string[];
}

/** Index just past the string literal starting at `i` (a `"`). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index of the first character at or after `i` that is not whitespace or comment. */
function skipBlank(text: string, i: number): number {
  let j = i;
  for (;;) {
    while (j < text.length && /\s/.test(text[j]!)) j++;
    if (text.startsWith('//', j)) {
      const end = text.indexOf('\n', j);
      j = end === -1 ? text.length : end + 1;
      continue;
    }
    return j;
  }
}

/** Index just past the bracket matching the one at `i` (`(` or `{`), or -1. */
function matchBracket(text: string, i: number): number {
  const open = text[i]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const ch = text[j]!;
    if (ch === '"') {
      j = skipString(text, j);
      continue;
    }
    if (text.startsWith('//', j)) {
      j = skipBlank(text, j);
      continue;
    }
    if (ch === open) depth++;
    else if (ch === close && --depth === 0) return j + 1;
    j++;
  }
  return -1;
}

/**
 * `text` without comments and with each run of whitespace outside strings made one
 * space, trimmed.
 *
 * @example
 * ```ts
 * normalizeCedar('a  ==\n  "x  y" // note'); // 'a == "x  y"'
 * ```
 */
export function normalizeCedar(text: string): string {
  let out = '';
  let j = 0;
  while (j < text.length) {
    const ch = text[j]!;
    if (ch === '"') {
      const end = skipString(text, j);
      out += text.slice(j, end);
      j = end;
    } else if (/\s/.test(ch) || text.startsWith('//', j)) {
      j = skipBlank(text, j);
      if (out !== '' && !out.endsWith(' ')) out += ' ';
    } else {
      out += ch;
      j++;
    }
  }
  return out.trimEnd();
}

/** Index of the effect keyword (`permit` / `forbid`) outside annotations, or -1. */
function effectAt(text: string): number {
  let j = 0;
  while (j < text.length) {
    j = skipBlank(text, j);
    if (text[j] === '@') {
      const open = text.indexOf('(', j);
      if (open === -1) return -1;
      const end = matchBracket(text, open);
      if (end === -1) return -1;
      j = end;
      continue;
    }
    return /^(permit|forbid)\b/.test(text.slice(j)) ? j : -1;
  }
  return -1;
}

/**
 * The scope and conditions of one policy's text (as `policySetTextToParts` gives it),
 * or null when the text is not shaped as expected.
 *
 * @example
 * ```ts
 * policySourceParts('@id("p")\npermit (principal, action, resource)\nwhen { context.x // why\n };');
 * // { scope: 'principal, action, resource', conditions: ['when { context.x }'] }
 * ```
 */
export function policySourceParts(text: string): PolicySourceParts | null {
  const effect = effectAt(text);
  if (effect === -1) return null;
  const open = skipBlank(text, effect + 'permit'.length);
  if (text[open] !== '(') return null;
  const close = matchBracket(text, open);
  if (close === -1) return null;
  const scope = normalizeCedar(text.slice(open + 1, close - 1));
  const conditions: string[] = [];
  let j = close;
  for (;;) {
    j = skipBlank(text, j);
    const kind = /^(when|unless)\b/.exec(text.slice(j))?.[1];
    if (!kind) break;
    const brace = skipBlank(text, j + kind.length);
    if (text[brace] !== '{') return null;
    const end = matchBracket(text, brace);
    if (end === -1) return null;
    conditions.push(`${kind} { ${normalizeCedar(text.slice(brace + 1, end - 1))} }`);
    j = end;
  }
  return { scope, conditions };
}
