/**
 * A {@link LedgerReadSource} over the ledger tables of a Writ store, for offline
 * verification (`writ ledger verify`) and the tamper tests. Every read is a
 * keyset query (`where seq >= x order by seq limit n`), never OFFSET, so a page
 * costs the same at seq 0 and at seq 10^7.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { sql, type Expression, type ExpressionOrFactory, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { rangeNodes } from '../merkle/tree-math.ts';
import { StoreSubtreeReader } from '../store-subtree-reader.ts';
import type { EntryReadOptions, LedgerReadSource, PageDigest, SourceCheckpoint, SourceEntry, SourceNode } from './ledger-source.ts';

/** `ledger_nodes` is indexed by `(level, idx)`; levels above this cannot occur in a 2^53-leaf tree. */
const MAX_LEVEL = 53;

/** SHA-256 of nothing: the digest of an empty page. */
const EMPTY_DIGEST = new Uint8Array(createHash('sha256').digest());

/**
 * Filter on `ledger_nodes` selecting the nodes whose last leaf,
 * `(idx + 1)·2^level − 1`, lies in `[fromLeaf, toLeaf)` (`toLeaf` undefined:
 * unbounded): one indexed range per level, OR-ed; undefined when empty.
 */
function completedByFilter(fromLeaf: number, toLeaf: number | undefined): ExpressionOrFactory<Database, 'ledger_nodes', SqlBool> | undefined {
  // (L, i) is completed inside [a, b) iff ceil((a+1)/2^L) − 1 ≤ i ≤ floor(b/2^L) − 1.
  let topLevel = 0;
  if (toLeaf !== undefined) {
    if (toLeaf <= fromLeaf) return undefined;
    // No node above this level ends before toLeaf.
    while (topLevel < MAX_LEVEL && 2 ** (topLevel + 1) <= toLeaf) topLevel += 1;
  } else {
    // Every node above this level ends at or after fromLeaf: those levels are taken whole.
    while (topLevel < MAX_LEVEL && 2 ** (topLevel + 1) - 1 < fromLeaf) topLevel += 1;
  }
  const ranges: Array<{ level: number; lo: number; hi: number | undefined }> = [];
  for (let level = 1; level <= topLevel; level++) {
    const width = 2 ** level;
    const lo = Math.max(0, Math.ceil((fromLeaf + 1) / width) - 1);
    const hi = toLeaf === undefined ? undefined : Math.floor(toLeaf / width) - 1;
    if (hi !== undefined && hi < lo) continue;
    ranges.push({ level, lo, hi });
  }
  const openTop = toLeaf === undefined;
  if (ranges.length === 0 && !openTop) return undefined;
  return (eb) => {
    const terms: Expression<SqlBool>[] = ranges.map((r) =>
      r.hi === undefined
        ? eb.and([eb('level', '=', r.level), eb('idx', '>=', r.lo)])
        : eb.and([eb('level', '=', r.level), eb('idx', '>=', r.lo), eb('idx', '<=', r.hi)]),
    );
    if (openTop) terms.push(eb('level', '>', topLevel));
    return eb.or(terms);
  };
}

