/**
 * A small, strict DER reader and writer: just what X.509-SVID checks and the dev CA
 * need (node:crypto parses certificates but does not expose every extension, and
 * cannot build one). Reading never recurses without bound and never reads past
 * its input; anything malformed throws {@link DerError}.
 *
 * @module
 */

/**
 * Thrown by the DER reader on malformed input. Callers turn it into their own
 * stable reason; its message is for logs only.
 *
 * @example
 * ```ts
 * try { readTlv(bytes, 0); } catch (err) { if (err instanceof DerError) return 'MALFORMED'; }
 * ```
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/**
 * One DER element: its tag byte and where its content lies in `bytes`.
 *
 * @example
 * ```ts
 * const tlv = readTlv(der, 0);
 * tlv.tag === 0x30; // a SEQUENCE
 * ```
 */
export interface Tlv {
  tag: number;
  /** The whole input this element was read from. */
  bytes: Uint8Array;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content (= past the element). */
  end: number;
}

/** Universal and context tags used by X.509. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * Reads the element starting at `offset`. Only single-byte tags and definite
 * lengths of at most 4 length bytes are accepted; the element must fit in `limit`.
 *
 * @throws {DerError} on malformed input.
 *
 * @example
 * ```ts
 * const cert = readTlv(der, 0); // the outer SEQUENCE of a certificate
 * ```
 */
export function readTlv(bytes: Uint8Array, offset: number, limit: number = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let len = bytes[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length');
    if (n > 4) throw new DerError('length too long');
    if (p + n > limit) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (bytes[p + i] as number);
    if (len < 0x80 || (n > 1 && bytes[p] === 0)) throw new DerError('non-minimal length');
    p += n;
  }
  if (p + len > limit) throw new DerError('truncated content');
  return { tag, bytes, start: offset, contentStart: p, end: p + len };
}

/**
 * The elements directly inside a constructed element.
 *
 * @throws {DerError} on malformed input.
 *
 * @example
 * ```ts
 * const [tbs, sigAlg, sig] = children(readTlv(der, 0));
 * ```
 */
