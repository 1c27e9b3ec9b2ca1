/**
 * The ledger destination through a real sequencer, on the store named by
 * WRIT_TEST_STORE (PGlite or PostgreSQL).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/common/clock.ts';
import { WritError } from '../../src/errors/writ-error.ts';
import type { EnforcementEvent } from '../../src/events/enforcement-event.ts';
import { ENFORCEMENT_EVENT_ENTRY, EVENTS_STREAM_ID, eventEntry } from '../../src/events/entry-types.ts';
import { EventBus } from '../../src/events/event-bus.ts';
import { ManualScheduler } from '../../src/events/scheduler.ts';
import { LedgerEventSink, type LedgerEnqueuer } from '../../src/events/sinks/ledger-sink.ts';
import { validateEntry } from '../../src/ledger/entries/validate-entry.ts';
import { openTestLedger, type TestLedger } from '../harness/test-ledger.ts';
import { sampleEvent, slice0Errors } from './helpers.ts';

let l: TestLedger;
before(async () => {
  l = await openTestLedger({ maxBatchDelayMs: 0 });
});
after(async () => {
  await l.close();
});

async function eventEntries() {
  while ((await l.sequencer.drainOnce()) > 0);
  const rows = await l.store.db.selectFrom('ledger_entries').select(['seq', 'stream_id', 'entry_type', 'entry_jcs']).where('entry_type', '=', ENFORCEMENT_EVENT_ENTRY).orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, stream_id: r.stream_id, entry: JSON.parse(r.entry_jcs) as { payload: EnforcementEvent; stream_prev: string | null } }));
}

test('events land in the ledger as enforcement.event entries whose payload is the event (Slice-0 valid)', async () => {
  const clock = new ManualClock();
  const bus = new EventBus({ destinations: [new LedgerEventSink({ ledger: l.sequencer, clock, scheduler: new ManualScheduler(clock) })] });
  const events = [
    sampleEvent({ event_type: 'authorization_requested' }),
    sampleEvent({ event_type: 'authorization_denied', denial_code: 'TOKEN_REPLAY', details: { reason: 'REPLAY' } }),
    sampleEvent({ event_type: 'oob_detected', action_scope: 'terraform.apply', details: { target_system: 'atlantis', reason: 'AUTHORIZATION_MISSING' } }),
  ];
  for (const e of events) bus.emit(e);
  await bus.idle();
  const got = await eventEntries();
  assert.deepEqual(got.map((g) => g.entry.payload), events);
  assert.ok(got.every((g) => g.stream_id === EVENTS_STREAM_ID));
  assert.equal(got[0]?.entry.stream_prev, null);
  assert.match(got[1]?.entry.stream_prev ?? '', /^sha256:[0-9a-f]{64}$/, 'the events stream is hash-chained');
  for (const g of got.slice(0, 2)) assert.equal(slice0Errors(g.entry.payload), null);
});

test('the allowlist refuses anything but the event: unknown fields, secrets', () => {
  const e = sampleEvent();
  assert.doesNotThrow(() => validateEntry(eventEntry(e)));
  assert.throws(() => validateEntry({ ...eventEntry(e), payload: { ...e, attestation_token: 'x' } }), /payload: must NOT have additional properties \(attestation_token\)/);
  assert.throws(() => validateEntry({ ...eventEntry(e), payload: { ...e, details: { auth: 'Bearer abcdefghijklmnopqrstuvwxyz012345' } } }), /looks like a secret/);
});

test('a store outage is retried with backoff on the injected scheduler; nothing is lost or doubled', async () => {
  const before = (await eventEntries()).length;
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  let failures = 2;
  const flaky: LedgerEnqueuer = {
    async enqueue(inputs) {
      if (failures > 0) {
        failures -= 1;
        throw new WritError('STORE_UNAVAILABLE', 'store down');
      }
      return l.sequencer.enqueue(inputs);
    },
  };
  const sink = new LedgerEventSink({ ledger: flaky, clock, scheduler, random: () => 0 });
  const bus = new EventBus({ destinations: [sink] });
  const e1 = sampleEvent();
  const e2 = sampleEvent({ event_type: 'execution_started' });
  bus.emit(e1);
  bus.emit(e2);
  await bus.idle();
  assert.equal((await eventEntries()).length, before, 'nothing written yet');
  assert.deepEqual(scheduler.pendingDelays(), [250], 'retry after 500 ms halved (jitter 0)');
  scheduler.runNext();
  await sink.idle();
  assert.deepEqual(scheduler.pendingDelays(), [500]);
  scheduler.runNext();
  await sink.idle();
  assert.equal(scheduler.pending, 0);
  const after = await eventEntries();
  assert.deepEqual(after.slice(before).map((g) => g.entry.payload.event_id), [e1.event_id, e2.event_id]);
  assert.deepEqual({ ...sink.stats(), pending: 0 }, { pending: 0, delivered: 1, failed: 0, attempts: 3, retries: 2, dropped: 0 });
});
