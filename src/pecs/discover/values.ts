/**
 * Small readers for the plain values YAML parsing yields (`unknown` at every level).
 *
 * @module
 */

/**
 * The value as a plain object, or null.
 *
 * @example
 * ```ts
 * asRecord({ a: 1 }); // { a: 1 }
 * asRecord([1]); // null
 * ```
 */
export function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * The value as a string (numbers and booleans rendered), or null.
 *
 * @example
 * ```ts
 * asText(3); // '3'
 * asText({}); // null
 * ```
 */
export function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * A scalar or a list of scalars as a list of strings (nested lists flattened, as GitLab
 * allows for `script`).
 *
 * @example
 * ```ts
 * asTextList('a'); // ['a']
 * asTextList(['a', ['b']]); // ['a', 'b']
 * ```
 */
export function asTextList(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((i) => asTextList(i));
  const t = asText(v);
  return t === null ? [] : [t];
}

/**
 * Every string inside a value (object keys excluded), depth first.
 *
 * @example
 * ```ts
 * stringsIn({ a: ['x', { b: 'y' }] }); // ['x', 'y']
 * ```
 */
export function stringsIn(v: unknown, depth = 0): string[] {
  // Bounded: expanded aliases can nest deeply.
  if (depth > 64) return [];
  if (Array.isArray(v)) return v.flatMap((i) => stringsIn(i, depth + 1));
  const r = asRecord(v);
  if (r) return Object.values(r).flatMap((i) => stringsIn(i, depth + 1));
  const t = asText(v);
  return t === null ? [] : [t];
}

/**
 * Sorted unique strings.
 *
 * @example
 * ```ts
 * sortedUnique(['b', 'a', 'b']); // ['a', 'b']
 * ```
 */
export function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}
