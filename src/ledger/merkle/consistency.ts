/**
 * Consistency proof generation from stored complete-subtree hashes
 * (RFC 9162 §2.1.4.1), with O(log n) node reads in one batch.
 *
 * @example
 * ```ts
 * const proof = await consistencyProof(store, 3, 7);
 * verifyConsistency(3, 7, proof, root3, root7); // true
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { fetchProof, planConsistency } from './proof-plan.ts';
import type { SubtreeHashReader } from './subtree-store.ts';
import { isTreeSize } from './tree-math.ts';

/**
 * The consistency proof `PROOF(oldSize, D[newSize])` (RFC 9162 §2.1.4.1). Reads
 * at most ~2·log2(newSize) + 1 node hashes with a single `reader.getNodes` call;
 * the reader must hold every complete subtree of the first `newSize` leaves.
 *
 * The proof is empty, and the reader is not called, when `oldSize === newSize`
 * or `oldSize === 0` (every tree extends the empty tree; RFC 9162 defines no
 * proof for it, and {@link verifyConsistency} accepts only an empty one).
 *
 * @throws {WritError} `BAD_REQUEST` unless `0 <= oldSize <= newSize`;
 *   `LEDGER_INTEGRITY` if the reader fails or answers malformed data.
 *
 * @example
 * ```ts
 * await consistencyProof(store, 4, 8); // [MTH(D[4:8])]
 * await consistencyProof(store, 8, 8); // []
 * ```
 */
export async function consistencyProof(
  reader: SubtreeHashReader,
  oldSize: number,
  newSize: number,
): Promise<Uint8Array[]> {
  if (!isTreeSize(oldSize) || !isTreeSize(newSize) || oldSize > newSize) {
    throw new WritError('BAD_REQUEST', 'merkle: consistency sizes out of range');
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  return fetchProof(reader, planConsistency(oldSize, newSize));
}
