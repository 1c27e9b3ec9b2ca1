/**
 * Reading values out of a packet that may be malformed, without throwing: `section` and
 * `list` give an empty object or list where the packet has none (both gates use them).
 * CAVRA's gate is Python and reads its packet with Python's truthiness and `int()`; to
 * give the same answers on the same packets, the CAVRA checks read values through
 * `truthy` and `pythonInt`.
 *
 * @module
 */

/**
 * Python truthiness of a JSON value: false for null/undefined, false, 0, "", [] and {}.
 *
 * @example
 * ```ts
 * truthy([]); // false
 * truthy('x'); // true
 * ```
 */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/**
 * Python `int()` of a JSON value, or NaN where Python would raise (so any comparison
 * with it fails, as the packet fails the check). Absent values take `fallback`.
 *
 * @example
 * ```ts
 * pythonInt('0', 1); // 0
 * pythonInt(undefined, 1); // 1
 * pythonInt('zero', 1); // NaN
 * ```
 */
export function pythonInt(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : Number.NaN;
  if (typeof v === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v)) return Number.parseInt(v.replaceAll('_', ''), 10);
  return Number.NaN;
}

/**
 * A JSON object member as an object, or an empty one (CAVRA reads missing sections as `{}`).
 *
 * @example
 * ```ts
 * section({ a: { b: 1 } }, 'a'); // { b: 1 }
 * section({}, 'a'); // {}
 * ```
 */
export function section(obj: unknown, key: string): Record<string, unknown> {
  const v = typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * A JSON member as a list, or an empty one.
 *
 * @example
 * ```ts
 * list({ a: [1] }, 'a'); // [1]
 * ```
 */
export function list(obj: Record<string, unknown>, key: string): unknown[] {
  const v = obj[key];
  return Array.isArray(v) ? v : [];
}
