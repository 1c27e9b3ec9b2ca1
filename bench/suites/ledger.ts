/**
 * Ledger figures, each against its physical floor measured in the same run:
 *
 * - `ledger.append_with_checkpoints` (entries/s): entries enqueued in outbox
 *   transactions of 1,000 while a running sequencer group-commits them (entries,
 *   subtree nodes, a signed checkpoint per batch); timed from the first enqueue
 *   until the last entry is integrated. Floor: the same ledger_entries rows
 *   (read back, so same columns and bytes) as multi-row INSERTs of the
 *   sequencer's batch size into a scratch table of identical shape.
 * - `ledger.verify` (entries/s): verifyLedger over a StoreLedgerSource on a log
 *   of 1,000,000 entries (quick: 50,000), every check included (leaf hashes,
 *   stream chains, tree, every stored subtree hash, checkpoint signatures and
 *   roots). Floor: raw SHA-256 of the same entry bytes, in memory.
 * - `ledger.inclusion_proof_generate` (µs, median over random leaves at the full
 *   size) vs one primary-key SELECT of a leaf_hash; `ledger.inclusion_proof_verify`
 *   (µs, median) vs log2(n) SHA-256 of 64 bytes. Latency ratios are floor / value.
 * - `ledger.append_on_1m_log` (quick: `_50k_log`, entries/s, no floor): the same
 *   sustained append run once the log holds the full size, to show whether the
 *   sequencer's per-batch cost grows with the log.
 *
 * Population: only the append figure goes through the outbox. The rest of the
 * log (up to 1,000,000 entries) is generated directly with the sequencer's own
 * encodeEntry + MerkleFrontier code and written with multi-row INSERTs (entries,
 * subtree nodes, one signed checkpoint at the end), which keeps the run short;
 * the result is the same log the sequencer would have written.
 *
 * PGlite runs on a data directory in a temp folder (as deployed), PostgreSQL on a
 * scratch database that is dropped afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { systemClock } from '../../src/common/clock.ts';
import { Keyring } from '../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../src/crypto/keyring/local-key-provider.ts';
import { ledgerNoteVerifier, signCheckpointAsync } from '../../src/ledger/checkpoint-signing.ts';
import { encodeEntry, hashRef } from '../../src/ledger/entry.ts';
import { inclusionProof } from '../../src/ledger/merkle/inclusion.ts';
import { verifyInclusion } from '../../src/ledger/merkle/verify-inclusion.ts';
import { LedgerSequencer } from '../../src/ledger/sequencer.ts';
import { StoreSubtreeReader, loadFrontier } from '../../src/ledger/store-subtree-reader.ts';
import { StoreLedgerSource } from '../../src/ledger/verify/store-ledger-source.ts';
import { verifyLedger } from '../../src/ledger/verify/verify-ledger.ts';
import { openPgliteStore, openPostgresStore } from '../../src/store/open-store.ts';
import type { Database } from '../../src/store/schema.ts';
import type { Store } from '../../src/store/store.ts';
import { scratchDatabase } from '../scratch-database.ts';
import { round, throughput, type BenchContext, type BenchResult, type BenchSuite } from '../result.ts';

const ORIGIN = 'writ.bench/ledger';
const STREAMS = 16;
const ENQUEUE_BATCH = 1000;
const SEQ_BATCH = 2000;
const POPULATE_BATCH = 2000;

/** A scratch store for a bench run, with a keyring; `close` drops it. */
export interface BenchStore {
  kind: 'pglite' | 'postgres';
  store: Store;
  keyring: Keyring;
  close(): Promise<void>;
}

/** Opens a scratch store: PGlite in a temp folder, or a new PostgreSQL database. */
export async function openBenchStore(kind: 'pglite' | 'postgres', ctx: BenchContext): Promise<BenchStore> {
  let store: Store;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'writ-bench-ledger-'));
    store = await openPgliteStore({ dataDir: join(dir, 'data') });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const db = await scratchDatabase(ctx, 'ledger');
    store = await openPostgresStore(db.url);
    cleanup = db.drop;
  }
  const keyring = new Keyring({ store, provider: new LocalKeyProvider(randomBytes(32)), clock: systemClock });
  await keyring.ensureActiveKey('ledger');
  return {
    kind,
    store,
    keyring,
    async close() {
      await store.close();
      await cleanup();
    },
  };
}

