/**
 * Narrowing helpers for reading AWS JSON exports that are typed `unknown`: every reader returns a
 * safe empty value instead of throwing on a missing or mistyped field.
 *
 * @module
 */

/** A JSON object as a record. @example `const r: JsonRecord = { a: 1 };` */
export type JsonRecord = Record<string, unknown>;

/**
 * The value as an object, or `{}` when it is not a (non-array) object.
 *
 * @example
 * ```ts
 * objectOf({ a: 1 }).a; // 1
 * objectOf(null);       // {}
 * ```
 */
export function objectOf(value: unknown): JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : {};
}

/**
 * The value as an array, or `[]` when it is not an array.
 *
 * @example
 * ```ts
 * arrayOf([1, 2]); // [1, 2]
 * arrayOf('x');    // []
 * ```
 */
export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The value when it is a non-empty string, else undefined.
 *
 * @example
 * ```ts
 * stringOf('a'); // 'a'
 * stringOf('');  // undefined
 * ```
 */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A policy field that may be one string or a list of strings (`Action`, `Resource`…), as a list.
 *
 * @example
 * ```ts
 * stringListOf('s3:GetObject');     // ['s3:GetObject']
 * stringListOf(['a', 1, 'b']);      // ['a', 'b']
 * stringListOf(undefined);          // []
 * ```
 */
export function stringListOf(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return arrayOf(value).filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * Sorted, de-duplicated copy of a list of strings.
 *
 * @example
 * ```ts
 * sortedUnique(['b', 'a', 'b']); // ['a', 'b']
 * ```
 */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
