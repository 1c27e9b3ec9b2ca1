import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestLedger, type TestLedger } from '../harness/test-ledger.ts';
import { verifyCheckpoint } from '../../src/ledger/checkpoint.ts';
import { ledgerNoteVerifier } from '../../src/ledger/checkpoint-signing.ts';
import { verifyInclusion } from '../../src/ledger/merkle/verify-inclusion.ts';
import { leafHashOfJcs } from '../../src/ledger/entry.ts';
import { isWritError } from '../../src/errors/writ-error.ts';

let l: TestLedger;
before(async () => {
  l = await openTestLedger({ maxBatchDelayMs: 0, idlePollMs: 20 });
});
after(async () => {
  await l.close();
});

async function verifier() {
  const key = await l.keyring.active('ledger');
  return ledgerNoteVerifier(l.origin, key!.publicJwk);
}

test('drainOnce integrates enqueued entries in order with a signed checkpoint of the new size', async () => {
  await l.sequencer.enqueue([
    { stream_id: 'a', entry_type: 'system.note', payload: { message: 'one' } },
    { stream_id: 'b', entry_type: 'system.note', payload: { message: 'two' } },
    { stream_id: 'a', entry_type: 'system.note', payload: { message: 'three' } },
  ]);
  assert.equal(await l.sequencer.drainOnce(), 3);
  assert.equal(await l.sequencer.drainOnce(), 0);
  const rows = await l.store.db.selectFrom('ledger_entries').selectAll().orderBy('seq').execute();
  assert.deepEqual(rows.map((r) => r.seq), [0, 1, 2]);
  const entries = rows.map((r) => JSON.parse(r.entry_jcs));
  assert.deepEqual(entries.map((e) => e.payload.message), ['one', 'two', 'three']);
  // per-stream chain: the third entry (stream a) points at the first
  assert.equal(entries[0].stream_prev, null);
  assert.equal(entries[1].stream_prev, null);
  assert.equal(entries[2].stream_prev, `sha256:${Buffer.from(rows[0]!.leaf_hash).toString('hex')}`);
  const cp = await l.store.db.selectFrom('ledger_checkpoints').selectAll().orderBy('tree_size', 'desc').executeTakeFirstOrThrow();
  assert.equal(cp.tree_size, 3);
  const parsed = verifyCheckpoint(cp.note, await verifier(), l.origin);
  assert.equal(parsed.treeSize, 3n);
  assert.deepEqual(Buffer.from(parsed.rootHash), Buffer.from(cp.root_hash));
  const outbox = await l.store.db.selectFrom('ledger_outbox').selectAll().execute();
  assert.equal(outbox.length, 0);
});

test('append returns a write confirmation whose proof verifies against its checkpoint', async () => {
  await l.sequencer.start();
  const c = await l.sequencer.append({ stream_id: 'a', entry_type: 'system.note', payload: { message: 'four' } });
  assert.equal(c.seq, 3);
  const cp = verifyCheckpoint(c.checkpoint.note, await verifier(), l.origin);
  assert.equal(Number(cp.treeSize), c.checkpoint.tree_size);
  const row = await l.store.db.selectFrom('ledger_entries').select('entry_jcs').where('seq', '=', c.seq).executeTakeFirstOrThrow();
  const leaf = leafHashOfJcs(row.entry_jcs);
  assert.equal(c.leaf_hash, `sha256:${Buffer.from(leaf).toString('hex')}`);
  const proof = c.inclusion_proof.map((b) => new Uint8Array(Buffer.from(b, 'base64')));
  assert.ok(verifyInclusion(leaf, c.seq, c.checkpoint.tree_size, proof, cp.rootHash));
  assert.ok(!verifyInclusion(leaf, c.seq + 1 < c.checkpoint.tree_size ? c.seq + 1 : 0, c.checkpoint.tree_size, proof, cp.rootHash));
});

