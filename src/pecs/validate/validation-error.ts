/**
 * One problem with a PECS document: where (RFC 6901 pointer, `/` for the whole
 * document), what (one line), and which check found it (a JSON Schema keyword, or an
 * `x-…` keyword for the referential checks).
 *
 * @example
 * ```ts
 * const e: PecsValidationError = { pointer: '/metadata/id', message: "missing required property 'id'", keyword: 'required' };
 * ```
 */
export interface PecsValidationError {
  pointer: string;
  message: string;
  keyword: string;
}

/**
 * A pointer segment, escaped per RFC 6901 (`~` → `~0`, `/` → `~1`).
 *
 * @example
 * ```ts
 * pointerSegment('a/b'); // 'a~1b'
 * ```
 */
export function pointerSegment(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Joins segments into a pointer; no segments gives `/` (the whole document).
 *
 * @example
 * ```ts
 * pointerOf(['privilegedExecutionSurface', 0, 'id']); // '/privilegedExecutionSurface/0/id'
 * pointerOf([]); // '/'
 * ```
 */
export function pointerOf(segments: ReadonlyArray<string | number>): string {
  return segments.length === 0 ? '/' : segments.map((s) => `/${pointerSegment(s)}`).join('');
}
