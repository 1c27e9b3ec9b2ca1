/**
 * Locating Cedar diagnostics in source files. Cedar reports UTF-8 byte offsets into
 * the text it was given; editors want 1-based lines and columns.
 *
 * @module
 */

/**
 * The UTF-16 index in `text` of the character starting at UTF-8 byte `byteOffset`
 * (clamped to the text).
 *
 * @example
 * ```ts
 * byteOffsetToIndex('é = 1', 2); // 1 ('é' is two bytes in UTF-8)
 * ```
 */
export function byteOffsetToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const c = text.codePointAt(i)!;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c >= 0x10000 ? 2 : 1;
  }
  return i;
}

/**
 * 1-based line and column (in UTF-16 code units) of `index` in `text`.
 *
 * @example
 * ```ts
 * positionAt('a\nbc', 3); // { line: 2, column: 2 }
 * ```
 */
export function positionAt(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(index, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
