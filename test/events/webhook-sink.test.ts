/** The webhook destination against real loopback receivers; retries on an injected scheduler. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../../src/common/clock.ts';
import { EventBus } from '../../src/events/event-bus.ts';
import { installEventMetrics } from '../../src/events/metrics.ts';
import type { AttemptRecord } from '../../src/events/retry.ts';
import { ManualScheduler } from '../../src/events/scheduler.ts';
import { WebhookEventSink } from '../../src/events/sinks/webhook-sink.ts';
import { LogCapture } from '../harness/test-server.ts';
import { sampleEvent, slice0Errors, startReceiver, type Receiver } from './helpers.ts';

const receivers: Receiver[] = [];
after(async () => {
  for (const r of receivers) await r.close();
});

function setup(url: string, logs?: LogCapture, record = true) {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00.000Z'));
  const scheduler = new ManualScheduler(clock);
  const records: AttemptRecord[] = [];
  const sink = new WebhookEventSink({
    url,
    clock,
    scheduler,
    random: () => 1,
    policy: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 1000 },
    ...(record ? { onAttempt: (r: AttemptRecord) => void records.push(r) } : {}),
    ...(logs ? { logger: pino({ level: 'trace' }, logs) } : {}),
  });
  const bus = new EventBus({ destinations: [sink] });
  return { clock, scheduler, records, sink, bus };
}

test('each event is POSTed as one JSON object; a receiver failing twice gets it on the third attempt', async () => {
  const r = await startReceiver({ fail: [503, 502], path: '/hooks/writ?token=webhookSecret123' });
  receivers.push(r);
  const h = setup(r.url);
  const e = sampleEvent({ event_type: 'execution_completed' });
  h.bus.emit(e);
  await h.bus.idle();
  assert.equal(r.requests.length, 1);
  assert.deepEqual(h.scheduler.pendingDelays(), [200], 'first retry after the base delay (jitter 1)');
  h.scheduler.runNext();
  await h.bus.idle();
  assert.deepEqual(h.scheduler.pendingDelays(), [400], 'then doubled');
  h.scheduler.runNext();
  await h.bus.idle();
  assert.equal(h.scheduler.pending, 0);
  assert.equal(r.requests.length, 3);
  for (const req of r.requests) {
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(req.body, e);
    assert.equal(slice0Errors(req.body), null);
  }
  assert.deepEqual(h.records.map((x) => [x.jobId, x.target, x.attempt, x.status, x.httpStatus, x.error, x.at.toISOString()]), [
    [e.event_id, 'webhook', 1, 'retrying', 503, 'HTTP_503', '2026-06-01T00:00:00.000Z'],
    [e.event_id, 'webhook', 2, 'retrying', 502, 'HTTP_502', '2026-06-01T00:00:00.200Z'],
    [e.event_id, 'webhook', 3, 'delivered', 200, null, '2026-06-01T00:00:00.600Z'],
  ]);
  const registry = new Registry();
  installEventMetrics(registry, { bus: h.bus });
  const text = await registry.metrics();
  assert.match(text, /writ_event_deliveries_total\{destination="webhook",outcome="delivered"\} 1/);
  assert.match(text, /writ_event_delivery_retries_total\{destination="webhook"\} 2/);
});

test('bounded attempts and permanent failures; outcomes logged without the URL', async () => {
  const down = await startReceiver({ fail: [500, 500, 500, 500, 500, 500], path: '/hooks/writ?token=webhookSecret123' });
  const refuses = await startReceiver({ fail: [401] });
  receivers.push(down, refuses);
  const logs = new LogCapture();
  const a = setup(down.url, logs, false);
  a.bus.emit(sampleEvent());
  await a.bus.idle();
  while (a.scheduler.runNext() > 0) await a.bus.idle();
  assert.equal(down.requests.length, 5, 'maxAttempts');
  assert.deepEqual(a.sink.stats(), { pending: 0, delivered: 0, failed: 1, attempts: 5, retries: 4, dropped: 0 });
  assert.match(logs.text(), /event webhook delivery failed/);
  assert.ok(!logs.text().includes('webhookSecret123') && !logs.text().includes(down.url), 'the URL is never logged');

  const b = setup(refuses.url);
  b.bus.emit(sampleEvent());
  await b.bus.idle();
  assert.equal(b.scheduler.pending, 0, '4xx: not retried');
  assert.deepEqual(b.records.map((x) => [x.status, x.httpStatus]), [['failed', 401]]);
});
