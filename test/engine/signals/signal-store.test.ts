import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { ManualClock } from '../../../src/common/clock.ts';
import { SequentialIdSource } from '../../../src/common/ids.ts';
import {
  clearHold, currentSignals, grantOverride, openIncident, readSignalState, resolveIncident, setHold, SIGNALS_STREAM, type SignalContext,
} from '../../../src/engine/signals/signal-store.ts';
import { signalsDb } from '../../../src/engine/signals/tables.ts';
import { migrateToLatest } from '../../../src/store/migrate.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { signalsMigration } from '../../../src/store/migrations/004-signals.ts';
import type { Store } from '../../../src/store/store.ts';
import { openTestStore } from '../../harness/test-store.ts';

let store: Store;
let clock: ManualClock;
let ctx: SignalContext;

before(async () => {
  store = await openTestStore();
  await migrateToLatest(store.db as unknown as Kysely<unknown>, [...MIGRATIONS, signalsMigration]);
  clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  ctx = { store, clock, ids: new SequentialIdSource() };
});
after(async () => {
  await store.close();
});

const outbox = () => store.db.selectFrom('ledger_outbox').select(['stream_id', 'entry_type', 'payload']).orderBy('id').execute();
const payloadOf = (p: unknown) => (typeof p === 'string' ? JSON.parse(p) : p) as Record<string, unknown>;

test('set and clear a hold: one ledger entry each; clearing again changes nothing', async () => {
  const before = (await outbox()).length;
  const hold = await setHold(ctx, { target: 'payments/prod', reason: 'release freeze', author: 'alice' });
  assert.equal((await currentSignals(store.db, clock.now())).phase_holds.some((h) => h.id === hold.id), true);
  clock.advance(1000);
  const first = await clearHold(ctx, hold.id, { author: 'bob', reason: 'freeze over' });
  assert.equal(first.changed, true);
  assert.equal(first.hold.cleared_at?.toISOString(), '2026-06-01T00:00:01.000Z');
  clock.advance(1000);
  const again = await clearHold(ctx, hold.id, { author: 'carol' });
  assert.equal(again.changed, false);
  assert.equal(again.hold.cleared_by, 'bob');
  assert.equal(again.hold.cleared_at?.toISOString(), '2026-06-01T00:00:01.000Z');
  const entries = (await outbox()).slice(before);
  assert.deepEqual(entries.map((e) => e.entry_type), ['signal.hold_set', 'signal.hold_cleared']);
  assert.ok(entries.every((e) => e.stream_id === SIGNALS_STREAM));
  assert.deepEqual(payloadOf(entries[1]?.payload), { hold_id: hold.id, author: 'bob', reason: 'freeze over', actor: 'admin' });
  assert.equal((await currentSignals(store.db, clock.now())).phase_holds.some((h) => h.id === hold.id), false);
  await assert.rejects(clearHold(ctx, 'hold_nope', { author: 'a' }), { code: 'NOT_FOUND' });
});

test('resolve an incident is idempotent; open incidents are signals, resolved ones are not', async () => {
  const inc = await openIncident(ctx, { targets: ['payments/prod', 'payments/prod'], environments: ['prod'], reason: 'db outage', author: 'bob' });
  assert.deepEqual(inc.scope, { targets: ['payments/prod'], environments: ['prod'] });
  let s = await currentSignals(store.db, clock.now());
  assert.deepEqual(s.active_incidents.find((i) => i.id === inc.id), { id: inc.id, targets: ['payments/prod'], environments: ['prod'] });
  assert.equal((await resolveIncident(ctx, inc.id, { author: 'bob' })).changed, true);
  assert.equal((await resolveIncident(ctx, inc.id, { author: 'eve' })).changed, false);
  s = await currentSignals(store.db, clock.now());
  assert.equal(s.active_incidents.some((i) => i.id === inc.id), false);
  await assert.rejects(resolveIncident(ctx, 'inc_nope', { author: 'a' }), { code: 'NOT_FOUND' });
});

test('an override expires by the injected clock and leaves currentSignals', async () => {
  const o = await grantOverride(ctx, { targets: ['payments/prod'], ttl_seconds: 3600, reason: 'CHG-1 hotfix', author: 'carol' });
  assert.equal(o.expires_at.getTime() - o.granted_at.getTime(), 3_600_000);
  assert.ok((await currentSignals(store.db, clock.now())).active_overrides.some((x) => x.id === o.id));
  clock.advance(3_599_999);
  assert.ok((await currentSignals(store.db, clock.now())).active_overrides.some((x) => x.id === o.id));
  clock.advance(1);
  const s = await currentSignals(store.db, clock.now(), { trustedMcpServers: ['github'] });
  assert.equal(s.active_overrides.some((x) => x.id === o.id), false);
  assert.deepEqual(s.trusted_mcp_servers, ['github']);
  await assert.rejects(grantOverride(ctx, { ttl_seconds: 60, reason: 'r', author: 'a' }), { code: 'BAD_REQUEST' });
});

test('a rejected ledger payload rolls the change back', async () => {
  const holdsBefore = (await readSignalState(store.db, clock.now())).holds.length;
  const outboxBefore = (await outbox()).length;
  await assert.rejects(
    setHold(ctx, { target: 'x', reason: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl', author: 'a' }),
    { code: 'LEDGER_PAYLOAD_REJECTED' },
  );
  assert.equal((await readSignalState(store.db, clock.now())).holds.length, holdsBefore);
  assert.equal((await outbox()).length, outboxBefore);
});

test('the store refuses deleting signals and re-clearing a hold', async () => {
  const hold = await setHold(ctx, { target: 'a', reason: 'r', author: 'a' });
  await clearHold(ctx, hold.id, { author: 'a' });
  const db = signalsDb(store.db);
  await assert.rejects(db.updateTable('signal_holds').set({ cleared_at: null, cleared_by: null }).where('hold_id', '=', hold.id).execute());
  await assert.rejects(db.deleteFrom('signal_holds').where('hold_id', '=', hold.id).execute());
  await assert.rejects(db.deleteFrom('signal_overrides').execute());
});
