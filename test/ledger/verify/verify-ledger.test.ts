import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestLedger, type TestLedger } from '../../harness/test-ledger.ts';
import { encodeEntry, hashRef, leafHashOfJcs, type LedgerEntry } from '../../../src/ledger/entry.ts';
import { signCheckpointAsync } from '../../../src/ledger/checkpoint-signing.ts';
import type { NoteVerifier } from '../../../src/crypto/signed-note.ts';
import type { LedgerReadSource } from '../../../src/ledger/verify/ledger-source.ts';
import { StoreLedgerSource } from '../../../src/ledger/verify/store-ledger-source.ts';
import { formatVerifyOutcome, verifyLedger, type VerifyLedgerOptions, type VerifyReport } from '../../../src/ledger/verify/verify-ledger.ts';
import { buildLedger, ledgerVerifiers, mutated } from './helpers.ts';
import {
  attackerSigner,
  deleteAndRenumber,
  deleteRow,
  editPayloadByte,
  forkAt,
  insertAtEnd,
  insertMiddle,
  randomCheckpointSignature,
  resignCheckpointOtherKey,
  Rng,
  snapshot,
  swapRows,
  truncateAll,
  truncateEntries,
  type Mutation,
  type Snapshot,
} from './mutations.ts';
import { signCheckpoint } from '../../../src/ledger/checkpoint.ts';

// Batches → checkpoints at 3, 4, 9, 17, 19, 25, 29, 30, 37, 40.
const BATCHES = [3, 1, 5, 8, 2, 6, 4, 1, 7, 3];
let l: TestLedger;
let n: number;
let verifiers: NoteVerifier[];
let snap: Snapshot;
let trusted: string;

before(async () => {
  l = await openTestLedger({ maxBatchDelayMs: 0 });
  n = await buildLedger(l, BATCHES, 3);
  verifiers = await ledgerVerifiers(l);
  snap = await snapshot(l.store, l.origin);
  trusted = snap.checkpoints[snap.checkpoints.length - 1]!.note;
});
after(async () => {
  await l.close();
});

function options(extra: Partial<VerifyLedgerOptions> = {}): VerifyLedgerOptions {
  return { origin: l.origin, verifiers, ...extra };
}

async function verifyMutation(m: Mutation | ((trx: Parameters<Mutation['apply']>[0]) => Promise<unknown>), extra: Partial<VerifyLedgerOptions> = {}): Promise<VerifyReport> {
  const apply = typeof m === 'function' ? m : m.apply;
  return mutated(l.store, apply, (trx) => verifyLedger(new StoreLedgerSource(trx), options(extra)));
}

function assertFirst(report: VerifyReport, expect: { kinds: readonly string[]; seq?: number; tree_size?: number }, label = ''): void {
  const p = report.first_problem;
  assert.equal(report.ok, false, `${label}: expected a problem`);
  assert.ok(p, label);
  assert.ok(expect.kinds.includes(p.kind), `${label}: kind ${p.kind} not in ${expect.kinds.join('|')} (${p.message})`);
  if (expect.seq !== undefined) assert.equal(p.seq, expect.seq, `${label}: ${JSON.stringify(p)}`);
  if (expect.tree_size !== undefined) assert.equal(p.tree_size, expect.tree_size, `${label}: ${JSON.stringify(p)}`);
}

async function check(m: Mutation, extra: Partial<VerifyLedgerOptions> = {}): Promise<VerifyReport> {
  const r = await verifyMutation(m, extra);
  assertFirst(r, m.expect, m.name);
  return r;
}

test('an untouched ledger verifies: every entry, checkpoint and node, and the root of the latest checkpoint', async () => {
  const progress: Array<[number, number | undefined]> = [];
  const r = await verifyLedger(new StoreLedgerSource(l.store.db), options({ trustedCheckpoint: trusted, onProgress: (d, t) => progress.push([d, t]), pageSize: 16 }));
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.entries_checked, n);
  assert.equal(r.tree_size, n);
  assert.equal(r.checkpoints_checked, BATCHES.length);
  assert.equal(r.nodes_checked, snap.nodes.length);
  assert.equal(r.root_hash, Buffer.from(snap.checkpoints.at(-1)!.root_hash).toString('hex'));
  assert.deepEqual(r.trusted_checkpoint, { tree_size: n, root_hash: r.root_hash });
  assert.equal(r.first_problem, null);
  assert.deepEqual(progress, [[16, n], [32, n], [40, n]]);
  assert.equal(formatVerifyOutcome(r), `ledger verified: ${n} entries, ${BATCHES.length} checkpoints, tree size ${n}`);
});

