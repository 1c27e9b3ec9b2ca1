/**
 * Where a verifier reads a ledger from: the database directly (offline audit,
 * tamper tests) or a server's HTTP API. The verifier trusts nothing a source
 * says: it recomputes every hash and checks every signature itself.
 *
 * The required methods are enough for a full verification; the optional ones
 * let a verifier stream checkpoints instead of holding them all, compare the
 * stored subtree hashes page by page, seed a partial (`--from`) verification
 * and show progress.
 *
 * @example
 * ```ts
 * const source: LedgerReadSource = new StoreLedgerSource(store.db);
 * for await (const page of source.entries(0, 5_000)) console.log(page.length);
 * ```
 *
 * @module
 */

/**
 * One stored entry as read back.
 *
 * @example
 * ```ts
 * const e: SourceEntry = { seq: 0, stream_id: 'system', entry_type: 'system.note', entry_jcs: '{…}', leaf_hash: undefined };
 * ```
 */
export interface SourceEntry {
  seq: number;
  stream_id: string;
  entry_type: string;
  /** The exact RFC 8785 text the leaf hash covers. */
  entry_jcs: string;
  /** What the store claims the leaf hash is (not trusted). */
  leaf_hash: Uint8Array | undefined;
}

/**
 * One stored signed checkpoint.
 *
 * @example
 * ```ts
 * const cp: SourceCheckpoint = { tree_size: 10, note: 'writ/abc\n10\n…\n\n— writ/abc …\n' };
 * ```
 */
export interface SourceCheckpoint {
  tree_size: number;
  note: string;
}

/**
 * One stored complete-subtree hash at level ≥ 1 (store sources only). It
 * covers leaves `[index·2^level, (index+1)·2^level)`.
 *
 * @example
 * ```ts
 * const n: SourceNode = { level: 1, index: 0, hash }; // hash of leaves 0 and 1
 * ```
 */
export interface SourceNode {
  level: number;
  index: number;
  hash: Uint8Array;
}

/**
 * What a reader of entry pages needs besides the rows' columns and text.
 *
 * @example
 * ```ts
 * for await (const page of source.entries(0, 5_000, { leafHashes: false })) { ... }
 * ```
 */
export interface EntryReadOptions {
  /** Include `leaf_hash` (default true). */
  leafHashes?: boolean;
}

/**
 * A digest of a page of stored hashes: SHA-256 of their concatenation, and their count.
 *
 * @example
 * ```ts
 * const d: PageDigest = { count: 5000, digest: sha256(concat(hashes)) };
 * ```
 */
export interface PageDigest {
  count: number;
  digest: Uint8Array;
}

/**
 * A readable ledger. Pages are ordered by `seq` / `tree_size`.
 *
 * @example
 * ```ts
 * for await (const page of source.entries(0, 10_000)) { ... }
 * ```
 */
export interface LedgerReadSource {
  /**
   * Entries with seq ≥ from, ascending, in pages of at most `pageSize`. With
   * `leafHashes: false` a source may leave `leaf_hash` undefined (the verifier
   * then compares page digests, see {@link leafHashDigest}).
   */
  entries(from: number, pageSize: number, options?: EntryReadOptions): AsyncIterable<SourceEntry[]>;
  /** Every checkpoint, ascending by tree size. */
  checkpoints(): Promise<SourceCheckpoint[]>;
  /** Stored subtree nodes (level ≥ 1), ascending by (level, index); undefined when the source cannot list them (HTTP). */
  nodes?(): AsyncIterable<SourceNode[]>;
  /**
   * Checkpoints with tree size ≥ `fromSize`, ascending, in pages of at most
   * `pageSize`. Preferred over {@link checkpoints} by verifiers: a log with a
   * checkpoint per entry has as many checkpoints as entries.
   */
  checkpointPages?(fromSize: number, pageSize: number): AsyncIterable<SourceCheckpoint[]>;
  /** The checkpoint with the largest tree size ≤ `size`, if any (seeds a partial verification). */
  latestCheckpointAtMost?(size: number): Promise<SourceCheckpoint | undefined>;
  /**
   * Stored nodes (level ≥ 1) *completed by* a leaf in `[fromLeaf, toLeaf)`:
   * those whose last leaf, `(index + 1)·2^level − 1`, lies in the range
   * (`toLeaf` undefined: no upper bound), in any order, at most `limit` of them
   * when given. A verifier compares them with the nodes it recomputes while
   * reading the same leaves, so it never holds more than a page of nodes.
   */
  nodesCompletedBy?(fromLeaf: number, toLeaf: number | undefined, limit?: number): Promise<SourceNode[]>;
  /**
   * The stored hashes of the complete subtrees that tile `[0, size)` (in
   * `rangeNodes(0, size)` order: largest first), or undefined when one is
   * missing. Untrusted: a verifier folds them and compares with a signed root.
   */
  peaks?(size: number): Promise<Uint8Array[] | undefined>;
  /**
   * SHA-256 over the concatenated stored leaf hashes of seqs `[fromSeq, toSeq]`
   * in seq order, and how many there are. Lets a verifier skip transferring
   * every stored leaf hash: it compares the digest of its recomputed leaves and
   * fetches the page's hashes ({@link leafHashes}) only when they differ.
   */
  leafHashDigest?(fromSeq: number, toSeq: number): Promise<PageDigest>;
  /** The stored leaf hashes of seqs `[fromSeq, toSeq]`, ascending. */
  leafHashes?(fromSeq: number, toSeq: number): Promise<Array<{ seq: number; leaf_hash: Uint8Array }>>;
  /**
   * SHA-256 over the concatenated hashes of the stored nodes completed by a
   * leaf in `[fromLeaf, toLeaf)` (see {@link nodesCompletedBy}), ordered by
   * (level, index), and how many there are.
   */
  nodeHashDigest?(fromLeaf: number, toLeaf: number): Promise<PageDigest>;
  /** One past the largest stored seq (0 when empty); for progress reporting only. */
  size?(): Promise<number>;
}
