/**
 * SHA-256 helpers (FIPS 180-4) and content references of canonical JSON.
 *
 * A {@link Sha256Ref} (`sha256:` + 64 lowercase hex digits) names a JSON value
 * by the SHA-256 of its RFC 8785 canonical UTF-8 bytes, so equal data always
 * gets an equal reference regardless of key order or number spelling.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { WritError } from '../errors/writ-error.ts';
import { canonicalizeToBytes, isWellFormedUnicode } from './jcs.ts';

/**
 * A content reference: `sha256:` followed by 64 lowercase hex digits.
 * Branded so that only {@link hashCanonical} and {@link isSha256Ref} produce one;
 * it is still assignable to `` `sha256:${string}` `` and `string`.
 *
 * @example
 * ```ts
 * const ref: Sha256Ref = hashCanonical({ a: 1 });
 * const s: `sha256:${string}` = ref; // fine
 * ```
 */
export type Sha256Ref = `sha256:${string}` & { readonly __brand: 'Sha256Ref' };

const SHA256_REF = /^sha256:[0-9a-f]{64}$/;

/**
 * UTF-8 bytes of `data`, or `data` itself. Strings must be well-formed UTF-16:
 * node would silently replace a lone surrogate with U+FFFD (RFC 3629 §3 forbids
 * encoding surrogates), making distinct strings hash the same.
 */
function toBytes(data: Uint8Array | string): Uint8Array | string {
  if (typeof data !== 'string') return data;
  if (!isWellFormedUnicode(data)) {
    throw new WritError('BAD_REQUEST', 'sha256: string input contains a lone surrogate');
  }
  return data;
}

/**
 * SHA-256 (FIPS 180-4) of `data`; a string is hashed as its UTF-8 bytes.
 *
 * @throws {WritError} `BAD_REQUEST` if a string contains a lone surrogate (it has no UTF-8 encoding).
 *
 * @example
 * ```ts
 * sha256Bytes('abc').length; // 32
 * sha256Bytes(new Uint8Array([0x61, 0x62, 0x63])); // same 32 bytes as sha256Bytes('abc')
 * ```
 */
export function sha256Bytes(data: Uint8Array | string): Uint8Array {
  const digest = createHash('sha256').update(toBytes(data)).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/**
 * SHA-256 (FIPS 180-4) of `data` as 64 lowercase hex digits; a string is hashed as its UTF-8 bytes.
 *
 * @throws {WritError} `BAD_REQUEST` if a string contains a lone surrogate (it has no UTF-8 encoding).
 *
 * @example
 * ```ts
 * sha256Hex('abc');
 * // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(toBytes(data)).digest('hex');
}

/**
 * The content reference of a JSON value: `sha256:` + lowercase hex SHA-256 of
 * its RFC 8785 canonical UTF-8 bytes ({@link canonicalizeToBytes}).
 *
 * @throws {WritError} `JCS_INVALID_INPUT` if `value` cannot be canonicalized.
 *
 * @example
 * ```ts
 * hashCanonical({});
 * // 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
 * hashCanonical({ b: 1, a: 2 }) === hashCanonical({ a: 2, b: 1 }); // true
 * ```
 */
export function hashCanonical(value: unknown): Sha256Ref {
  return `sha256:${sha256Hex(canonicalizeToBytes(value))}` as Sha256Ref;
}

/**
 * True when `value` is a string of the exact form `sha256:` + 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * isSha256Ref('sha256:' + 'ab'.repeat(32)); // true
 * isSha256Ref('sha256:' + 'AB'.repeat(32)); // false (uppercase hex)
 * isSha256Ref('sha512:' + 'ab'.repeat(32)); // false
 * ```
 */
export function isSha256Ref(value: unknown): value is Sha256Ref {
  return typeof value === 'string' && SHA256_REF.test(value);
}
