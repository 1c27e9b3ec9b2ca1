import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { verifyCheckpoint } from '../../src/ledger/checkpoint.ts';
import { parseVerifierKey } from '../../src/crypto/signed-note.ts';
import { verifyInclusion } from '../../src/ledger/merkle/verify-inclusion.ts';
import { verifyConsistency } from '../../src/ledger/merkle/verify-consistency.ts';
import { leafHashOfJcs } from '../../src/ledger/entry.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const auth = () => ({ authorization: `Bearer ${s.adminToken}` });
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

async function pinnedVerifier() {
  const keys = (await s.app.inject({ method: 'GET', url: '/v1/ledger/keys' })).json();
  assert.equal(keys.origin, 'writ.test/ledger');
  assert.equal(keys.verifier_keys.length, 1);
  return { origin: keys.origin as string, verifier: parseVerifierKey(keys.verifier_keys[0].verifier_key) };
}

test('the latest checkpoint is public and verifies with the published verifier key', async () => {
  await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'first' } });
  const res = await s.app.inject({ method: 'GET', url: '/v1/ledger/checkpoint' });
  assert.equal(res.statusCode, 200);
  const { origin, verifier } = await pinnedVerifier();
  const cp = verifyCheckpoint(res.json().note, verifier, origin);
  assert.equal(Number(cp.treeSize), res.json().tree_size);
  const bySize = await s.app.inject({ method: 'GET', url: `/v1/ledger/checkpoints/${res.json().tree_size}` });
  assert.equal(bySize.json().note, res.json().note);
  assert.equal((await s.app.inject({ method: 'GET', url: '/v1/ledger/checkpoints/999999' })).statusCode, 404);
});

test('an entry with ?proof=true comes with the checkpoint of the same size, and the proof verifies', async () => {
  const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'second' } });
  await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'third' } });
  const res = await s.app.inject({ method: 'GET', url: `/v1/ledger/entries/${c.seq}?proof=true`, headers: auth() });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.proof.tree_size, body.checkpoint.tree_size);
  const { origin, verifier } = await pinnedVerifier();
  const cp = verifyCheckpoint(body.checkpoint.note, verifier, origin);
  const leaf = leafHashOfJcs(body.entry.entry_jcs);
  assert.equal(body.entry.leaf_hash, `sha256:${Buffer.from(leaf).toString('hex')}`);
  assert.ok(verifyInclusion(leaf, body.proof.leaf_index, body.proof.tree_size, body.proof.hashes.map(bytes), cp.rootHash));
  assert.equal(JSON.parse(body.entry.entry_jcs).payload.message, 'second');
});

test('a consistency proof between two checkpoints verifies and is served with both', async () => {
  const first = (await s.app.inject({ method: 'GET', url: '/v1/ledger/checkpoints?limit=1' })).json().checkpoints[0];
  for (let i = 0; i < 5; i++) await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: `more ${i}` } });
  const res = await s.app.inject({ method: 'GET', url: `/v1/ledger/consistency?from_size=${first.tree_size}` });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  const { origin, verifier } = await pinnedVerifier();
  const a = verifyCheckpoint(body.from.note, verifier, origin);
  const b = verifyCheckpoint(body.to.note, verifier, origin);
  assert.ok(b.treeSize > a.treeSize);
  assert.ok(verifyConsistency(a.treeSize, b.treeSize, body.hashes.map(bytes), a.rootHash, b.rootHash));
  assert.equal((await s.app.inject({ method: 'GET', url: '/v1/ledger/consistency?from_size=999999' })).statusCode, 404);
});

test('raw entries need the admin credential, and every read is itself ledgered', async () => {
  assert.equal((await s.app.inject({ method: 'GET', url: '/v1/ledger/entries' })).statusCode, 401);
  assert.equal((await s.app.inject({ method: 'GET', url: '/v1/ledger/entries/0' })).statusCode, 401);
  const res = await s.app.inject({ method: 'GET', url: '/v1/ledger/entries?from=0&limit=2', headers: auth() });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().entries.length, 2);
  assert.equal(res.json().next_from, 2);
  // the read shows up as a ledger.payload_read entry once integrated
  const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'barrier' } });
  const all = await s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs']).where('seq', '<=', c.seq).execute();
  const reads = all.filter((e) => e.entry_type === 'ledger.payload_read').map((e) => JSON.parse(e.entry_jcs).payload);
  assert.ok(reads.some((p) => p.from_seq === 0 && p.count === 2 && p.actor === 'admin'));
});

test('key rotation and revocation are ledgered in the same transaction', async () => {
  const rot = await s.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: auth(), payload: {} });
  const { created, retired } = rot.json();
  await s.app.inject({ method: 'POST', url: `/v1/keys/${retired.kid}/revoke`, headers: auth(), payload: { reason: 'rotation drill' } });
  const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'barrier 2' } });
  const rows = await s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs', 'stream_id']).where('stream_id', '=', 'system.keyring').where('seq', '<=', c.seq).execute();
  const payloads = rows.map((r) => ({ type: r.entry_type, ...JSON.parse(r.entry_jcs).payload }));
  assert.ok(payloads.some((p) => p.type === 'key.rotated' && p.kid === created.kid && p.retired_kid === retired.kid && p.actor === 'admin'));
  assert.ok(payloads.some((p) => p.type === 'key.revoked' && p.kid === retired.kid && p.reason === 'rotation drill'));
});

test('a revocation whose reason looks like a secret is refused and changes nothing', async () => {
  const active = await s.keyring.active('token');
  const res = await s.app.inject({ method: 'POST', url: `/v1/keys/${active!.kid}/revoke`, headers: auth(), payload: { reason: 'leaked eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' } });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'LEDGER_PAYLOAD_REJECTED');
  assert.equal((await s.keyring.get(active!.kid)).status, 'active', 'rolled back with the audit entry');
});
