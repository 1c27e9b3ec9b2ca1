import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestLedger, type TestLedger } from '../../harness/test-ledger.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { rangeNodes } from '../../../src/ledger/merkle/tree-math.ts';
import type { SourceEntry, SourceNode } from '../../../src/ledger/verify/ledger-source.ts';
import { StoreLedgerSource } from '../../../src/ledger/verify/store-ledger-source.ts';
import { concatDigest } from '../../../src/ledger/verify/verify-hashing.ts';
import { buildLedger, mutated } from './helpers.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
let l: TestLedger;
let size: number;
let source: StoreLedgerSource;

before(async () => {
  l = await openTestLedger({ maxBatchDelayMs: 0 });
  size = await buildLedger(l, [5, 1, 9, 4, 13, 2, 6], 3);
  source = new StoreLedgerSource(l.store.db);
});
after(async () => {
  await l.close();
});

async function allEntries(s: StoreLedgerSource, from: number, pageSize: number, withLeaves = true): Promise<{ pages: number[]; rows: SourceEntry[] }> {
  const pages: number[] = [];
  const rows: SourceEntry[] = [];
  for await (const p of s.entries(from, pageSize, { leafHashes: withLeaves })) {
    pages.push(p.length);
    rows.push(...p);
  }
  return { pages, rows };
}

async function allNodes(): Promise<SourceNode[]> {
  const out: SourceNode[] = [];
  for await (const p of source.nodes()) out.push(...p);
  return out;
}

test('entries are paged by keyset, ascending, with numeric seqs and the stored leaf hashes', async () => {
  const { pages, rows } = await allEntries(source, 0, 7);
  assert.equal(rows.length, size);
  assert.deepEqual(pages, [7, 7, 7, 7, 7, 5]);
  assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: size }, (_, i) => i));
  const db = await l.store.db.selectFrom('ledger_entries').selectAll().orderBy('seq').execute();
  for (const [i, r] of rows.entries()) {
    assert.equal(typeof r.seq, 'number');
    assert.equal(r.entry_jcs, db[i]!.entry_jcs);
    assert.equal(r.stream_id, db[i]!.stream_id);
    assert.equal(r.entry_type, db[i]!.entry_type);
    assert.equal(hex(r.leaf_hash!), hex(db[i]!.leaf_hash));
  }
  const tail = await allEntries(source, 36, 100);
  assert.deepEqual(tail.rows.map((r) => r.seq), [36, 37, 38, 39]);
  const lean = await allEntries(source, 0, 100, false);
  assert.ok(lean.rows.every((r) => r.leaf_hash === undefined));
  assert.deepEqual(lean.rows.map((r) => r.entry_jcs), db.map((r) => r.entry_jcs));
});

test('checkpoints, checkpoint pages and the latest checkpoint at or below a size', async () => {
  const all = await source.checkpoints();
  assert.deepEqual(all.map((c) => c.tree_size), [5, 6, 15, 19, 32, 34, 40]);
  const pages: number[][] = [];
  for await (const p of source.checkpointPages(6, 2)) pages.push(p.map((c) => c.tree_size));
  assert.deepEqual(pages, [[6, 15], [19, 32], [34, 40]]);
  assert.equal((await source.latestCheckpointAtMost(18))?.tree_size, 15);
  assert.equal((await source.latestCheckpointAtMost(19))?.tree_size, 19);
  assert.equal(await source.latestCheckpointAtMost(4), undefined);
  assert.equal(await source.size(), size);
});