function toNumber(v: number | bigint | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/**
 * Reads a ledger from the store. Takes a `Kysely<Database>` handle — the
 * store's `db`, or a `Transaction<Database>`, so a test can mutate the ledger
 * inside a transaction, verify what it sees, and roll back.
 *
 * @example
 * ```ts
 * const report = await verifyLedger(new StoreLedgerSource(store.db), { origin, verifiers });
 * await store.transaction(async (trx) => {
 *   const seen = new StoreLedgerSource(trx); // sees the transaction's own writes
 * });
 * ```
 */
export class StoreLedgerSource implements LedgerReadSource {
  readonly #db: Kysely<Database>;

  /**
   * @param db the store's handle or an open transaction.
   *
   * @example
   * ```ts
   * const source = new StoreLedgerSource(store.db);
   * ```
   */
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * Entries with `seq ≥ from`, ascending, `pageSize` per page (keyset paging);
   * `{ leafHashes: false }` leaves out the leaf hashes.
   *
   * @example
   * ```ts
   * for await (const page of source.entries(0, 5_000)) for (const e of page) console.log(e.seq);
   * ```
   */
  async *entries(from: number, pageSize: number, options: EntryReadOptions = {}): AsyncIterable<SourceEntry[]> {
    const size = Math.max(1, Math.floor(pageSize));
    let next = from;
    for (;;) {
      // seq as float8 (exact below 2^53): parsed with parseFloat, not via BigInt.
      // Order by the table column, not the float8 alias, so the primary key serves it.
      const rows = await this.#db
        .selectFrom('ledger_entries')
        .select([sql<number>`seq::float8`.as('seq'), 'stream_id', 'entry_type', 'entry_jcs'])
        .$if(options.leafHashes !== false, (q) => q.select('leaf_hash'))
        .where('seq', '>=', next)
        .orderBy('ledger_entries.seq')
        .limit(size)
        .execute();
      if (rows.length === 0) return;
      // The rows already have the SourceEntry shape: no second object per entry.
      const page = rows as unknown as SourceEntry[];
      for (const r of page) if (typeof r.seq !== 'number') r.seq = toNumber(r.seq);
      yield page;
      if (rows.length < size) return;
      next = page[page.length - 1]!.seq + 1;
    }
  }

  /**
   * Every checkpoint, ascending by tree size (prefer {@link checkpointPages} for large logs).
   *
   * @example
   * ```ts
   * const all = await source.checkpoints();
   * ```
   */
  async checkpoints(): Promise<SourceCheckpoint[]> {
    const out: SourceCheckpoint[] = [];
    for await (const page of this.checkpointPages(0, 10_000)) out.push(...page);
    return out;
  }

  /**
   * Checkpoints with `tree_size ≥ fromSize`, ascending, in keyset pages.
   *
   * @example
   * ```ts
   * for await (const page of source.checkpointPages(0, 1_000)) console.log(page.map((c) => c.tree_size));
   * ```
   */
  async *checkpointPages(fromSize: number, pageSize: number): AsyncIterable<SourceCheckpoint[]> {
    const size = Math.max(1, Math.floor(pageSize));
    let next = fromSize;
    for (;;) {
      const rows = await this.#db
        .selectFrom('ledger_checkpoints')
        .select(['tree_size', 'note'])
        .where('tree_size', '>=', next)
        .orderBy('tree_size')
        .limit(size)
        .execute();
      if (rows.length === 0) return;
      const page = rows.map((r) => ({ tree_size: toNumber(r.tree_size), note: r.note }));
      yield page;
      if (rows.length < size) return;
      next = page[page.length - 1]!.tree_size + 1;
    }
  }

  /**
   * The checkpoint with the largest tree size ≤ `size`.
   *
   * @example
   * ```ts
   * const seed = await source.latestCheckpointAtMost(1_000_000);
   * ```
   */
  async latestCheckpointAtMost(size: number): Promise<SourceCheckpoint | undefined> {
    const r = await this.#db
      .selectFrom('ledger_checkpoints')
      .select(['tree_size', 'note'])
      .where('tree_size', '<=', size)
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? { tree_size: toNumber(r.tree_size), note: r.note } : undefined;
  }

  /**
   * Every stored node (level ≥ 1), ascending by `(level, index)`, in keyset pages of 10,000.
   *
   * @example
   * ```ts
   * let n = 0;
   * for await (const page of source.nodes()) n += page.length;
   * ```
   */
  async *nodes(): AsyncIterable<SourceNode[]> {
    const size = 10_000;
    let level = 0;
    let idx = -1;
    for (;;) {
      const rows = await this.#db
        .selectFrom('ledger_nodes')
        .select(['level', 'idx', 'hash'])
        .where(sql<SqlBool>`(level, idx) > (${level}::smallint, ${idx}::bigint)`)
        .orderBy('level')
        .orderBy('idx')
        .limit(size)
        .execute();
      if (rows.length === 0) return;
      const page = rows.map((r) => ({ level: toNumber(r.level), index: toNumber(r.idx), hash: r.hash }));
      yield page;
      if (rows.length < size) return;
      const last = page[page.length - 1]!;
      level = last.level;
      idx = last.index;
    }
  }

  /**
   * Stored nodes whose last leaf lies in `[fromLeaf, toLeaf)`: one indexed
   * range per level, OR-ed into a single query.
   *
   * @example
   * ```ts
   * const completed = await source.nodesCompletedBy(0, 5_000); // the nodes the first 5,000 leaves finalise
   * const beyond = await source.nodesCompletedBy(treeSize, undefined, 10); // nodes past the log's end
   * ```
   */
  async nodesCompletedBy(fromLeaf: number, toLeaf: number | undefined, limit?: number): Promise<SourceNode[]> {
    const where = completedByFilter(fromLeaf, toLeaf);
    if (where === undefined) return [];
    let q = this.#db.selectFrom('ledger_nodes').select(['level', 'idx', 'hash']).where(where);
    if (limit !== undefined) q = q.orderBy('level').orderBy('idx').limit(limit);
    const rows = await q.execute();
    return rows.map((r) => ({ level: toNumber(r.level), index: toNumber(r.idx), hash: r.hash }));
  }

  /**
   * Digest of the stored nodes completed by leaves in `[fromLeaf, toLeaf)`,
   * computed by the database (one row back instead of one per node).
   *
   * @example
   * ```ts
   * const { count, digest } = await source.nodeHashDigest(0, 5_000);
   * ```
   */
  async nodeHashDigest(fromLeaf: number, toLeaf: number): Promise<PageDigest> {
    const where = completedByFilter(fromLeaf, toLeaf);
    if (where === undefined) return { count: 0, digest: EMPTY_DIGEST };
    const r = await this.#db
      .selectFrom('ledger_nodes')
      .select([
        sql<number>`count(*)::int`.as('n'),
        sql<Uint8Array>`sha256(coalesce(string_agg(hash, ''::bytea order by level, idx), ''::bytea))`.as('d'),
      ])
      .where(where)
      .executeTakeFirstOrThrow();
    return { count: toNumber(r.n), digest: r.d };
  }

  /**
   * Digest of the stored leaf hashes of seqs `[fromSeq, toSeq]`, computed by the database.
   *
   * @example
   * ```ts
   * const { count, digest } = await source.leafHashDigest(0, 4_999);
   * ```
   */
  async leafHashDigest(fromSeq: number, toSeq: number): Promise<PageDigest> {
    const r = await this.#db
      .selectFrom('ledger_entries')
      .select([
        sql<number>`count(*)::int`.as('n'),
        sql<Uint8Array>`sha256(coalesce(string_agg(leaf_hash, ''::bytea order by seq), ''::bytea))`.as('d'),
      ])
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .executeTakeFirstOrThrow();
    return { count: toNumber(r.n), digest: r.d };
  }

  /**
   * The stored leaf hashes of seqs `[fromSeq, toSeq]`, ascending.
   *
   * @example
   * ```ts
   * const hashes = await source.leafHashes(0, 4_999);
   * ```
   */
  async leafHashes(fromSeq: number, toSeq: number): Promise<Array<{ seq: number; leaf_hash: Uint8Array }>> {
    const rows = await this.#db
      .selectFrom('ledger_entries')
      .select(['seq', 'leaf_hash'])
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ seq: toNumber(r.seq), leaf_hash: r.leaf_hash }));
  }

  /**
   * The stored peaks of `[0, size)` (leaf hashes for level 0), or undefined when one is missing.
   *
   * @example
   * ```ts
   * const peaks = await source.peaks(6); // [hash of leaves 0..3, hash of leaves 4..5]
   * ```
   */
  async peaks(size: number): Promise<Uint8Array[] | undefined> {
    if (size === 0) return [];
    try {
      return await new StoreSubtreeReader(this.#db).getNodes(rangeNodes(0, size));
    } catch {
      return undefined;
    }
  }

  /**
   * One past the largest stored seq.
   *
   * @example
   * ```ts
   * const total = await source.size();
   * ```
   */
  async size(): Promise<number> {
    const r = await sql<{ size: number | string }>`select coalesce(max(seq) + 1, 0) as size from ledger_entries`.execute(this.#db);
    return toNumber(r.rows[0]?.size ?? 0);
  }
}