test('edited: one payload byte changed, as valid JSON or not, is pinpointed at its seq and reported once', async () => {
  const rng = new Rng(7);
  for (const k of [0, 5, 16, 39]) {
    for (const valid of [true, false]) {
      const r = await check(editPayloadByte(snap, k, rng, valid));
      assert.equal(r.problem_count, 1, JSON.stringify(r.problems));
      if (!valid) assert.match(r.first_problem!.message, /not valid JSON/);
    }
  }
  const r = await check(editPayloadByte(snap, 12, rng, true), { pageSize: 5 });
  assert.equal(formatVerifyOutcome(r), 'ledger verification FAILED at seq 12: edited (leaf hash does not match entry)');
});

test('edited with its leaf hash rewritten: the first stored subtree over it, then its chain and checkpoint', async () => {
  const k = 10;
  const text = snap.entries[k]!.entry_jcs.replace('note number', 'note numbex');
  const r = await verifyMutation(async (trx) => {
    await trx.updateTable('ledger_entries').set({ entry_jcs: text, leaf_hash: leafHashOfJcs(text) }).where('seq', '=', k).execute();
  });
  assertFirst(r, { kinds: ['node_mismatch'], seq: 10 });
  assert.equal(r.first_problem!.level, 1);
  const kinds = r.problems.map((p) => `${p.kind}@${p.seq ?? p.tree_size}`);
  assert.ok(kinds.includes('checkpoint_root_mismatch@17'), kinds.join(' '));
  assert.match(r.problems.find((p) => p.kind === 'checkpoint_root_mismatch')!.message, /changed in seq 9\.\.16; checkpoint 9 matched/);
  assert.ok(kinds.includes('stream_chain_broken@13'), kinds.join(' ')); // next entry of stream-1
  // Without stored nodes (e.g. an HTTP source) the chain pinpoints the next entry of the stream.
  const bare = await mutated(
    l.store,
    (trx) => trx.updateTable('ledger_entries').set({ entry_jcs: text, leaf_hash: leafHashOfJcs(text) }).where('seq', '=', k).execute(),
    (trx) => verifyLedger(minimal(new StoreLedgerSource(trx)), options()),
  );
  assertFirst(bare, { kinds: ['stream_chain_broken'], seq: 13 });
});

test('missing: a deleted entry (with or without renumbering) is its seq; the last one leaves its checkpoint beyond the log', async () => {
  for (const k of [0, 7, 20]) await check(deleteRow(snap, k));
  await check(deleteRow(snap, n - 1));
  for (const k of [0, 3, 21, 38]) await check(deleteAndRenumber(snap, k));
  const gap = await verifyMutation((trx) => trx.deleteFrom('ledger_entries').where('seq', 'in', [8, 9, 10]).execute());
  assertFirst(gap, { kinds: ['missing'], seq: 8 });
  assert.match(gap.first_problem!.message, /8\.\.10/);
});

test('inserted: a forged entry at the end or in the middle (renumbering), and entries appended without a checkpoint', async () => {
  await check(insertAtEnd(snap));
  for (const k of [0, 1, 15, 16, 39]) await check(insertMiddle(snap, k));
  for (const k of [4, 8, 15]) await check(insertMiddle(snap, k), { pageSize: 4 }); // the renumbered row starts a page
  const r = await verifyMutation((trx) => trx.deleteFrom('ledger_checkpoints').where('tree_size', '>', 29).execute());
  assertFirst(r, { kinds: ['inserted'], seq: 29 });
  const none = await verifyMutation((trx) => trx.deleteFrom('ledger_checkpoints').execute());
  assertFirst(none, { kinds: ['inserted'], seq: 0 });
});

