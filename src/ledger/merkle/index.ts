/**
 * The Writ ledger's Merkle tree (RFC 9162 §2.1, the RFC 6962 tree): hashing,
 * tree heads, an incremental frontier, O(log n) proof generation from stored
 * complete subtrees, and proof verification.
 *
 * @example
 * ```ts
 * import { MerkleFrontier, MemorySubtreeStore, hashLeaf, inclusionProof, verifyInclusion } from './index.ts';
 *
 * const frontier = new MerkleFrontier();
 * const store = new MemorySubtreeStore();
 * for (const entry of entries) store.put(frontier.append(hashLeaf(entry)));
 * const root = frontier.root();
 * const proof = await inclusionProof(store, 1, frontier.size);
 * verifyInclusion(hashLeaf(entries[1]), 1, frontier.size, proof, root); // true
 * ```
 *
 * @module
 */
export { HASH_SIZE, emptyTreeHash, hashChildren, hashEquals, hashLeaf, isHash } from './hashing.ts';
export {
  highestPowerOfTwoAtMost,
  isPowerOfTwo,
  isTreeSize,
  nodeKey,
  nodeRange,
  rangeNodes,
  splitPoint,
  toTreeSize,
  type HashedNode,
  type NodeId,
} from './tree-math.ts';
export { merkleTreeHash } from './root.ts';
export { MerkleFrontier } from './frontier.ts';
export { MemorySubtreeStore, type SubtreeHashReader } from './subtree-store.ts';
export { fetchProof, planConsistency, planInclusion, planNodeIds, type ProofElementPlan } from './proof-plan.ts';
export { inclusionProof } from './inclusion.ts';
export { consistencyProof } from './consistency.ts';
export { assertInclusion, rootFromInclusionProof, verifyInclusion } from './verify-inclusion.ts';
export { assertConsistency, verifyConsistency } from './verify-consistency.ts';
export { referenceConsistencyProof, referenceInclusionProof } from './reference.ts';