/** Runs one multi-row INSERT of `rows` (arrays of column values) through the store's driver. */
async function insertRows(db: Kysely<Database>, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const w = columns.length;
  const values = rows.map((_, r) => `(${columns.map((__, c) => `$${r * w + c + 1}`).join(',')})`).join(',');
  await db.executeQuery(CompiledQuery.raw(`insert into ${table} (${columns.join(',')}) values ${values}`, rows.flat()));
}

const ENTRY_COLUMNS = ['seq', 'stream_id', 'entry_type', 'entry_jcs', 'leaf_hash', 'outbox_id', 'recorded_at'] as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A small seeded PRNG (mulberry32), so runs pick the same leaves. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function countRows(db: Kysely<Database>, table: 'ledger_outbox' | 'ledger_entries'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
  return Number(r.c);
}

/**
 * Enqueues `total` entries (n from `firstN`) in outbox transactions of
 * ENQUEUE_BATCH while a started sequencer drains them; entries/s from the first
 * enqueue until the last entry is integrated.
 */
async function sustainedAppend(b: BenchStore, total: number, firstN: number): Promise<{ rate: number; ms: number }> {
  const { store } = b;
  const sequencer = new LedgerSequencer({ store, keyring: b.keyring, clock: systemClock, origin: ORIGIN, maxBatchEntries: SEQ_BATCH, maxBatchDelayMs: 1, idlePollMs: 5 });
  // Warm the signer outside the timed region.
  await b.keyring.activeSigner('ledger');
  const before = await countRows(store.db, 'ledger_entries');
  await sequencer.start();
  const start = performance.now();
  let lastId = 0;
  for (let k = 0; k < total / ENQUEUE_BATCH; k++) {
    const inputs = Array.from({ length: ENQUEUE_BATCH }, (_, j) => {
      const n = firstN + k * ENQUEUE_BATCH + j;
      return { stream_id: `s${n % STREAMS}`, entry_type: 'system.note', payload: { message: 'bench entry', n } };
    });
    const ids = await sequencer.enqueue(inputs);
    lastId = ids.at(-1)!;
  }
  // One sequential enqueuer: outbox ids commit in order and batches drain in id
  // order, so the last id integrated means every entry is.
  await sequencer.waitFor(lastId, { timeoutMs: 600_000 });
  const ms = performance.now() - start;
  await sequencer.stop();
  const entries = await countRows(store.db, 'ledger_entries');
  const outbox = await countRows(store.db, 'ledger_outbox');
  if (entries !== before + total || outbox !== 0) throw new Error(`ledger bench: ${entries - before} of ${total} entries integrated, ${outbox} left in the outbox`);
  return { rate: (total * 1000) / ms, ms };
}

/**
 * Direct appends on the leader (no outbox round trip): `total` appends with up to
 * WINDOW in flight; each resolves with its confirmation (checkpoint, no proof).
 */
async function sustainedDirectAppend(b: BenchStore, total: number, firstN: number): Promise<{ rate: number; ms: number }> {
  const WINDOW = 5000;
  const sequencer = new LedgerSequencer({ store: b.store, keyring: b.keyring, clock: systemClock, origin: ORIGIN, maxBatchEntries: SEQ_BATCH, maxBatchDelayMs: 1, idlePollMs: 5 });
  await b.keyring.activeSigner('ledger');
  await sequencer.start();
  while (!sequencer.isLeader) await new Promise((r) => setTimeout(r, 5));
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const n = firstN + next++;
      await sequencer.append({ stream_id: `s${n % STREAMS}`, entry_type: 'system.note', payload: { message: 'bench entry', n } }, { proof: false, timeoutMs: 600_000 });
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  const ms = performance.now() - start;
  await sequencer.stop();
  return { rate: (total * 1000) / ms, ms };
}