test('reordered: two swapped entries are reported at the first of them', async () => {
  for (const [k, m] of [[0, 1], [5, 6], [2, 30], [17, 39]] as const) {
    const r = await check(swapRows(snap, k, m));
    assert.equal(r.first_problem!.kind, 'reordered');
  }
});

test('stream_chain_broken: a stream_prev pointing elsewhere, with a consistent leaf hash', async () => {
  const k = 11;
  const e = JSON.parse(snap.entries[k]!.entry_jcs) as LedgerEntry;
  const { jcs, leafHash } = encodeEntry({ ...e, stream_prev: hashRef(snap.entries[0]!.leaf_hash) });
  const r = await verifyMutation((trx) => trx.updateTable('ledger_entries').set({ entry_jcs: jcs, leaf_hash: leafHash }).where('seq', '=', k).execute());
  assertFirst(r, { kinds: ['stream_chain_broken'], seq: k });
  const first = JSON.parse(snap.entries[1]!.entry_jcs) as LedgerEntry; // stream-1's first entry
  const forged = encodeEntry({ ...first, stream_prev: hashRef(snap.entries[0]!.leaf_hash) });
  const r2 = await verifyMutation((trx) => trx.updateTable('ledger_entries').set({ entry_jcs: forged.jcs, leaf_hash: forged.leafHash }).where('seq', '=', 1).execute());
  assertFirst(r2, { kinds: ['stream_chain_broken'], seq: 1 });
});

test('malformed_entry: extra or missing fields, non-canonical order, row columns that disagree, a non-object', async () => {
  const k = 6;
  const e = JSON.parse(snap.entries[k]!.entry_jcs) as Record<string, unknown>;
  const variants: Array<[string, string]> = [
    ['extra field', JSON.stringify({ ...e, extra: 1 })],
    ['missing field', JSON.stringify({ ...e, recorded_at: undefined })],
    ['key order', JSON.stringify({ seq: e.seq, ...e })],
    ['payload not an object', JSON.stringify({ ...e, payload: [1] })],
    ['not an object', '[1,2,3]'],
    ['not JSON', '{"seq":6,'],
  ];
  for (const [label, text] of variants) {
    const r = await verifyMutation((trx) => trx.updateTable('ledger_entries').set({ entry_jcs: text, leaf_hash: leafHashOfJcs(text) }).where('seq', '=', k).execute());
    assertFirst(r, { kinds: ['malformed_entry'], seq: k }, label);
  }
  const r = await verifyMutation((trx) => trx.updateTable('ledger_entries').set({ stream_id: 'other' }).where('seq', '=', k).execute());
  assertFirst(r, { kinds: ['malformed_entry'], seq: k });
  assert.match(r.first_problem!.message, /stream_id/);
});