export function children(parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw new DerError('not a constructed element');
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const child = readTlv(parent.bytes, p, parent.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

/**
 * The content bytes of an element (a view, not a copy).
 *
 * @example
 * ```ts
 * content(readTlv(der, 0)).length;
 * ```
 */
export function content(tlv: Tlv): Uint8Array {
  return tlv.bytes.subarray(tlv.contentStart, tlv.end);
}

/**
 * Checks an element's tag.
 *
 * @throws {DerError} when it differs.
 *
 * @example
 * ```ts
 * expectTag(tlv, TAG.SEQUENCE);
 * ```
 */
export function expectTag(tlv: Tlv | undefined, tag: number): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  return tlv;
}

/**
 * Decodes an OBJECT IDENTIFIER element to dotted form.
 *
 * @throws {DerError} on malformed input.
 *
 * @example
 * ```ts
 * readOid(tlv); // '2.5.29.17'
 * ```
 */
export function readOid(tlv: Tlv): string {
  const c = content(expectTag(tlv, TAG.OID));
  if (c.length === 0 || c.length > 64) throw new DerError('bad OID length');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number;
    if (value === 0 && b === 0x80) throw new DerError('non-minimal OID arc');
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    } else if (i === c.length - 1) {
      throw new DerError('truncated OID');
    }
  }
  const first = arcs[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/**
 * Decodes a BOOLEAN element (DER: 0x00 or 0xff only).
 *
 * @throws {DerError} on malformed input.
 *
 * @example
 * ```ts
 * readBoolean(tlv); // true
 * ```
 */
export function readBoolean(tlv: Tlv): boolean {
  const c = content(expectTag(tlv, TAG.BOOLEAN));
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new DerError('bad BOOLEAN');
  return c[0] === 0xff;
}

/**
 * Decodes a small non-negative INTEGER element (at most 2^31 − 1).
 *
 * @throws {DerError} on malformed, negative or too large input.
 *
 * @example
 * ```ts
 * readSmallInt(tlv); // 0
 * ```
 */
export function readSmallInt(tlv: Tlv): number {
  const c = content(expectTag(tlv, TAG.INTEGER));
  if (c.length === 0 || c.length > 4 || ((c[0] as number) & 0x80) !== 0) throw new DerError('bad INTEGER');
  if (c.length > 1 && c[0] === 0 && ((c[1] as number) & 0x80) === 0) throw new DerError('non-minimal INTEGER');
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/**
 * Decodes a BIT STRING to the list of set bit positions (bit 0 = most significant
 * bit of the first byte, the X.509 named-bit convention).
 *
 * @throws {DerError} on malformed input.
 *
 * @example
 * ```ts
 * readBitPositions(keyUsageTlv); // [0, 5] — digitalSignature, keyCertSign
 * ```
 */
export function readBitPositions(tlv: Tlv): number[] {
  const c = content(expectTag(tlv, TAG.BIT_STRING));
  if (c.length === 0) throw new DerError('empty BIT STRING');
  const unused = c[0] as number;
  if (unused > 7 || (c.length === 1 && unused !== 0)) throw new DerError('bad BIT STRING');
  const out: number[] = [];
  const totalBits = (c.length - 1) * 8 - unused;
  for (let bit = 0; bit < totalBits; bit++) {
    if (((c[1 + (bit >> 3)] as number) >> (7 - (bit & 7))) & 1) out.push(bit);
  }
  return out;
}

function digits(text: string, from: number, count: number): number {
  const part = text.slice(from, from + count);
  if (!/^\d+$/.test(part) || part.length !== count) throw new DerError('bad time digits');
  return Number(part);
}

/**
 * Decodes a UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime
 * (`YYYYMMDDHHMMSSZ`) element, the only forms RFC 5280 allows.
 *
 * @throws {DerError} on malformed input.
 *
 * @example
 * ```ts
 * readTime(notAfterTlv).toISOString(); // '2027-01-01T00:00:00.000Z'
 * ```
 */
export function readTime(tlv: Tlv): Date {
  const text = Buffer.from(content(tlv)).toString('latin1');
  let year: number;
  let p: number;
  if (tlv.tag === TAG.UTC_TIME) {
    if (text.length !== 13) throw new DerError('bad UTCTime');
    const yy = digits(text, 0, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    p = 2;
  } else if (tlv.tag === TAG.GENERALIZED_TIME) {
    if (text.length !== 15) throw new DerError('bad GeneralizedTime');
    year = digits(text, 0, 4);
    p = 4;
  } else {
    throw new DerError('not a time');
  }
  if (text[text.length - 1] !== 'Z') throw new DerError('time not in UTC');
  const month = digits(text, p, 2);
  const day = digits(text, p + 2, 2);
  const hour = digits(text, p + 4, 2);
  const minute = digits(text, p + 6, 2);
  const second = digits(text, p + 8, 2);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (Number.isNaN(ms) || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError('time out of range');
  }
  return d;
}

// ---------------------------------------------------------------- writer

function lengthBytes(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

/**
 * Encodes one element from its tag and content.
 *
 * @example
 * ```ts
 * der(TAG.SEQUENCE, derInteger(1n), derNull()); // 30 05 02 01 01 05 00
 * ```
 */
export function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(body.length)]), body]);
}

/**
 * A SEQUENCE of the given encoded elements.
 *
 * @example
 * ```ts
 * derSequence(derOid('2.5.29.19'), derOctetString(value));
 * ```
 */
export function derSequence(...parts: Uint8Array[]): Uint8Array {
  return der(TAG.SEQUENCE, ...parts);
}

/**
 * A SET of the given encoded elements (callers pass them already in DER order).
 *
 * @example
 * ```ts
 * derSet(derSequence(derOid('2.5.4.3'), derUtf8('writ')));
 * ```
 */
export function derSet(...parts: Uint8Array[]): Uint8Array {
  return der(TAG.SET, ...parts);
}

/**
 * A non-negative INTEGER from a bigint or big-endian magnitude bytes.
 *
 * @example
 * ```ts
 * derInteger(2n); // 02 01 02
 * ```
 */
