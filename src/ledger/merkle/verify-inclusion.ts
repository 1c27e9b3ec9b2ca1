/**
 * Inclusion proof verification (RFC 9162 §2.1.3.2).
 *
 * The verifiers take untrusted input: sizes and indices may be numbers or
 * bigints (anything beyond 2^53 - 1 is rejected), every hash must be exactly 32
 * bytes, and a proof of the wrong length fails. {@link verifyInclusion} answers
 * with a boolean; {@link assertInclusion} and {@link rootFromInclusionProof}
 * throw a {@link WritError} `PROOF_INVALID` with a fixed message and the reason
 * only in `cause` (never serialised to clients).
 *
 * @example
 * ```ts
 * if (!verifyInclusion(leafHash, index, checkpoint.treeSize, proof, checkpoint.rootHash)) reject();
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { hashChildren, hashEquals, isHash } from './hashing.ts';
import { toTreeSize } from './tree-math.ts';

/** Fixed message of every inclusion verification failure. */
const INCLUSION_INVALID = 'inclusion proof does not verify';

type Outcome = { ok: true; root: Uint8Array } | { ok: false; reason: string };

/**
 * RFC 9162 §2.1.3.2 steps 1-4: the root the proof leads to, or why it cannot
 * lead anywhere. fn / sn are shifted with arithmetic (sizes exceed 32 bits).
 */
function chainInclusion(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
): Outcome {
  const index = toTreeSize(leafIndex);
  const size = toTreeSize(treeSize);
  if (index === undefined || size === undefined) return { ok: false, reason: 'index or size out of range' };
  if (index >= size) return { ok: false, reason: 'leaf index is not below tree size' };
  if (!isHash(leafHash)) return { ok: false, reason: 'leaf hash is not 32 bytes' };
  if (!Array.isArray(proof) || !proof.every(isHash)) return { ok: false, reason: 'proof element is not 32 bytes' };

  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'proof too long' };
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'proof too short' };
  return { ok: true, root: Uint8Array.from(r) };
}

/**
 * The root hash an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1-4,
 * including the final `sn == 0` length check). Compare it with a trusted root
 * yourself, or use {@link verifyInclusion}.
 *
 * @throws {WritError} `PROOF_INVALID` ('inclusion proof does not verify') when
 *   `leafIndex >= treeSize`, a size is out of range, a hash is not 32 bytes, or
 *   the proof has the wrong length for `(leafIndex, treeSize)`.
 *
 * @example
 * ```ts
 * const root = rootFromInclusionProof(leafHash, 2, 5, proof);
 * hashEquals(root, trustedRoot);
 * ```
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
): Uint8Array {
  const out = chainInclusion(leafHash, leafIndex, treeSize, proof);
  if (!out.ok) throw new WritError('PROOF_INVALID', INCLUSION_INVALID, { cause: new Error(out.reason) });
  return out.root;
}

/**
 * Verifies that `leafHash` is leaf `leafIndex` of the tree of size `treeSize`
 * with root `root` (RFC 9162 §2.1.3.2). Never throws.
 *
 * @returns true only for a well-formed proof whose computed root equals `root`.
 *
 * @example
 * ```ts
 * verifyInclusion(hashLeaf(entry), 5, 8, proof, root8); // true
 * verifyInclusion(hashLeaf(entry), 6, 8, proof, root8); // false
 * ```
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const out = chainInclusion(leafHash, leafIndex, treeSize, proof);
  return out.ok && hashEquals(out.root, root);
}

/**
 * Like {@link verifyInclusion}, but throws instead of answering false.
 *
 * @throws {WritError} `PROOF_INVALID` with the fixed message
 *   'inclusion proof does not verify'; the reason is in `cause`.
 *
 * @example
 * ```ts
 * assertInclusion(leafHash, 5, 8, proof, root8); // returns, or throws PROOF_INVALID
 * ```
 */
export function assertInclusion(
  leafHash: Uint8Array,
  leafIndex: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const out = chainInclusion(leafHash, leafIndex, treeSize, proof);
  if (!out.ok) throw new WritError('PROOF_INVALID', INCLUSION_INVALID, { cause: new Error(out.reason) });
  if (!hashEquals(out.root, root)) {
    throw new WritError('PROOF_INVALID', INCLUSION_INVALID, { cause: new Error('root mismatch') });
  }
}
