/**
 * Narrowing helpers for reading a PECS document that is typed loosely
 * (`Record<string, unknown>` inside): the assessment and the gate read fields that a
 * valid document may or may not carry, and must never throw on a missing one.
 *
 * @module
 */

/** A JSON object (not an array, not null) as a record, else an empty record. */
export type LooseRecord = Record<string, unknown>;

/**
 * The value as an object, or `{}` when it is absent or not an object.
 *
 * @example
 * ```ts
 * asRecord({ a: 1 }).a; // 1
 * asRecord(null); // {}
 * ```
 */
export function asRecord(value: unknown): LooseRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LooseRecord) : {};
}

/**
 * The value as an object, or null when it is absent or not an object.
 *
 * @example
 * ```ts
 * recordOrNull([]); // null
 * ```
 */
export function recordOrNull(value: unknown): LooseRecord | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LooseRecord) : null;
}

/**
 * The value as an array, or `[]` when it is absent or not an array.
 *
 * @example
 * ```ts
 * asArray(undefined); // []
 * ```
 */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The value when it is a string, else null.
 *
 * @example
 * ```ts
 * asString(3); // null
 * ```
 */
export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The strings of an array value (non-strings dropped).
 *
 * @example
 * ```ts
 * asStrings(['a', 1, 'b']); // ['a', 'b']
 * ```
 */
export function asStrings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

/**
 * Escapes one JSON-pointer token (RFC 6901: `~` → `~0`, `/` → `~1`).
 *
 * @example
 * ```ts
 * pointerToken('a/b'); // 'a~1b'
 * ```
 */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Joins a base pointer and relative tokens into a JSON pointer.
 *
 * @example
 * ```ts
 * joinPointer('/privilegedExecutionSurface/0', 'invocationContract', 'failureMode');
 * // '/privilegedExecutionSurface/0/invocationContract/failureMode'
 * ```
 */
export function joinPointer(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map((t) => `/${pointerToken(t)}`).join('');
}