test('nodes() lists every stored node by (level, index), equal to the reference tree', async () => {
  const nodes = await allNodes();
  const ref = new MerkleFrontier();
  const expected: string[] = [];
  const leaves = await l.store.db.selectFrom('ledger_entries').select('leaf_hash').orderBy('seq').execute();
  for (const r of leaves) for (const n of ref.append(r.leaf_hash)) if (n.level > 0) expected.push(`${n.level}/${n.index}/${hex(n.hash)}`);
  assert.deepEqual(nodes.map((n) => `${n.level}/${n.index}/${hex(n.hash)}`), expected.sort((a, b) => {
    const [la, ia] = a.split('/').map(Number) as [number, number];
    const [lb, ib] = b.split('/').map(Number) as [number, number];
    return la - lb || ia - ib;
  }));
});

test('nodesCompletedBy selects exactly the nodes whose last leaf is in the range, and the digests agree', async () => {
  const nodes = await allNodes();
  const lastLeaf = (n: SourceNode) => (n.index + 1) * 2 ** n.level - 1;
  const ranges: Array<[number, number | undefined]> = [[0, 1], [0, 2], [0, 40], [3, 17], [16, 32], [31, 33], [7, 8], [39, 40], [0, undefined], [17, undefined], [40, undefined]];
  for (const [a, b] of ranges) {
    const want = nodes.filter((n) => lastLeaf(n) >= a && (b === undefined || lastLeaf(n) < b)).map((n) => `${n.level}/${n.index}`).sort();
    const got = (await source.nodesCompletedBy(a, b)).map((n) => `${n.level}/${n.index}`).sort();
    assert.deepEqual(got, want, `range [${a}, ${b})`);
    if (b !== undefined) {
      const ordered = nodes.filter((n) => lastLeaf(n) >= a && lastLeaf(n) < b).sort((x, y) => x.level - y.level || x.index - y.index);
      const d = await source.nodeHashDigest(a, b);
      assert.equal(d.count, ordered.length);
      assert.equal(hex(d.digest), hex(concatDigest(ordered.map((n) => n.hash))));
    }
  }
  assert.equal((await source.nodesCompletedBy(0, undefined, 3)).length, 3);
});

test('leaf hash digests and leaf hashes of a seq range', async () => {
  const rows = await l.store.db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).where('seq', '>=', 3).where('seq', '<=', 11).orderBy('seq').execute();
  const d = await source.leafHashDigest(3, 11);
  assert.equal(d.count, 9);
  assert.equal(hex(d.digest), hex(concatDigest(rows.map((r) => r.leaf_hash))));
  const got = await source.leafHashes(3, 11);
  assert.deepEqual(got.map((r) => [r.seq, hex(r.leaf_hash)]), rows.map((r) => [r.seq, hex(r.leaf_hash)]));
  assert.equal((await source.leafHashDigest(100, 200)).count, 0);
});

test('peaks returns the stored subtrees tiling [0, size), or undefined when one is missing', async () => {
  const ref = new MerkleFrontier();
  const leaves = await l.store.db.selectFrom('ledger_entries').select('leaf_hash').orderBy('seq').limit(23).execute();
  for (const r of leaves) ref.append(r.leaf_hash);
  const peaks = await source.peaks(23);
  assert.deepEqual(peaks?.map(hex), ref.peaks().map((p) => hex(p.hash)));
  assert.equal(peaks?.length, rangeNodes(0, 23).length);
  assert.deepEqual(await source.peaks(0), []);
  const missing = await mutated(l.store, (trx) => sql`delete from ledger_nodes where level = 4 and idx = 0`.execute(trx), (trx) => new StoreLedgerSource(trx).peaks(23));
  assert.equal(missing, undefined);
});

test('a source over a transaction sees the transaction’s own changes; the rollback restores them', async () => {
  const seen = await mutated(
    l.store,
    (trx) => sql`delete from ledger_entries where seq in (4, 5)`.execute(trx),
    async (trx) => (await allEntries(new StoreLedgerSource(trx), 0, 3)).rows.map((r) => r.seq),
  );
  assert.deepEqual(seen, Array.from({ length: size }, (_, i) => i).filter((i) => i !== 4 && i !== 5));
  assert.equal((await allEntries(source, 0, 1000)).rows.length, size);
});
