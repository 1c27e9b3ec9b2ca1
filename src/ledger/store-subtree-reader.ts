import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { MerkleFrontier } from './merkle/frontier.ts';
import type { SubtreeHashReader } from './merkle/subtree-store.ts';
import { rangeNodes, type NodeId } from './merkle/tree-math.ts';
import { WritError } from '../errors/writ-error.ts';

/**
 * Reads complete-subtree hashes from the store in one round trip per level kind:
 * level 0 from `ledger_entries.leaf_hash`, higher levels from `ledger_nodes`.
 * A proof needs O(log n) of them, never a scan.
 *
 * @example
 * ```ts
 * const proof = await inclusionProof(new StoreSubtreeReader(store.db), 5, 1000);
 * ```
 */
export class StoreSubtreeReader implements SubtreeHashReader {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    // One round trip: inner nodes by (level, idx) pairs, leaves from the entries table.
    const rows = await sql<{ level: number; idx: number; hash: Uint8Array }>`
      select n.level::int as level, n.idx, n.hash
      from unnest(${inner.map((id) => id.level)}::smallint[], ${inner.map((id) => id.index)}::bigint[]) as q(level, idx)
      join ledger_nodes n on n.level = q.level and n.idx = q.idx
      union all
      select 0 as level, e.seq as idx, e.leaf_hash as hash from ledger_entries e where e.seq = any(${leaves}::bigint[])`.execute(this.#db);
    const found = new Map<string, Uint8Array>();
    for (const r of rows.rows) found.set(`${r.level}:${r.idx}`, new Uint8Array(r.hash));
    return ids.map((id) => {
      const h = found.get(`${id.level}:${id.index}`);
      if (!h) throw new WritError('LEDGER_INTEGRITY', `ledger: subtree node ${id.level}/${id.index} is missing`);
      return h;
    });
  }
}

/**
 * Rebuilds the sequencer's in-memory frontier for a tree of `size` leaves from
 * the stored peaks: O(log n) reads.
 *
 * @example
 * ```ts
 * const frontier = await loadFrontier(store.db, 1_000_000);
 * ```
 */
export async function loadFrontier(db: Kysely<Database>, size: number): Promise<MerkleFrontier> {
  if (size === 0) return new MerkleFrontier();
  const ids = rangeNodes(0, size);
  const hashes = await new StoreSubtreeReader(db).getNodes(ids);
  return MerkleFrontier.fromPeaks(size, hashes);
}
