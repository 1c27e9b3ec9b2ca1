/**
 * Reference proof generation over an in-memory array of leaf hashes: the
 * recursive definitions of RFC 9162 §2.1.3.1 and §2.1.4.1 transcribed literally,
 * recomputing `MTH` of every subtree (O(n log n) hashing). Meant for tests and
 * cross-checking the O(log n) reader-based {@link inclusionProof} and
 * {@link consistencyProof}, and for small in-memory trees.
 *
 * @example
 * ```ts
 * const leaves = entries.map(hashLeaf);
 * referenceInclusionProof(leaves, 2);     // PATH(2, D[leaves.length])
 * referenceConsistencyProof(leaves, 3);   // PROOF(3, D[leaves.length])
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { merkleTreeHash } from './root.ts';
import { splitPoint } from './tree-math.ts';

/**
 * `PATH(m, D[n])` (RFC 9162 §2.1.3.1) for the tree whose leaf hashes are
 * `leafHashes` (n = `leafHashes.length`):
 * `PATH(0, {d(0)}) = {}`; for m < k, `PATH(m, D[0:k]) : MTH(D[k:n])`;
 * for m >= k, `PATH(m - k, D[k:n]) : MTH(D[0:k])`.
 *
 * @throws {WritError} `BAD_REQUEST` unless `0 <= m < n`.
 *
 * @example
 * ```ts
 * referenceInclusionProof([h0], 0);          // []
 * referenceInclusionProof([h0, h1, h2], 2);  // [hashChildren(h0, h1)]
 * ```
 */
export function referenceInclusionProof(leafHashes: readonly Uint8Array[], m: number): Uint8Array[] {
  if (!Number.isSafeInteger(m) || m < 0 || m >= leafHashes.length) {
    throw new WritError('BAD_REQUEST', 'merkle: leaf index out of range');
  }
  return path(leafHashes, m, 0, leafHashes.length);
}

function path(d: readonly Uint8Array[], m: number, lo: number, hi: number): Uint8Array[] {
  const n = hi - lo;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(d, m, lo, lo + k), merkleTreeHash(d, lo + k, hi)];
  return [...path(d, m - k, lo + k, hi), merkleTreeHash(d, lo, lo + k)];
}

/**
 * `PROOF(m, D[n])` (RFC 9162 §2.1.4.1) for the tree whose leaf hashes are
 * `leafHashes` (n = `leafHashes.length`), via `SUBPROOF(m, D[n], true)`.
 * Returns `[]` for `m === n` and for `m === 0` (no proof is defined from the
 * empty tree; verifiers accept only an empty one).
 *
 * @throws {WritError} `BAD_REQUEST` unless `0 <= m <= n`.
 *
 * @example
 * ```ts
 * referenceConsistencyProof(leaves7, 3); // [c, d, g, l] as in RFC 9162 §2.1.5
 * ```
 */
export function referenceConsistencyProof(leafHashes: readonly Uint8Array[], m: number): Uint8Array[] {
  if (!Number.isSafeInteger(m) || m < 0 || m > leafHashes.length) {
    throw new WritError('BAD_REQUEST', 'merkle: consistency sizes out of range');
  }
  if (m === 0) return [];
  return subproof(leafHashes, m, 0, leafHashes.length, true);
}

function subproof(d: readonly Uint8Array[], m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
  const n = hi - lo;
  if (m === n) return b ? [] : [merkleTreeHash(d, lo, hi)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(d, m, lo, lo + k, b), merkleTreeHash(d, lo + k, hi)];
  return [...subproof(d, m - k, lo + k, hi, false), merkleTreeHash(d, lo, lo + k)];
}
