/**
 * Where proof generation reads complete-subtree hashes from.
 *
 * A log persists every complete subtree reported by {@link MerkleFrontier.append};
 * those hashes never change once written, so a proof for any tree size up to the
 * current one can be assembled from O(log n) of them. {@link SubtreeHashReader} is
 * the one read the proof code needs (a batch, so a database answers it with a
 * single query); {@link MemorySubtreeStore} is the in-memory version for tests.
 *
 * @example
 * ```ts
 * const store = new MemorySubtreeStore();
 * const frontier = new MerkleFrontier();
 * for (const h of leafHashes) store.put(frontier.append(h));
 * const proof = await inclusionProof(store, 3, frontier.size);
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { hashEquals, isHash } from './hashing.ts';
import { nodeKey, type HashedNode, type NodeId } from './tree-math.ts';

/**
 * Batch reader of complete-subtree hashes.
 *
 * `getNodes(ids)` resolves to one 32-byte hash per id, in the same order. Every
 * id asked for is a complete subtree inside the tree size the caller is proving
 * against, so an implementation fed by {@link MerkleFrontier.append} up to at
 * least that size has all of them; a missing node should reject (the proof
 * functions surface that as `LEDGER_INTEGRITY`).
 *
 * @example
 * ```ts
 * const reader: SubtreeHashReader = {
 *   getNodes: async (ids) => db.selectHashes(ids.map(({ level, index }) => [level, index])),
 * };
 * ```
 */
export interface SubtreeHashReader {
  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
}

/**
 * In-memory {@link SubtreeHashReader}, fed with the nodes that
 * {@link MerkleFrontier.append} finalises. Counts its batch reads so tests can
 * check how many round trips a proof needs.
 *
 * @example
 * ```ts
 * const store = new MemorySubtreeStore();
 * store.put(frontier.append(hashLeaf(entry)));
 * const [h] = await store.getNodes([{ level: 0, index: 0 }]);
 * ```
 */
export class MemorySubtreeStore implements SubtreeHashReader {
  readonly #nodes = new Map<string, Uint8Array>();
  #reads = 0;

  /**
   * Stores finalised nodes. Re-storing a node with the same hash is a no-op.
   *
   * @throws {WritError} `BAD_REQUEST` for an invalid id or a hash that is not 32 bytes;
   *   `LEDGER_INTEGRITY` when a node is already stored with a different hash
   *   (complete subtrees are immutable).
   *
   * @example
   * ```ts
   * store.put(frontier.append(leafHash));
   * ```
   */
  put(nodes: Iterable<HashedNode>): void {
    for (const node of nodes) {
      if (!isNodeId(node) || !isHash(node.hash)) {
        throw new WritError('BAD_REQUEST', 'merkle: invalid subtree node');
      }
      const key = nodeKey(node);
      const existing = this.#nodes.get(key);
      if (existing !== undefined) {
        if (!hashEquals(existing, node.hash)) {
          throw new WritError('LEDGER_INTEGRITY', 'merkle: subtree node conflicts with stored value', {
            cause: new Error(`node ${key} already stored with a different hash`),
          });
        }
        continue;
      }
      this.#nodes.set(key, Uint8Array.from(node.hash));
    }
  }

  /**
   * Hashes of `ids`, in order (copies).
   *
   * @throws {WritError} `LEDGER_INTEGRITY` if any node is not stored.
   *
   * @example
   * ```ts
   * const [left, right] = await store.getNodes([{ level: 1, index: 0 }, { level: 0, index: 2 }]);
   * ```
   */
  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    this.#reads += 1;
    return ids.map((id) => {
      const hash = this.#nodes.get(nodeKey(id));
      if (hash === undefined) {
        throw new WritError('LEDGER_INTEGRITY', 'merkle: subtree node missing from store', {
          cause: new Error(`node ${nodeKey(id)} not stored`),
        });
      }
      return Uint8Array.from(hash);
    });
  }

  /**
   * Number of stored nodes.
   *
   * @example
   * ```ts
   * store.nodeCount; // 2n - popcount(n) after n appends
   * ```
   */
  get nodeCount(): number {
    return this.#nodes.size;
  }

  /**
   * Number of {@link getNodes} calls so far.
   *
   * @example
   * ```ts
   * await inclusionProof(store, 0, 8);
   * store.readCount; // 1
   * ```
   */
  get readCount(): number {
    return this.#reads;
  }
}

function isNodeId(id: NodeId): boolean {
  return (
    Number.isSafeInteger(id.level) &&
    Number.isSafeInteger(id.index) &&
    id.level >= 0 &&
    id.level <= 53 &&
    id.index >= 0
  );
}
