/**
 * Consistency proof verification (RFC 9162 §2.1.4.2).
 *
 * Inputs are untrusted: sizes may be numbers or bigints (anything beyond
 * 2^53 - 1 is rejected), every hash must be exactly 32 bytes, and a proof of the
 * wrong length fails. {@link verifyConsistency} answers with a boolean;
 * {@link assertConsistency} throws a {@link WritError} `PROOF_INVALID` with a
 * fixed message and the reason only in `cause`.
 *
 * Cases outside §2.1.4.2's `0 < first < second`:
 * - `oldSize === newSize`: valid iff the proof is empty and the roots are equal
 *   (for size 0 both must be the empty tree hash);
 * - `oldSize === 0 < newSize`: valid iff the proof is empty and `oldRoot` is the
 *   empty tree hash (`newRoot` is unconstrained: every tree extends the empty one);
 * - `oldSize > newSize`: invalid.
 *
 * @example
 * ```ts
 * if (!verifyConsistency(old.treeSize, cur.treeSize, proof, old.rootHash, cur.rootHash)) alarm();
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { emptyTreeHash, hashChildren, hashEquals, isHash } from './hashing.ts';
import { isPowerOfTwo, toTreeSize } from './tree-math.ts';

/** Fixed message of every consistency verification failure. */
const CONSISTENCY_INVALID = 'consistency proof does not verify';

/** Why the proof fails, or undefined when it verifies. */
function consistencyFailure(
  oldSize: number | bigint,
  newSize: number | bigint,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): string | undefined {
  const first = toTreeSize(oldSize);
  const second = toTreeSize(newSize);
  if (first === undefined || second === undefined) return 'size out of range';
  if (first > second) return 'old size is larger than new size';
  if (!isHash(oldRoot) || !isHash(newRoot)) return 'root is not 32 bytes';
  if (!Array.isArray(proof) || !proof.every(isHash)) return 'proof element is not 32 bytes';

  if (first === second) {
    if (proof.length !== 0) return 'proof must be empty for equal sizes';
    if (!hashEquals(oldRoot, newRoot)) return 'roots differ for equal sizes';
    if (first === 0 && !hashEquals(oldRoot, emptyTreeHash())) return 'root of the empty tree is wrong';
    return undefined;
  }
  if (first === 0) {
    if (proof.length !== 0) return 'proof must be empty from the empty tree';
    if (!hashEquals(oldRoot, emptyTreeHash())) return 'root of the empty tree is wrong';
    return undefined;
  }

  // RFC 9162 §2.1.4.2, 0 < first < second.
  // 1. An empty proof fails.
  if (proof.length === 0) return 'empty proof';
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(first) ? [oldRoot, ...proof] : [...proof];
  // 3. fn = first - 1, sn = second - 1.
  let fn = first - 1;
  let sn = second - 1;
  // 4. While LSB(fn) is set, shift both right.
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // 5. fr = sr = first element.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6. Chain the remaining elements.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return 'proof too long';
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7. fr == first_hash, sr == second_hash, sn == 0.
  if (sn !== 0) return 'proof too short';
  if (!hashEquals(fr, oldRoot)) return 'old root mismatch';
  if (!hashEquals(sr, newRoot)) return 'new root mismatch';
  return undefined;
}

/**
 * Verifies that the tree of size `newSize` with root `newRoot` is an
 * append-only extension of the tree of size `oldSize` with root `oldRoot`
 * (RFC 9162 §2.1.4.2; edge cases in the module description). Never throws.
 *
 * @example
 * ```ts
 * verifyConsistency(3, 7, proof, root3, root7); // true
 * verifyConsistency(7, 7, [], root7, root7);    // true
 * verifyConsistency(3, 7, [], root3, root7);    // false (empty proof)
 * ```
 */
export function verifyConsistency(
  oldSize: number | bigint,
  newSize: number | bigint,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  return consistencyFailure(oldSize, newSize, proof, oldRoot, newRoot) === undefined;
}

/**
 * Like {@link verifyConsistency}, but throws instead of answering false.
 *
 * @throws {WritError} `PROOF_INVALID` with the fixed message
 *   'consistency proof does not verify'; the reason is in `cause`.
 *
 * @example
 * ```ts
 * assertConsistency(3, 7, proof, root3, root7); // returns, or throws PROOF_INVALID
 * ```
 */
export function assertConsistency(
  oldSize: number | bigint,
  newSize: number | bigint,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): void {
  const reason = consistencyFailure(oldSize, newSize, proof, oldRoot, newRoot);
  if (reason !== undefined) {
    throw new WritError('PROOF_INVALID', CONSISTENCY_INVALID, { cause: new Error(reason) });
  }
}
