/**
 * Reference computation of the Merkle Tree Hash (RFC 9162 §2.1.1) over a list of
 * leaf hashes held in memory. O(n) hashing, O(log n) recursion depth. The
 * incremental, O(log n)-memory form is {@link MerkleFrontier} in `frontier.ts`.
 *
 * @example
 * ```ts
 * const leaves = ['a', 'b', 'c'].map((s) => hashLeaf(new TextEncoder().encode(s)));
 * const root = merkleTreeHash(leaves);
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { emptyTreeHash, hashChildren, isHash } from './hashing.ts';
import { splitPoint } from './tree-math.ts';

/**
 * `MTH(D[start:end])` (RFC 9162 §2.1.1) where `D` is given by its leaf hashes:
 * the empty range hashes to SHA-256(""), one leaf is its leaf hash, and a larger
 * range splits at the largest power of two `k < n`.
 *
 * @param leafHashes `hashLeaf(d(i))` for every entry, in log order.
 * @param start first leaf of the subtree (default 0).
 * @param end one past the last leaf (default `leafHashes.length`).
 * @throws {WritError} `BAD_REQUEST` if the range is outside the array or an
 *   element is not a 32-byte hash.
 *
 * @example
 * ```ts
 * const l = [hashLeaf(new Uint8Array()), hashLeaf(new Uint8Array([0]))];
 * merkleTreeHash(l); // hashChildren(l[0], l[1])
 * merkleTreeHash([]); // emptyTreeHash()
 * merkleTreeHash(l, 1, 2); // l[1]
 * ```
 */
export function merkleTreeHash(
  leafHashes: readonly Uint8Array[],
  start = 0,
  end: number = leafHashes.length,
): Uint8Array {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > leafHashes.length) {
    throw new WritError('BAD_REQUEST', 'merkle: leaf range out of bounds');
  }
  return mth(leafHashes, start, end);
}

function mth(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return emptyTreeHash();
  if (n === 1) {
    const leaf = leafHashes[start];
    if (!isHash(leaf)) throw new WritError('BAD_REQUEST', 'merkle: leaf hash must be 32 bytes');
    return Uint8Array.from(leaf);
  }
  const k = splitPoint(n);
  return hashChildren(mth(leafHashes, start, start + k), mth(leafHashes, start + k, end));
}