/** ledger.append_with_checkpoints (on an empty log) and its raw-INSERT floor. */
async function appendFigure(b: BenchStore, ctx: BenchContext): Promise<BenchResult[]> {
  const total = ctx.quick ? 10_000 : 100_000;
  const { store } = b;
  const { rate: outboxRate, ms: outboxMs } = await sustainedAppend(b, total, 0);
  ctx.log(`  ${b.kind}: via outbox ${total} entries in ${Math.round(outboxMs)} ms`);
  const { rate: value, ms: elapsed } = await sustainedDirectAppend(b, total, total);
  const cps = await store.db.selectFrom('ledger_checkpoints').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
  ctx.log(`  ${b.kind}: appended ${total} entries in ${Math.round(elapsed)} ms, ${Number(cps.c)} checkpoints`);

  // Floor: the same rows, same batch size, into a table of identical shape (no triggers).
  const rows: unknown[][] = [];
  for (let from = 0; from < total; from += 10_000) {
    const page = await store.db.selectFrom('ledger_entries').select([...ENTRY_COLUMNS]).where('seq', '>=', from).where('seq', '<', from + 10_000).orderBy('seq').execute();
    for (const r of page) rows.push([r.seq, r.stream_id, r.entry_type, r.entry_jcs, r.leaf_hash, r.outbox_id, r.recorded_at]);
  }
  await sql`create table bench_ledger_entries_floor (like ledger_entries including all)`.execute(store.db);
  const floorStart = performance.now();
  for (let i = 0; i < rows.length; i += SEQ_BATCH) await insertRows(store.db, 'bench_ledger_entries_floor', ENTRY_COLUMNS, rows.slice(i, i + SEQ_BATCH));
  const floor = (total * 1000) / (performance.now() - floorStart);
  await sql`drop table bench_ledger_entries_floor`.execute(store.db);
  return [
    throughput('ledger.append_with_checkpoints', b.kind, value, 'entries/s', `raw multi-row INSERT, ${SEQ_BATCH}-row batches`, floor),
    throughput('ledger.append_via_outbox', b.kind, outboxRate, 'entries/s', `raw multi-row INSERT, ${SEQ_BATCH}-row batches`, floor),
  ];
}

/**
 * Extends the log to `target` entries directly (no outbox): the sequencer's
 * encodeEntry and frontier, multi-row INSERTs, one signed checkpoint at the end.
 */
async function populate(b: BenchStore, target: number, ctx: BenchContext): Promise<void> {
  const { db } = b.store;
  const sizeRow = await sql<{ size: number }>`select coalesce(max(seq) + 1, 0)::bigint as size from ledger_entries`.execute(db);
  const from = Number(sizeRow.rows[0]?.size ?? 0);
  if (from >= target) return;
  const frontier = await loadFrontier(db, from);
  const heads = new Map<string, string>();
  const headRows = await sql<{ stream_id: string; leaf_hash: Uint8Array }>`
    select distinct on (stream_id) stream_id, leaf_hash from ledger_entries order by stream_id, seq desc`.execute(db);
  for (const h of headRows.rows) heads.set(h.stream_id, hashRef(new Uint8Array(h.leaf_hash)));
  const recordedAt = new Date();
  const iso = recordedAt.toISOString();
  const t0 = performance.now();
  for (let base = from; base < target; base += POPULATE_BATCH) {
    const entryRows: unknown[][] = [];
    const nodeRows: unknown[][] = [];
    for (let seq = base; seq < Math.min(target, base + POPULATE_BATCH); seq++) {
      const stream = `s${seq % STREAMS}`;
      const { jcs, leafHash } = encodeEntry({ seq, stream_id: stream, entry_type: 'system.note', payload: { message: 'bench entry', n: seq }, stream_prev: heads.get(stream) ?? null, recorded_at: iso });
      heads.set(stream, hashRef(leafHash));
      for (const n of frontier.append(leafHash)) if (n.level > 0) nodeRows.push([n.level, n.index, n.hash]);
      entryRows.push([seq, stream, 'system.note', jcs, leafHash, null, iso]);
    }
    await b.store.transaction(async (trx) => {
      await insertRows(trx, 'ledger_entries', ENTRY_COLUMNS, entryRows);
      for (let i = 0; i < nodeRows.length; i += POPULATE_BATCH) await insertRows(trx, 'ledger_nodes', ['level', 'idx', 'hash'], nodeRows.slice(i, i + POPULATE_BATCH));
    });
  }
  const signer = await b.keyring.activeSigner('ledger');
  const key = await b.keyring.get(signer.kid);
  const root = frontier.root();
  const note = await signCheckpointAsync(signer, key.publicJwk, ORIGIN, frontier.size, root);
  await db.insertInto('ledger_checkpoints').values({ tree_size: frontier.size, root_hash: root, note, kid: signer.kid, created_at: recordedAt }).execute();
  if (b.kind === 'postgres') await sql`analyze`.execute(db);
  ctx.log(`  ${b.kind}: populated ${from}..${target} directly in ${Math.round(performance.now() - t0)} ms`);
}