test('node_mismatch: a changed, a missing and an extra stored subtree hash', async () => {
  const changed = await verifyMutation((trx) => sql`update ledger_nodes set hash = sha256(hash) where level = 2 and idx = 3`.execute(trx));
  assertFirst(changed, { kinds: ['node_mismatch'], seq: 12 });
  assert.deepEqual([changed.first_problem!.level, changed.first_problem!.index, changed.problem_count], [2, 3, 1]);
  const missing = await verifyMutation((trx) => trx.deleteFrom('ledger_nodes').where('level', '=', 3).where('idx', '=', 1).execute());
  assertFirst(missing, { kinds: ['node_mismatch'], seq: 8 });
  assert.match(missing.first_problem!.message, /missing/);
  const extra = await verifyMutation((trx) => trx.insertInto('ledger_nodes').values({ level: 1, idx: 20, hash: new Uint8Array(32) }).execute());
  assertFirst(extra, { kinds: ['node_mismatch'] });
  assert.match(extra.first_problem!.message, /beyond the log's end/);
  // Page boundaries inside a subtree: still exact.
  const paged = await verifyMutation((trx) => sql`update ledger_nodes set hash = sha256(hash) where level = 4 and idx = 1`.execute(trx), { pageSize: 3 });
  assertFirst(paged, { kinds: ['node_mismatch'], seq: 16 });
});

test('checkpoint_signature: another key’s valid signature, random bytes, an unknown origin', async () => {
  const attacker = attackerSigner(l.origin);
  for (const size of [3, 19, 40]) {
    await check(resignCheckpointOtherKey(snap, size, attacker));
    await check(randomCheckpointSignature(snap, size, true));
    await check(randomCheckpointSignature(snap, size, false));
  }
  const signer = await l.keyring.activeSigner('ledger');
  const key = await l.keyring.get(signer.kid);
  const cp = snap.checkpoints[3]!;
  const otherOrigin = await signCheckpointAsync(signer, key.publicJwk, 'writ.test/other', cp.tree_size, cp.root_hash);
  const r = await verifyMutation((trx) => trx.updateTable('ledger_checkpoints').set({ note: otherOrigin }).where('tree_size', '=', cp.tree_size).execute());
  assertFirst(r, { kinds: ['checkpoint_signature'], tree_size: cp.tree_size });
});

test('checkpoint_root_mismatch: validly signed but over another root, or for another size', async () => {
  const signer = await l.keyring.activeSigner('ledger');
  const key = await l.keyring.get(signer.kid);
  const wrongRoot = await signCheckpointAsync(signer, key.publicJwk, l.origin, 9, new Uint8Array(32).fill(7));
  const r = await verifyMutation((trx) => trx.updateTable('ledger_checkpoints').set({ note: wrongRoot }).where('tree_size', '=', 9).execute());
  assertFirst(r, { kinds: ['checkpoint_root_mismatch'], tree_size: 9 });
  const other = snap.checkpoints.find((c) => c.tree_size === 4)!.note;
  const r2 = await verifyMutation((trx) => trx.updateTable('ledger_checkpoints').set({ note: other }).where('tree_size', '=', 9).execute());
  assertFirst(r2, { kinds: ['checkpoint_root_mismatch'], tree_size: 9 });
  assert.match(r2.first_problem!.message, /signed for tree size 4/);
});

test('checkpoint_beyond_log: entries truncated (checkpoints kept), or everything truncated against a trusted checkpoint', async () => {
  for (const t of [0, 5, 17, 18, 39]) await check(truncateEntries(snap, t));
  for (const t of [17, 25, 30, 31]) {
    await check(truncateAll(snap, t, n), { trustedCheckpoint: trusted });
  }
  // Truncated at a checkpoint boundary, a log is consistent in itself: only the trusted checkpoint reveals it.
  const quiet = await verifyMutation(truncateAll(snap, 25, n).apply);
  assert.equal(quiet.ok, true, JSON.stringify(quiet.problems));
});

test('fork: history rewritten and re-signed; by an untrusted key at the first re-signed checkpoint, by the real key only against a trusted checkpoint', async () => {
  const attacker = attackerSigner(l.origin);
  const byAttacker = { kid: 'attacker', sign: (origin: string, size: number, root: Uint8Array) => signCheckpoint({ origin, treeSize: size, rootHash: root }, attacker) };
  for (const k of [0, 12, 36]) {
    const m = forkAt(snap, k, byAttacker, { kinds: ['checkpoint_signature'], tree_size: snap.checkpoints.find((c) => c.tree_size > k)!.tree_size });
    const r = await check(m, { trustedCheckpoint: trusted });
    assert.ok(r.problems.some((p) => p.kind === 'fork' && p.tree_size === n));
  }
  const signer = await l.keyring.activeSigner('ledger');
  const key = await l.keyring.get(signer.kid);
  const compromised = { kid: signer.kid, sign: (origin: string, size: number, root: Uint8Array) => signCheckpointAsync(signer, key.publicJwk, origin, size, root) };
  const m = forkAt(snap, 20, compromised, { kinds: ['fork'], tree_size: n });
  const r = await check(m, { trustedCheckpoint: trusted });
  assert.equal(r.problem_count, 1, JSON.stringify(r.problems));
  const unnoticed = await verifyMutation(m);
  assert.equal(unnoticed.ok, true);
  // An older trusted checkpoint is checked at its own size.
  const old = snap.checkpoints.find((c) => c.tree_size === 25)!.note;
  await check(forkAt(snap, 20, compromised, { kinds: ['fork'], tree_size: 25 }), { trustedCheckpoint: old });
});

test('a trusted checkpoint that does not verify is itself a problem', async () => {
  const attacker = attackerSigner(l.origin);
  const cp = snap.checkpoints.at(-1)!;
  const forged = signCheckpoint({ origin: l.origin, treeSize: cp.tree_size, rootHash: cp.root_hash }, attacker);
  const r = await verifyLedger(new StoreLedgerSource(l.store.db), options({ trustedCheckpoint: forged }));
  assertFirst(r, { kinds: ['checkpoint_signature'], tree_size: n });
  assert.match(r.first_problem!.message, /trusted checkpoint rejected/);
  assert.equal(r.trusted_checkpoint, null);
});

test('fromSeq seeds the tree from the latest signed checkpoint at or below it, after checking its stored peaks', async () => {
  const r = await verifyLedger(new StoreLedgerSource(l.store.db), options({ fromSeq: 27, trustedCheckpoint: trusted }));
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.deepEqual([r.started_at_seq, r.entries_checked, r.checkpoints_checked, r.tree_size], [25, 15, 5, 40]);
  assert.equal(r.root_hash, Buffer.from(snap.checkpoints.at(-1)!.root_hash).toString('hex'));
  // Problems after the start are found; before it they are out of scope.
  const rng = new Rng(3);
  const late = await verifyMutation(editPayloadByte(snap, 33, rng, true).apply, { fromSeq: 27 });
  assertFirst(late, { kinds: ['edited'], seq: 33 });
  const early = await verifyMutation(editPayloadByte(snap, 3, rng, true).apply, { fromSeq: 27 });
  assert.equal(early.ok, true);
  // Peaks that do not fold to the signed root: recompute from 0 instead.
  const badPeak = await verifyMutation((trx) => sql`update ledger_nodes set hash = sha256(hash) where level = 4 and idx = 0`.execute(trx), { fromSeq: 27 });
  assert.equal(badPeak.started_at_seq, 0);
  assertFirst(badPeak, { kinds: ['node_mismatch'], seq: 0 });
  // Never seeded past the trusted checkpoint.
  const older = snap.checkpoints.find((c) => c.tree_size === 17)!.note;
  const r2 = await verifyLedger(new StoreLedgerSource(l.store.db), options({ fromSeq: 35, trustedCheckpoint: older }));
  assert.deepEqual([r2.ok, r2.started_at_seq], [true, 17]);
});

/** The source as an HTTP client would offer it: entries (with leaf hashes) and checkpoints only. */
function minimal(s: StoreLedgerSource): LedgerReadSource {
  return { entries: (from, size) => s.entries(from, size), checkpoints: () => s.checkpoints() };
}

test('a source with only entries and checkpoints is verified as well (no node checks)', async () => {
  const ok = await verifyLedger(minimal(new StoreLedgerSource(l.store.db)), options({ pageSize: 7, trustedCheckpoint: trusted }));
  assert.deepEqual([ok.ok, ok.entries_checked, ok.checkpoints_checked, ok.nodes_checked], [true, n, BATCHES.length, 0]);
  const rng = new Rng(11);
  for (const m of [editPayloadByte(snap, 14, rng, true), insertMiddle(snap, 14), swapRows(snap, 3, 9), deleteRow(snap, 14), truncateEntries(snap, 22)]) {
    const r = await mutated(l.store, m.apply, (trx) => verifyLedger(minimal(new StoreLedgerSource(trx)), options({ pageSize: 7 })));
    assertFirst(r, m.expect, m.name);
  }
});

test('problems are capped in the list but all counted', async () => {
  const r = await verifyMutation((trx) => sql`update ledger_entries set entry_jcs = entry_jcs || ' '`.execute(trx), { maxProblems: 5 });
  assert.equal(r.problems.length, 5);
  assert.equal(r.problem_count, n);
  assert.deepEqual(r.problems.map((p) => p.seq), [0, 1, 2, 3, 4]);
});

test('an empty ledger verifies', async () => {
  const r = await verifyMutation(async (trx) => {
    await trx.deleteFrom('ledger_entries').execute();
    await trx.deleteFrom('ledger_checkpoints').execute();
    await trx.deleteFrom('ledger_nodes').execute();
  });
  assert.deepEqual([r.ok, r.tree_size, r.root_hash, r.entries_checked], [true, 0, null, 0]);
});
