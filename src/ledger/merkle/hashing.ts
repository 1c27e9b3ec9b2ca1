/**
 * Domain-separated SHA-256 hashing of the Writ ledger's Merkle tree (RFC 9162 §2.1.1,
 * identical to RFC 6962 §2.1): leaves are hashed with a 0x00 prefix and interior
 * nodes with a 0x01 prefix, so a leaf can never be passed off as an interior node.
 *
 * @example
 * ```ts
 * const a = hashLeaf(new TextEncoder().encode('a'));
 * const b = hashLeaf(new TextEncoder().encode('b'));
 * const root = hashChildren(a, b); // MTH of the two-entry tree
 * ```
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Length in bytes of every node hash (SHA-256).
 *
 * @example
 * ```ts
 * hashLeaf(new Uint8Array()).length === HASH_SIZE; // true
 * ```
 */
export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

function digest(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  // Copy into a plain Uint8Array so callers never hold a Buffer (deepEqual-friendly).
  return new Uint8Array(h.digest());
}

/**
 * Hash of a log entry: SHA-256(0x00 ‖ data) (RFC 9162 §2.1.1, `MTH({d(0)})`).
 *
 * @param data the entry's bytes, exactly as logged.
 * @returns a new 32-byte array.
 *
 * @example
 * ```ts
 * Buffer.from(hashLeaf(new Uint8Array())).toString('hex');
 * // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 * ```
 */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return digest(LEAF_PREFIX, data);
}

/**
 * Hash of an interior node: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1,
 * `MTH(D_n) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`).
 *
 * @param left hash of the left subtree.
 * @param right hash of the right subtree.
 * @returns a new 32-byte array.
 *
 * @example
 * ```ts
 * const root2 = hashChildren(hashLeaf(new Uint8Array()), hashLeaf(new Uint8Array([0])));
 * Buffer.from(root2).toString('hex');
 * // 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'
 * ```
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return digest(NODE_PREFIX, left, right);
}

/**
 * Root hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1,
 * `MTH({}) = HASH()`). Returns a fresh copy each call.
 *
 * @example
 * ```ts
 * Buffer.from(emptyTreeHash()).toString('hex');
 * // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * ```
 */
export function emptyTreeHash(): Uint8Array {
  return digest();
}

/**
 * True when `value` is a byte array of exactly {@link HASH_SIZE} bytes.
 *
 * @example
 * ```ts
 * isHash(hashLeaf(new Uint8Array())); // true
 * isHash(new Uint8Array(31));        // false
 * isHash('not bytes');               // false
 * ```
 */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/**
 * Constant-time equality of two hashes; false (not an exception) when either is
 * not a 32-byte array.
 *
 * @example
 * ```ts
 * const h = hashLeaf(new Uint8Array());
 * hashEquals(h, Uint8Array.from(h)); // true
 * hashEquals(h, new Uint8Array(32)); // false
 * ```
 */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  return isHash(a) && isHash(b) && timingSafeEqual(a, b);
}