/** ledger.verify (verifyLedger over a StoreLedgerSource) and the raw SHA-256 floor. */
async function verifyFigure(b: BenchStore, size: number, ctx: BenchContext): Promise<BenchResult> {
  const { db } = b.store;
  const key = await b.keyring.active('ledger');
  const verifiers = [ledgerNoteVerifier(ORIGIN, key!.publicJwk)];
  const start = performance.now();
  const report = await verifyLedger(new StoreLedgerSource(db), { origin: ORIGIN, verifiers });
  const elapsed = performance.now() - start;
  if (!report.ok || report.entries_checked !== size) {
    throw new Error(`ledger bench: verifyLedger: ok=${report.ok} entries=${report.entries_checked} ${JSON.stringify(report.first_problem)}`);
  }
  // Outside the timed region: the same bytes, in memory, for the floor.
  const bytes: Buffer[] = [];
  for (let from = 0; from < size; from += 20_000) {
    const page = await db.selectFrom('ledger_entries').select('entry_jcs').where('seq', '>=', from).orderBy('seq').limit(20_000).execute();
    for (const row of page) bytes.push(Buffer.from(row.entry_jcs));
  }
  if (bytes.length !== size) throw new Error(`ledger bench: read ${bytes.length} entries, expected ${size}`);
  const floorStart = performance.now();
  for (const buf of bytes) createHash('sha256').update(buf).digest();
  const floorElapsed = performance.now() - floorStart;
  ctx.log(`  ${b.kind}: verifyLedger of ${size} entries in ${Math.round(elapsed)} ms (${report.checkpoints_checked} checkpoints, ${report.nodes_checked} nodes; floor ${Math.round(floorElapsed)} ms)`);
  return throughput('ledger.verify', b.kind, (size * 1000) / elapsed, 'entries/s', 'raw SHA-256 of the same bytes in memory', (size * 1000) / floorElapsed);
}

interface Proofs {
  size: number;
  root: Uint8Array;
  items: Array<{ index: number; leaf: Uint8Array; proof: Uint8Array[] }>;
}

