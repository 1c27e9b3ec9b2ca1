/**
 * Inclusion proof generation from stored complete-subtree hashes
 * (RFC 9162 §2.1.3.1), with O(log n) node reads in one batch.
 *
 * @example
 * ```ts
 * const proof = await inclusionProof(store, 5, 8);
 * verifyInclusion(leafHash5, 5, 8, proof, root8); // true
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { fetchProof, planInclusion } from './proof-plan.ts';
import type { SubtreeHashReader } from './subtree-store.ts';
import { isTreeSize } from './tree-math.ts';

/**
 * The audit path `PATH(leafIndex, D[treeSize])` (RFC 9162 §2.1.3.1): the sibling
 * subtree hashes from the leaf up to the root. Reads at most ~2·log2(treeSize)
 * node hashes with a single `reader.getNodes` call (none when `treeSize` is 1);
 * the reader must hold every complete subtree of the first `treeSize` leaves.
 *
 * @throws {WritError} `BAD_REQUEST` unless `0 <= leafIndex < treeSize`;
 *   `LEDGER_INTEGRITY` if the reader fails or answers malformed data.
 *
 * @example
 * ```ts
 * const store = new MemorySubtreeStore();
 * const f = new MerkleFrontier();
 * for (const h of leafHashes) store.put(f.append(h));
 * const path = await inclusionProof(store, 2, f.size);
 * ```
 */
export async function inclusionProof(
  reader: SubtreeHashReader,
  leafIndex: number,
  treeSize: number,
): Promise<Uint8Array[]> {
  if (!isTreeSize(leafIndex) || !isTreeSize(treeSize) || leafIndex >= treeSize) {
    throw new WritError('BAD_REQUEST', 'merkle: leaf index out of range');
  }
  return fetchProof(reader, planInclusion(leafIndex, treeSize));
}
