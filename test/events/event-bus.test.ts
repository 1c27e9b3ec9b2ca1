import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import pino from 'pino';
import type { EnforcementEvent } from '../../src/events/enforcement-event.ts';
import { EventBus, type EventAlertRaiser } from '../../src/events/event-bus.ts';
import { installEventMetrics } from '../../src/events/metrics.ts';
import type { EventDestination } from '../../src/events/sinks/destination.ts';
import { StdoutEventSink } from '../../src/events/sinks/stdout-sink.ts';
import { LogCapture } from '../harness/test-server.ts';
import { sampleEvent, slice0Errors } from './helpers.ts';

class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

/** A destination that keeps what it gets; `gate` holds deliveries until opened. */
function keeper(name = 'keep') {
  const got: EnforcementEvent[] = [];
  const batches: number[] = [];
  let open: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const dest: EventDestination & { got: EnforcementEvent[]; batches: number[]; hold(): void; release(): void } = {
    name,
    got,
    batches,
    async deliver(events) {
      if (gate) await gate;
      batches.push(events.length);
      got.push(...events);
    },
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      gate = undefined;
      open();
    },
  };
  return dest;
}

test('emit is synchronous and returns before any destination sees the event', async () => {
  const k = keeper();
  const bus = new EventBus({ destinations: [k] });
  bus.emit(sampleEvent());
  assert.equal(k.got.length, 0, 'nothing delivered during emit');
  await bus.idle();
  assert.equal(k.got.length, 1);
});

test('stdout: one JSON line per event, each valid against the Slice-0 schema, in order', async () => {
  const out = new Lines();
  const bus = new EventBus({ destinations: [new StdoutEventSink(out)] });
  const events = ['authorization_requested', 'authorization_denied', 'execution_started', 'oob_detected'].map((t) =>
    sampleEvent({ event_type: t as EnforcementEvent['event_type'], ...(t === 'authorization_denied' ? { denial_code: 'TOKEN_REPLAY', details: { reason: 'REPLAY' } } : {}) }),
  );
  for (const e of events) bus.emit(e);
  await bus.idle();
  assert.equal(out.lines.length, 4);
  const parsed = out.lines.map((l) => JSON.parse(l) as EnforcementEvent);
  assert.deepEqual(parsed, events);
  for (const p of parsed) assert.equal(slice0Errors(p), null);
});

test('emit never throws: invalid events, garbage and a throwing destination are counted', async () => {
  const logs = new LogCapture();
  const boom: EventDestination = { name: 'boom', deliver: async () => { throw Object.assign(new Error('down http://user:pw@host'), { code: 'ECONNRESET' }); } };
  const k = keeper();
  const throwingAlerts: EventAlertRaiser = { raiseForEvent: () => { throw new Error('alert store down'); } };
  const bus = new EventBus({ destinations: [boom, k], alerts: throwingAlerts, logger: pino({ level: 'trace' }, logs) });
  for (const bad of [null, undefined, 42, 'x', {}, { ...sampleEvent(), extra: 1 }, sampleEvent({ region: '' })]) {
    assert.doesNotThrow(() => bus.emit(bad as unknown as EnforcementEvent));
  }
  const circular: Record<string, unknown> = { ...sampleEvent() };
  circular.details = { self: circular };
  assert.doesNotThrow(() => bus.emit(circular as unknown as EnforcementEvent));
  assert.doesNotThrow(() => bus.emit(sampleEvent({ event_type: 'revocation_hit' })));
  await bus.idle();
  const s = bus.stats();
  assert.equal(s.rejected, 8);
  assert.equal(s.emitted, 1);
  assert.equal(s.destinations.boom?.failed, 1);
  assert.equal(k.got.length, 1, 'a failing destination does not stop the others');
  assert.ok(!logs.text().includes('user:pw'), 'a destination error message (which may hold a URL) is not logged');
  assert.match(logs.text(), /enforcement event refused/);
});