test('many concurrent appends are integrated exactly once, gap-free, and every proof verifies', async () => {
  const confirmations = await Promise.all(
    Array.from({ length: 200 }, (_, i) => l.sequencer.append({ stream_id: `s${i % 7}`, entry_type: 'system.note', payload: { message: `m${i}`, n: i } })),
  );
  const seqs = confirmations.map((c) => c.seq).sort((a, b) => a - b);
  assert.equal(new Set(seqs).size, 200);
  const all = await l.store.db.selectFrom('ledger_entries').select('seq').orderBy('seq').execute();
  assert.deepEqual(all.map((r) => r.seq), Array.from({ length: all.length }, (_, i) => i));
  const v = await verifier();
  for (const c of confirmations) {
    const cp = verifyCheckpoint(c.checkpoint.note, v, l.origin);
    const leaf = new Uint8Array(Buffer.from(c.leaf_hash.slice(7), 'hex'));
    assert.ok(verifyInclusion(leaf, c.seq, c.checkpoint.tree_size, c.inclusion_proof.map((b) => new Uint8Array(Buffer.from(b, 'base64'))), cp.rootHash));
  }
});

test('entries that are not allowlisted or look like secrets are refused before the outbox', async () => {
  await assert.rejects(l.sequencer.enqueue([{ stream_id: 'a', entry_type: 'system.note', payload: { message: 'x', extra: 1 } }]), (e) => isWritError(e, 'LEDGER_PAYLOAD_REJECTED') && /extra/.test(e.message));
  await assert.rejects(l.sequencer.enqueue([{ stream_id: 'a', entry_type: 'nope', payload: {} }]), (e) => isWritError(e, 'LEDGER_PAYLOAD_REJECTED'));
  await assert.rejects(
    l.sequencer.enqueue([{ stream_id: 'a', entry_type: 'system.note', payload: { message: '-----BEGIN PRIVATE KEY-----' } }]),
    (e) => isWritError(e, 'LEDGER_PAYLOAD_REJECTED') && /pem_block/.test(e.message) && !e.message.includes('BEGIN'),
  );
});

test('ledger tables refuse UPDATE, DELETE and TRUNCATE', async () => {
  for (const stmt of [
    sql`update ledger_entries set stream_id = 'x' where seq = 0`,
    sql`delete from ledger_entries where seq = 0`,
    sql`delete from ledger_nodes`,
    sql`update ledger_checkpoints set note = 'x'`,
    sql`truncate ledger_entries`,
    sql`truncate ledger_checkpoints`,
  ]) {
    await assert.rejects(stmt.execute(l.store.db), /append-only/);
  }
});

test('direct appends and outbox entries share batches, and stop() flushes what is queued', async () => {
  const ids = await l.sequencer.enqueue([{ stream_id: 'mix', entry_type: 'system.note', payload: { message: 'via outbox' } }]);
  const direct = Array.from({ length: 20 }, (_, i) => l.sequencer.append({ stream_id: 'mix', entry_type: 'system.note', payload: { message: `direct ${i}` } }));
  const viaOutbox = l.sequencer.waitFor(ids[0]!);
  await l.sequencer.stop();
  const all = await Promise.all([...direct, viaOutbox]);
  assert.equal(new Set(all.map((c) => c.seq)).size, 21);
  const rows = await l.store.db.selectFrom('ledger_entries').select(['entry_jcs', 'outbox_id']).where('stream_id', '=', 'mix').execute();
  assert.equal(rows.length, 21);
  assert.equal(rows.filter((r) => r.outbox_id !== null).length, 1, 'only the outbox entry carries an outbox id');
  await l.sequencer.start();
});

test('entry types registered by an outer module are accepted; a conflicting registration is refused', async () => {
  const { registerEntryTypes, entryTypes } = await import('../../src/ledger/entries/entry-types.ts');
  const { Type } = await import('typebox');
  const spec = { description: 'test', schema: Type.Object({ x: Type.Integer() }, { additionalProperties: false }) };
  await assert.rejects(l.sequencer.enqueue([{ stream_id: 'reg', entry_type: 'test.registered', payload: { x: 1 } }]), (e) => isWritError(e, 'LEDGER_PAYLOAD_REJECTED'));
  registerEntryTypes({ 'test.registered': spec });
  registerEntryTypes({ 'test.registered': spec }); // same spec again: a no-op
  assert.equal(entryTypes()['test.registered'], spec);
  const ids = await l.sequencer.enqueue([{ stream_id: 'reg', entry_type: 'test.registered', payload: { x: 1 } }]);
  assert.equal(ids.length, 1);
  await assert.rejects(l.sequencer.enqueue([{ stream_id: 'reg', entry_type: 'test.registered', payload: { x: 1, y: 2 } }]), (e) => isWritError(e, 'LEDGER_PAYLOAD_REJECTED'));
  assert.throws(() => registerEntryTypes({ 'test.registered': { ...spec } }), /already registered/);
});
