/**
 * Incremental Merkle tree head: the "compact range" `[0, size)`.
 *
 * The frontier keeps one hash per set bit of the tree size — the roots of the
 * maximal complete subtrees that tile `[0, size)`, largest first — so memory is
 * O(log n). Appending a leaf merges equal-sized neighbours like a binary
 * counter; every node created on the way is a complete subtree whose hash can
 * never change again, and is reported so a store can persist it. Folding the
 * peaks right to left yields `MTH(D[size])` (RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * const f = new MerkleFrontier();
 * const finalised = f.append(hashLeaf(entry)); // persist these
 * store.put(finalised);
 * const head = { size: f.size, root: f.root() };
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { emptyTreeHash, hashChildren, isHash } from './hashing.ts';
import { rangeNodes, type HashedNode } from './tree-math.ts';

/**
 * Append-only compact range over `[0, size)`; see the module description.
 *
 * @example
 * ```ts
 * const f = new MerkleFrontier();
 * for (const h of leafHashes) f.append(h);
 * f.root(); // equals merkleTreeHash(leafHashes)
 * ```
 */
export class MerkleFrontier {
  #size = 0;
  /** Hashes of the maximal complete subtrees tiling [0, size), largest first. */
  #peaks: Uint8Array[] = [];

  /**
   * Restores a frontier from persisted peaks (as returned by {@link peaks}).
   *
   * @param size the tree size the peaks describe.
   * @param peakHashes one hash per complete subtree of `rangeNodes(0, size)`, in that order.
   * @throws {WritError} `BAD_REQUEST` if the count does not match `size` or a hash is not 32 bytes.
   *
   * @example
   * ```ts
   * const saved = f.peaks();
   * const g = MerkleFrontier.fromPeaks(f.size, saved.map((n) => n.hash));
   * ```
   */
  static fromPeaks(size: number, peakHashes: readonly Uint8Array[]): MerkleFrontier {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new WritError('BAD_REQUEST', 'merkle: invalid tree size');
    }
    const expected = size === 0 ? 0 : rangeNodes(0, size).length;
    if (peakHashes.length !== expected || !peakHashes.every(isHash)) {
      throw new WritError('BAD_REQUEST', 'merkle: peaks do not match tree size');
    }
    const f = new MerkleFrontier();
    f.#size = size;
    f.#peaks = peakHashes.map((h) => Uint8Array.from(h));
    return f;
  }

  /**
   * Number of leaves appended so far.
   *
   * @example
   * ```ts
   * new MerkleFrontier().size; // 0
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * The maximal complete subtrees tiling `[0, size)`, largest first, with their
   * hashes (copies). Their count is the number of set bits of `size`.
   *
   * @example
   * ```ts
   * // after 6 appends: [{ level: 2, index: 0, … }, { level: 1, index: 2, … }]
   * f.peaks().map(({ level, index }) => [level, index]);
   * ```
   */
  peaks(): HashedNode[] {
    if (this.#size === 0) return [];
    return rangeNodes(0, this.#size).map((id, i) => ({ ...id, hash: Uint8Array.from(this.#peaks[i]!) }));
  }

  /**
   * Appends one leaf hash and returns the complete subtrees finalised by it,
   * bottom-up: the leaf itself `(0, size)`, then each merged parent. Amortised
   * O(1) hashes, at most ⌊log2(size + 1)⌋ + 1 nodes.
   *
   * @param leafHash `hashLeaf(entry)`; copied.
   * @throws {WritError} `BAD_REQUEST` if `leafHash` is not 32 bytes or the tree is full (2^53 - 1 leaves).
   *
   * @example
   * ```ts
   * const f = new MerkleFrontier();
   * f.append(h0); // [{ level: 0, index: 0, hash: h0 }]
   * f.append(h1); // [{ level: 0, index: 1, … }, { level: 1, index: 0, hash: hashChildren(h0, h1) }]
   * ```
   */
  append(leafHash: Uint8Array): HashedNode[] {
    if (!isHash(leafHash)) throw new WritError('BAD_REQUEST', 'merkle: leaf hash must be 32 bytes');
    const index = this.#size;
    if (index >= Number.MAX_SAFE_INTEGER) throw new WritError('BAD_REQUEST', 'merkle: tree is full');
    let node: Uint8Array = Uint8Array.from(leafHash);
    const finalised: HashedNode[] = [{ level: 0, index, hash: node }];
    // Binary-counter carry: while the bit at `level` of `index` is set, the
    // newest peak is this node's left sibling at that level.
    let level = 0;
    let rest = index; // = floor(index / 2^level)
    while (rest % 2 === 1) {
      const left = this.#peaks.pop();
      if (left === undefined) throw new WritError('INTERNAL', 'merkle: frontier corrupted');
      node = hashChildren(left, node);
      level += 1;
      rest = (rest - 1) / 2;
      finalised.push({ level, index: rest, hash: node });
    }
    this.#peaks.push(node);
    this.#size = index + 1;
    return finalised.map((n) => ({ ...n, hash: Uint8Array.from(n.hash) }));
  }

  /**
   * `MTH(D[size])` (RFC 9162 §2.1.1): the peaks folded right to left; the empty
   * tree hash when nothing was appended. O(log n) hashes.
   *
   * @example
   * ```ts
   * new MerkleFrontier().root(); // emptyTreeHash()
   * ```
   */
  root(): Uint8Array {
    const peaks = this.#peaks;
    if (peaks.length === 0) return emptyTreeHash();
    let acc = peaks[peaks.length - 1]!;
    for (let i = peaks.length - 2; i >= 0; i--) acc = hashChildren(peaks[i]!, acc);
    return Uint8Array.from(acc);
  }
}
