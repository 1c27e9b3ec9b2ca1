/**
 * Python's `str.strip()` without arguments, which CAVRA applies to a command (and to
 * the requested operation) before it matches patterns. JavaScript's `trim()` is not
 * the same set: Python also strips the information separators U+001C–U+001F and
 * U+0085 (NEL), and does not strip U+FEFF. Matching CAVRA's decisions for the same
 * input needs the exact set (`str.isspace()`).
 *
 * @module
 */

const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGES = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/**
 * `s` without leading and trailing Python whitespace.
 *
 * @example
 * ```ts
 * pythonStrip('\u0085 terraform plan\n'); // 'terraform plan'
 * pythonStrip('\ufeffx');                 // '\ufeffx' (U+FEFF is not whitespace to Python)
 * ```
 */
export function pythonStrip(s: string): string {
  return s.replace(EDGES, '');
}