/** ledger.inclusion_proof_generate vs a primary-key SELECT of one leaf_hash. */
async function proofGenerateFigure(b: BenchStore, size: number, ctx: BenchContext): Promise<{ result: BenchResult; proofs: Proofs }> {
  const { db } = b.store;
  const count = ctx.quick ? 200 : 1000;
  const rand = prng(0x1eaf);
  const leaves = Array.from({ length: count }, () => Math.floor(rand() * size));
  const reader = new StoreSubtreeReader(db);
  const pk = (i: number) => db.executeQuery<{ leaf_hash: Uint8Array }>(CompiledQuery.raw('select leaf_hash from ledger_entries where seq = $1', [i]));
  // Warm-up: plans, caches, connections.
  for (let i = 0; i < 50; i++) {
    await inclusionProof(reader, leaves[i % count]!, size);
    await pk(leaves[i % count]!);
  }
  const floorTimes: number[] = [];
  for (const i of leaves) {
    const t = performance.now();
    await pk(i);
    floorTimes.push(performance.now() - t);
  }
  const times: number[] = [];
  const proofs: Proofs['items'] = [];
  for (const i of leaves) {
    const t = performance.now();
    const proof = await inclusionProof(reader, i, size);
    times.push(performance.now() - t);
    proofs.push({ index: i, leaf: new Uint8Array(0), proof });
  }
  const leafRows = await db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).where('seq', 'in', leaves).execute();
  const bySeq = new Map(leafRows.map((r) => [r.seq, new Uint8Array(r.leaf_hash)]));
  for (const p of proofs) p.leaf = bySeq.get(p.index)!;
  const cp = await db.selectFrom('ledger_checkpoints').select('root_hash').where('tree_size', '=', size).executeTakeFirstOrThrow();
  const value = median(times) * 1000;
  const floor = median(floorTimes) * 1000;
  ctx.log(`  ${b.kind}: ${count} inclusion proofs at size ${size}: median ${round(value)} µs`);
  return {
    result: { name: 'ledger.inclusion_proof_generate', store: b.kind, value: round(value), unit: 'µs', floor_name: 'primary-key SELECT of one leaf_hash', floor_value: round(floor), ratio: round(floor / value, 3) },
    proofs: { size, root: new Uint8Array(cp.root_hash), items: proofs },
  };
}

/** ledger.inclusion_proof_verify vs log2(n) SHA-256 of 64 bytes (pure CPU: store 'none'). */
function proofVerifyFigure(p: Proofs, ctx: BenchContext): BenchResult {
  const REPS = 20;
  for (const it of p.items) if (!verifyInclusion(it.leaf, it.index, p.size, it.proof, p.root)) throw new Error(`ledger bench: proof of ${it.index} does not verify`);
  const times: number[] = [];
  for (const it of p.items) {
    const t = performance.now();
    for (let r = 0; r < REPS; r++) verifyInclusion(it.leaf, it.index, p.size, it.proof, p.root);
    times.push((performance.now() - t) / REPS);
  }
  const depth = Math.ceil(Math.log2(p.size));
  const block = randomBytes(64);
  const floorTimes: number[] = [];
  for (let k = 0; k < p.items.length; k++) {
    const t = performance.now();
    for (let r = 0; r < REPS; r++) for (let d = 0; d < depth; d++) createHash('sha256').update(block).digest();
    floorTimes.push((performance.now() - t) / REPS);
  }
  const value = median(times) * 1000;
  const floor = median(floorTimes) * 1000;
  ctx.log(`  inclusion proof verification at size ${p.size}: median ${round(value, 2)} µs`);
  return { name: 'ledger.inclusion_proof_verify', store: 'none', value: round(value, 2), unit: 'µs', floor_name: `${depth} × SHA-256 of 64 bytes`, floor_value: round(floor, 2), ratio: round(floor / value, 3) };
}

export const ledgerSuite: BenchSuite = {
  name: 'ledger',
  async run(ctx) {
    const out: BenchResult[] = [];
    const size = ctx.quick ? 50_000 : 1_000_000;
    let proofs: Proofs | undefined;
    for (const kind of ctx.stores) {
      const b = await openBenchStore(kind, ctx);
      try {
        out.push(...(await appendFigure(b, ctx)));
        await populate(b, size, ctx);
        out.push(await verifyFigure(b, size, ctx));
        const g = await proofGenerateFigure(b, size, ctx);
        out.push(g.result);
        proofs ??= g.proofs;
        // Diagnostic: the same sustained append once the log is large (the
        // sequencer's per-batch work must not grow with the log).
        const extra = ctx.quick ? 4_000 : 10_000;
        const late = await sustainedAppend(b, extra, size);
        ctx.log(`  ${kind}: sustained append of ${extra} entries on a log of ${size}: ${Math.round(late.rate)} entries/s`);
        out.push({ name: `ledger.append_on_${size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`}_log`, store: kind, value: round(late.rate), unit: 'entries/s' });
      } finally {
        await b.close();
      }
    }
    if (proofs) out.push(proofVerifyFigure(proofs, ctx));
    return out;
  },
};
