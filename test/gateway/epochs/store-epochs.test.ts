import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/common/clock.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { activeEpoch } from '../../../src/engine/decisions/decision-store.ts';
import { EPOCHS_STREAM, StoreEpochs, advanceEpoch } from '../../../src/gateway/epochs/store-epochs.ts';
import { epochsDb } from '../../../src/gateway/epochs/tables.ts';
import { LedgerSequencer } from '../../../src/ledger/sequencer.ts';
import { openMeshStore, testKeyring, type MeshStore } from '../revocation/helpers.ts';

let m: MeshStore;
let ledger: LedgerSequencer;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
let epochs: StoreEpochs;

before(async () => {
  m = await openMeshStore();
  const keyring = await testKeyring(m.store, clock);
  ledger = new LedgerSequencer({ store: m.store, keyring, clock, origin: 'writ.test/ledger', maxBatchDelayMs: 0 });
  epochs = new StoreEpochs({ store: m.store });
});
after(async () => {
  await ledger.stop();
  await m.close();
});

const deps = () => ({ store: m.store, clock });

test('epoch 1 starts active; epochs that never existed are unknown', async () => {
  const now = clock.now();
  assert.deepEqual(await epochs.current(now), { value: 1, state: 'active', grace_window_seconds: 60 });
  assert.deepEqual(await epochs.statusOf(1, now), { value: 1, state: 'active', grace_window_seconds: 60, grace_remaining_ms: 60_000, deprecated_reason: null });
  for (const e of [0, 2, -1, 1.5]) {
    assert.equal((await epochs.statusOf(e, now)).state, 'unknown', String(e));
  }
});

test('advance: N+1 active, N draining for the grace window, then reads as deprecate (grace expired)', async () => {
  const t0 = clock.now();
  const adv = await advanceEpoch(deps(), 'admin');
  assert.deepEqual(adv, { epoch: 2, previous: 1, grace_seconds: 60, drain_until: new Date(t0.getTime() + 60_000), deprecated: [] });
  assert.equal(await activeEpoch(m.store.db), 2, 'new tokens carry the new epoch');
  assert.deepEqual(await epochs.current(clock.now()), { value: 2, state: 'active', grace_window_seconds: 60 });
  assert.deepEqual(await epochs.statusOf(1, clock.now()), { value: 1, state: 'drain', grace_window_seconds: 60, grace_remaining_ms: 60_000, deprecated_reason: null });
  clock.advance(59_999);
  assert.deepEqual(await epochs.statusOf(1, clock.now()), { value: 1, state: 'drain', grace_window_seconds: 60, grace_remaining_ms: 1, deprecated_reason: null });
  clock.advance(1);
  assert.deepEqual(await epochs.statusOf(1, clock.now()), { value: 1, state: 'deprecate', grace_window_seconds: 60, grace_remaining_ms: 0, deprecated_reason: 'EPOCH_GRACE_EXPIRED' });
  clock.advance(5000);
  assert.equal((await epochs.statusOf(1, clock.now())).grace_remaining_ms, -5000);
});

test('advance again: the previous draining epoch is deprecated (grace already over ⇒ GRACE_EXPIRED)', async () => {
  const adv = await advanceEpoch(deps(), 'admin');
  assert.deepEqual([adv.epoch, adv.previous, adv.deprecated], [3, 2, [1]]);
  const s1 = await epochs.statusOf(1, clock.now());
  assert.deepEqual([s1.state, s1.deprecated_reason], ['deprecate', 'EPOCH_GRACE_EXPIRED']);
  assert.equal((await epochs.statusOf(2, clock.now())).state, 'drain');
});

test('an epoch superseded while it still drains is deprecated outright (EPOCH_DEPRECATED)', async () => {
  clock.advance(10_000);
  const adv = await advanceEpoch(deps(), 'admin');
  assert.deepEqual([adv.epoch, adv.previous, adv.deprecated], [4, 3, [2]]);
  const s2 = await epochs.statusOf(2, clock.now());
  assert.equal(s2.state, 'deprecate');
  assert.equal(s2.deprecated_reason, 'EPOCH_DEPRECATED');
  assert.ok(s2.grace_remaining_ms <= 0);
  const list = await epochs.list(clock.now());
  assert.deepEqual(list.map((e) => [e.value, e.stored_state, e.state]), [
    [4, 'active', 'active'], [3, 'draining', 'drain'], [2, 'deprecated', 'deprecate'], [1, 'deprecated', 'deprecate'],
  ]);
});

test('a grace of 0 drains nothing; bad graces are refused; every advance is ledgered', async () => {
  const adv = await advanceEpoch(deps(), 'ops@example', { graceSeconds: 0 });
  assert.equal(adv.epoch, 5);
  const s4 = await epochs.statusOf(4, clock.now());
  assert.deepEqual([s4.state, s4.grace_remaining_ms, s4.grace_window_seconds], ['deprecate', 0, 0]);
  for (const g of [-1, 1.5, 86_401]) {
    await assert.rejects(advanceEpoch(deps(), 'admin', { graceSeconds: g }), (err) => isWritError(err, 'BAD_REQUEST'), String(g));
  }
  await assert.rejects(advanceEpoch(deps(), ' '), (err) => isWritError(err, 'BAD_REQUEST'));
  while ((await ledger.drainOnce()) > 0);
  const rows = await m.store.db.selectFrom('ledger_entries').select(['stream_id', 'entry_jcs']).where('entry_type', '=', 'epoch.advanced').orderBy('seq').execute();
  const payloads = rows.map((r) => JSON.parse(r.entry_jcs).payload);
  assert.ok(rows.every((r) => r.stream_id === EPOCHS_STREAM));
  assert.deepEqual(payloads.map((p) => [p.epoch, p.previous, p.deprecated]), [[2, 1, []], [3, 2, [1]], [4, 3, [2]], [5, 4, [3]]]);
  assert.deepEqual(payloads.at(-1), { epoch: 5, previous: 4, grace_seconds: 0, drain_until: clock.now().toISOString(), deprecated: [3], actor: 'ops@example' });
});

test('concurrent advances are serialised: distinct epochs, one active', async () => {
  const results = await Promise.all([advanceEpoch(deps(), 'a'), advanceEpoch(deps(), 'b'), advanceEpoch(deps(), 'c')]);
  assert.deepEqual(results.map((r) => r.epoch).sort(), [6, 7, 8]);
  const active = await epochsDb(m.store.db).selectFrom('enforcement_epochs').select('epoch').where('state', '=', 'active').execute();
  assert.deepEqual(active.map((r) => r.epoch), [8]);
  // The store itself refuses a second active epoch.
  await assert.rejects(epochsDb(m.store.db).insertInto('enforcement_epochs').values({ epoch: 99, state: 'active', changed_at: clock.now(), drain_until: null, grace_seconds: null }).execute());
  await assert.rejects(epochsDb(m.store.db).insertInto('enforcement_epochs').values({ epoch: 98, state: 'draining', changed_at: clock.now(), drain_until: null, grace_seconds: 60 }).execute());
});

test('a configured grace is the default of advances and the reported window', async () => {
  const e30 = new StoreEpochs({ store: m.store, graceSeconds: 30 });
  assert.equal((await e30.current(clock.now())).grace_window_seconds, 30);
  const adv = await advanceEpoch({ ...deps(), graceSeconds: e30.graceSeconds }, 'admin');
  const s = await e30.statusOf(adv.previous, clock.now());
  assert.deepEqual([s.state, s.grace_window_seconds, s.grace_remaining_ms], ['drain', 30, 30_000]);
});