export function derInteger(value: bigint | Uint8Array): Uint8Array {
  let bytes: number[];
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError('negative INTEGER');
    bytes = [];
    for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  } else {
    bytes = [...value];
  }
  while (bytes.length > 1 && bytes[0] === 0) bytes.shift();
  if (bytes.length === 0) bytes = [0];
  if (((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return der(TAG.INTEGER, Uint8Array.from(bytes));
}

/**
 * An OBJECT IDENTIFIER from dotted form.
 *
 * @example
 * ```ts
 * derOid('1.2.840.10045.4.3.2'); // ecdsa-with-SHA256
 * ```
 */
export function derOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => Number(a));
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new RangeError(`bad OID ${oid}`);
  const values = [(arcs[0] as number) * 40 + (arcs[1] as number), ...arcs.slice(2)];
  const out: number[] = [];
  for (const v of values) {
    const chunk: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift(0x80 | (x & 0x7f));
    out.push(...chunk);
  }
  return der(TAG.OID, Uint8Array.from(out));
}

/**
 * A BOOLEAN.
 *
 * @example
 * ```ts
 * derBoolean(true); // 01 01 ff
 * ```
 */
export function derBoolean(value: boolean): Uint8Array {
  return der(TAG.BOOLEAN, Uint8Array.from([value ? 0xff : 0]));
}

/**
 * An OCTET STRING.
 *
 * @example
 * ```ts
 * derOctetString(extensionValue);
 * ```
 */
export function derOctetString(value: Uint8Array): Uint8Array {
  return der(TAG.OCTET_STRING, value);
}

/**
 * A BIT STRING with the given named bits set (bit 0 = MSB of the first byte),
 * trailing zero bits dropped as DER requires.
 *
 * @example
 * ```ts
 * derNamedBits([5, 6]); // keyCertSign + cRLSign
 * ```
 */
export function derNamedBits(positions: readonly number[]): Uint8Array {
  if (positions.length === 0) return der(TAG.BIT_STRING, Uint8Array.from([0]));
  const highest = Math.max(...positions);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const p of positions) bytes[p >> 3] = (bytes[p >> 3] as number) | (0x80 >> (p & 7));
  const unused = 7 - (highest & 7);
  return der(TAG.BIT_STRING, Uint8Array.from([unused]), bytes);
}

/**
 * A BIT STRING wrapping whole bytes (e.g. a signature).
 *
 * @example
 * ```ts
 * derBitStringBytes(signatureDer);
 * ```
 */
export function derBitStringBytes(value: Uint8Array): Uint8Array {
  return der(TAG.BIT_STRING, Uint8Array.from([0]), value);
}

/**
 * A UTF8String.
 *
 * @example
 * ```ts
 * derUtf8('Writ dev CA');
 * ```
 */
export function derUtf8(text: string): Uint8Array {
  return der(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
}

/**
 * A time as RFC 5280 wants it: UTCTime through 2049, GeneralizedTime from 2050.
 * Fractions of a second are dropped.
 *
 * @example
 * ```ts
 * derTime(new Date('2026-01-01T00:00:00Z')); // UTCTime 260101000000Z
 * ```
 */
export function derTime(at: Date): Uint8Array {
  const iso = at.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const compact = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = at.getUTCFullYear();
  if (year >= 1950 && year < 2050) return der(TAG.UTC_TIME, Buffer.from(compact.slice(2), 'latin1'));
  return der(TAG.GENERALIZED_TIME, Buffer.from(compact, 'latin1'));
}

/**
 * A context-specific tagged element: `[n] EXPLICIT` (constructed, wrapping `inner`)
 * or `[n] IMPLICIT` primitive (replacing the tag of raw content bytes).
 *
 * @example
 * ```ts
 * derContext(0, true, derInteger(2n)); // [0] EXPLICIT INTEGER 2 (certificate version v3)
 * derContext(6, false, Buffer.from('spiffe://writ.dev/x')); // a URI GeneralName
 * ```
 */
export function derContext(n: number, constructed: boolean, inner: Uint8Array): Uint8Array {
  return der((constructed ? 0xa0 : 0x80) | n, inner);
}