test('the queue is bounded: when full the oldest events are dropped and counted; the caller never waits', async () => {
  const k = keeper('slow');
  const fast = keeper('fast');
  const bus = new EventBus({ destinations: [k, fast], capacity: 3, maxBatch: 2 });
  k.hold();
  bus.emit(sampleEvent({ event_id: 'evt_first_000' }));
  await new Promise((r) => setImmediate(r)); // the slow destination takes its first batch and blocks
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const e = sampleEvent({ event_id: `evt_${String(i).padStart(8, '0')}` });
    ids.push(e.event_id);
    const t0 = process.hrtime.bigint();
    bus.emit(e);
    assert.ok(process.hrtime.bigint() - t0 < 50_000_000n, 'emit does not block on a stuck destination');
    await new Promise((r) => setImmediate(r)); // the fast destination keeps up
  }
  assert.equal(bus.stats().destinations.slow?.dropped, 7);
  assert.equal(bus.stats().destinations.slow?.queued, 3);
  const registry = new Registry();
  installEventMetrics(registry, { bus });
  const text = await registry.metrics();
  assert.match(text, /writ_events_dropped_total\{destination="slow"\} 7/);
  assert.match(text, /writ_events_queued\{destination="slow"\} 3/);
  assert.match(text, /writ_events_emitted_total 11/);
  k.release();
  await bus.idle();
  assert.deepEqual(k.got.map((e) => e.event_id), ['evt_first_000', ...ids.slice(-3)], 'the newest events survive, in order');
  assert.deepEqual(k.batches, [1, 2, 1], 'batches of at most maxBatch');
  assert.equal(fast.got.length, 11, 'a slow destination delays only itself');
  assert.equal(bus.stats().destinations.fast?.dropped, 0);
});

test('destinations get a frozen private copy: the caller may reuse its object', async () => {
  const k = keeper();
  const bus = new EventBus({ destinations: [k] });
  const e = sampleEvent({ details: { reason: 'A' } });
  bus.emit(e);
  e.region = 'changed';
  (e.details as Record<string, unknown>).reason = 'B';
  await bus.idle();
  assert.equal(k.got[0]?.region, 'eu-west-1');
  assert.deepEqual(k.got[0]?.details, { reason: 'A' });
  assert.ok(Object.isFrozen(k.got[0]));
});

test('critical events raise an alert through the raiser; publish says which', async () => {
  const raised: string[] = [];
  const alerts: EventAlertRaiser = { raiseForEvent: (e) => (e.event_type === 'oob_detected' ? (raised.push(e.event_id), `alr_${raised.length}`) : null) };
  const bus = new EventBus({ destinations: [], alerts });
  assert.deepEqual(bus.publish(sampleEvent()), { accepted: true, alert_id: null });
  const oob = sampleEvent({ event_type: 'oob_detected' });
  assert.deepEqual(bus.publish(oob), { accepted: true, alert_id: 'alr_1' });
  assert.deepEqual(bus.publish({ ...oob, region: '' }), { accepted: false, alert_id: null }, 'an invalid event raises nothing');
  assert.equal(bus.stats().alerts, 1);
});

test('close: queued events are handed over, destinations closed, later events refused', async () => {
  const k = keeper();
  let closed = false;
  const bus = new EventBus({ destinations: [{ ...k, name: 'k', deliver: k.deliver, close: () => void (closed = true) }] });
  bus.emit(sampleEvent());
  await bus.close();
  assert.equal(k.got.length, 1);
  assert.ok(closed);
  assert.deepEqual(bus.publish(sampleEvent()), { accepted: false, alert_id: null });
  assert.throws(() => new EventBus({ destinations: [keeper('a'), keeper('a')] }), /listed twice/);
});

test('emit checks later: a burst beyond the intake bound drops the oldest unchecked events (counted)', async () => {
  const k = keeper();
  const bus = new EventBus({ destinations: [k], capacity: 2 });
  const burst = Array.from({ length: 5 }, () => sampleEvent());
  for (const e of burst) bus.emit(e);
  bus.emit({ ...sampleEvent(), region: '' });
  assert.deepEqual([bus.stats().pending, bus.stats().dropped, bus.stats().emitted, bus.stats().rejected], [2, 4, 0, 0], 'nothing checked during emit');
  await bus.idle();
  assert.deepEqual(k.got.map((e) => e.event_id), [burst[4]?.event_id], 'the newest valid event survives; the invalid one is refused');
  assert.deepEqual([bus.stats().pending, bus.stats().emitted, bus.stats().rejected], [0, 1, 1]);
  const registry = new Registry();
  installEventMetrics(registry, { bus });
  assert.match(await registry.metrics(), /writ_events_dropped_total\{destination="intake"\} 4/);
});
