import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/common/clock.ts';
import type { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { LedgerSequencer } from '../../../src/ledger/sequencer.ts';
import {
  REVOCATIONS_STREAM, addRevocation, assertRevocationValue, countRevocations, listRevocations, readRevocationSnapshot,
} from '../../../src/gateway/revocation/revocation-store.ts';
import { revocationsDb } from '../../../src/gateway/revocation/tables.ts';
import { newJti, openMeshStore, testKeyring, type MeshStore } from './helpers.ts';

let m: MeshStore;
let keyring: Keyring;
let ledger: LedgerSequencer;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));

before(async () => {
  m = await openMeshStore();
  keyring = await testKeyring(m.store, clock);
  ledger = new LedgerSequencer({ store: m.store, keyring, clock, origin: 'writ.test/ledger', maxBatchDelayMs: 0, idlePollMs: 20 });
});
after(async () => {
  await ledger.stop();
  await m.close();
});

/** Ledger entries of a type, once the outbox is drained. */
async function entries(type: string) {
  while ((await ledger.drainOnce()) > 0);
  const rows = await m.store.db.selectFrom('ledger_entries').select(['stream_id', 'entry_jcs']).where('entry_type', '=', type).orderBy('seq').execute();
  return rows.map((r) => ({ stream: r.stream_id, payload: JSON.parse(r.entry_jcs).payload as Record<string, unknown> }));
}

test('addRevocation writes the row and its ledger entry together; a repeat changes nothing', async () => {
  const jti = newJti();
  const ctx = { store: m.store, clock, actor: 'admin' };
  const first = await addRevocation(ctx, { kind: 'jti', value: jti, reason: '  token leaked in a CI log ' });
  assert.equal(first.created, true);
  assert.deepEqual({ ...first.revocation, id: 0 }, { id: 0, kind: 'jti', value: jti, reason: 'token leaked in a CI log', actor: 'admin', created_at: clock.now() });
  const again = await addRevocation(ctx, { kind: 'jti', value: jti, reason: 'again' });
  assert.equal(again.created, false);
  assert.equal(again.revocation.id, first.revocation.id);
  assert.equal(again.revocation.reason, 'token leaked in a CI log');
  const ledgered = (await entries('revocation.added')).filter((e) => e.payload.value === jti);
  assert.deepEqual(ledgered, [{
    stream: REVOCATIONS_STREAM,
    payload: { revocation_id: first.revocation.id, kind: 'jti', value: jti, reason: 'token leaked in a CI log', actor: 'admin' },
  }]);
});

test('values are checked per kind; a refused revocation leaves nothing behind', async () => {
  const before = await countRevocations(m.store.db);
  const bad: Array<[Parameters<typeof assertRevocationValue>[0], string]> = [
    ['jti', 'has space'], ['jti', 'a'.repeat(257)], ['kid', 'kid/with/slash'], ['kid', ''], ['agent', 'line\nbreak'], ['agent', ' padded'],
  ];
  for (const [kind, value] of bad) {
    await assert.rejects(addRevocation({ store: m.store, clock, actor: 'admin' }, { kind, value, reason: 'r' }), (err) => isWritError(err, 'BAD_REQUEST'), `${kind} ${JSON.stringify(value)}`);
  }
  await assert.rejects(addRevocation({ store: m.store, clock, actor: 'admin' }, { kind: 'nope' as 'jti', value: 'x', reason: 'r' }), (err) => isWritError(err, 'BAD_REQUEST'));
  await assert.rejects(addRevocation({ store: m.store, clock, actor: 'admin' }, { kind: 'jti', value: 'x', reason: '   ' }), (err) => isWritError(err, 'BAD_REQUEST'));
  // A value that looks like a credential is refused by the ledger, and the row rolls back with it.
  await assert.rejects(
    addRevocation({ store: m.store, clock, actor: 'admin' }, { kind: 'agent', value: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB', reason: 'r' }),
    (err) => isWritError(err, 'LEDGER_PAYLOAD_REJECTED'),
  );
  assert.deepEqual(await countRevocations(m.store.db), before);
  // Agents: agent ids and SPIFFE IDs.
  assertRevocationValue('agent', 'spiffe://prod.example/ns/ci/sa/deployer');
  assertRevocationValue('agent', 'release-bot 7');
});

test('revocation rows are never changed or deleted', async () => {
  const { revocation } = await addRevocation({ store: m.store, clock, actor: 'admin' }, { kind: 'agent', value: 'agent-immutable', reason: 'r' });
  const db = revocationsDb(m.store.db);
  await assert.rejects(db.updateTable('revocations').set({ reason: 'edited' }).where('id', '=', revocation.id).execute(), /never changed or deleted/);
  await assert.rejects(db.deleteFrom('revocations').where('id', '=', revocation.id).execute(), /never changed or deleted/);
});

test('revoking a kid the keyring holds revokes the key too; keyring revocations are listed and counted', async () => {
  const { created: k } = await keyring.rotate({ purpose: 'token' });
  const res = await addRevocation({ store: m.store, clock, actor: 'admin', keyring }, { kind: 'kid', value: k.kid, reason: 'key exposed' });
  assert.equal(res.created, true);
  assert.equal(res.keyRevoked, true);
  assert.equal((await keyring.get(k.kid)).status, 'revoked');
  // Again: nothing new, the key is already revoked.
  const again = await addRevocation({ store: m.store, clock, actor: 'admin', keyring }, { kind: 'kid', value: k.kid, reason: 'again' });
  assert.deepEqual([again.created, again.keyRevoked], [false, false]);
  // A kid the keyring does not hold (another issuer's) is still revoked.
  const foreign = await addRevocation({ store: m.store, clock, actor: 'admin', keyring }, { kind: 'kid', value: 'foreign-kid-1', reason: 'r' });
  assert.deepEqual([foreign.created, foreign.keyRevoked], [true, false]);
  // Revoked in the keyring only (writ keys revoke): listed with source keyring, counted, in the snapshot.
  const { created: k2 } = await keyring.rotate({ purpose: 'token' });
  await keyring.revoke(k2.kid, 'rotated out after exposure', 'admin');
  const list = await listRevocations(m.store.db, { kind: 'kid' });
  assert.ok(list.revocations.some((r) => r.value === k.kid));
  assert.ok(list.keyring.some((x) => x.kid === k2.kid && x.reason === 'rotated out after exposure'));
  assert.ok(list.keyring.some((x) => x.kid === k.kid), 'the key revoked through Writ is revoked in the keyring too');
  assert.deepEqual((await listRevocations(m.store.db, { kind: 'jti' })).keyring, []);
  const snap = await readRevocationSnapshot(m.store.db);
  assert.ok(snap.keyringKids.includes(k2.kid));
  const counts = await countRevocations(m.store.db);
  assert.equal(counts.rows, snap.rows.length);
  assert.equal(counts.keyringKids, snap.keyringKids.length);
  const ledgered = await entries('key.revoked');
  assert.ok(ledgered.some((e) => e.payload.kid === k.kid && e.payload.actor === 'admin'));
});

test('listRevocations pages by id', async () => {
  const all = (await listRevocations(m.store.db)).revocations;
  assert.ok(all.length >= 3);
  const page = await listRevocations(m.store.db, { afterId: all[0]!.id, limit: 1 });
  assert.deepEqual(page.revocations.map((r) => r.id), [all[1]!.id]);
  assert.deepEqual(all.map((r) => r.id), [...all.map((r) => r.id)].sort((a, b) => a - b));
});

