/**
 * Where a verifier reads a ledger from: the database directly (offline audit,
 * tamper tests) or a server's HTTP API. The verifier trusts nothing a source
 * says: it recomputes every hash and checks every signature itself.
 */

/** One stored entry as read back. */
export interface SourceEntry {
  seq: number;
  stream_id: string;
  entry_type: string;
  /** The exact RFC 8785 text the leaf hash covers. */
  entry_jcs: string;
  /** What the store claims the leaf hash is (not trusted). */
  leaf_hash: Uint8Array | undefined;
}

/** One stored signed checkpoint. */
export interface SourceCheckpoint {
  tree_size: number;
  note: string;
}

/** One stored complete-subtree hash at level ≥ 1 (store sources only). */
export interface SourceNode {
  level: number;
  index: number;
  hash: Uint8Array;
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
  /** Entries with seq ≥ from, ascending, in pages of at most `pageSize`. */
  entries(from: number, pageSize: number): AsyncIterable<SourceEntry[]>;
  /** Every checkpoint, ascending by tree size. */
  checkpoints(): Promise<SourceCheckpoint[]>;
  /** Stored subtree nodes (level ≥ 1), ascending by (level, index); undefined when the source cannot list them (HTTP). */
  nodes?(): AsyncIterable<SourceNode[]>;
}
