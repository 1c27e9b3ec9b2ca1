import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../src/common/clock.ts';
import { postJson } from '../../src/events/http-post.ts';
import { DEFAULT_RETRY, RetryingDelivery, backoffDelay, type AttemptRecord, type AttemptResult } from '../../src/events/retry.ts';
import { ManualScheduler } from '../../src/events/scheduler.ts';
import { deadUrl, startReceiver } from './helpers.ts';

test('backoff: exponential, capped, equal jitter within [exp/2, exp]', () => {
  assert.equal(backoffDelay(1, DEFAULT_RETRY, () => 0), 500);
  assert.equal(backoffDelay(1, DEFAULT_RETRY, () => 1), 1000);
  assert.equal(backoffDelay(3, DEFAULT_RETRY, () => 0.5), 3000);
  assert.equal(backoffDelay(30, DEFAULT_RETRY, () => 1), 60_000, 'capped');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
      const exp = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
      const d = backoffDelay(attempt, DEFAULT_RETRY, () => r);
      assert.ok(d >= Math.floor(exp / 2) && d <= exp, `${attempt}/${r}: ${d}`);
      assert.ok(backoffDelay(attempt + 1, DEFAULT_RETRY, () => r) >= d, 'never shorter for a later attempt with the same jitter');
    }),
  );
});

function harness(results: AttemptResult[], options: { maxAttempts?: number; maxPending?: number } = {}) {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  const scheduler = new ManualScheduler(clock);
  const records: AttemptRecord[] = [];
  const delivery = new RetryingDelivery({
    clock,
    scheduler,
    random: () => 0.5,
    policy: { maxAttempts: options.maxAttempts ?? 4, baseDelayMs: 1000, maxDelayMs: 10_000 },
    maxPending: options.maxPending ?? 10,
    onAttempt: (r) => void records.push(r),
  });
  let calls = 0;
  const send = async (): Promise<AttemptResult> => results[calls++] ?? { ok: true, httpStatus: 200 };
  return { clock, scheduler, records, delivery, send, calls: () => calls };
}

test('a job is retried on the scheduler until it succeeds; each attempt is recorded', async () => {
  const h = harness([{ ok: false, retryable: true, httpStatus: 503, error: 'HTTP_503' }, { ok: false, retryable: true, error: 'ECONNREFUSED' }]);
  h.delivery.submit({ id: 'job1', target: 'slack', send: h.send });
  await h.delivery.idle();
  assert.equal(h.calls(), 1);
  assert.deepEqual(h.scheduler.pendingDelays(), [750], 'attempt 2 after 1000·(0.5 + 0.5·0.5)');
  assert.equal(h.scheduler.advance(749), 0, 'not before its time');
  assert.equal(h.scheduler.advance(1), 1);
  await h.delivery.idle();
  assert.deepEqual(h.scheduler.pendingDelays(), [1500], 'attempt 3 after 2000·0.75');
  h.scheduler.runNext();
  await h.delivery.idle();
  assert.equal(h.scheduler.pending, 0);
  assert.deepEqual(
    h.records.map((r) => [r.attempt, r.status, r.httpStatus, r.error, r.at.toISOString()]),
    [
      [1, 'retrying', 503, 'HTTP_503', '2026-06-01T00:00:00.000Z'],
      [2, 'retrying', null, 'ECONNREFUSED', '2026-06-01T00:00:00.750Z'],
      [3, 'delivered', 200, null, '2026-06-01T00:00:02.250Z'],
    ],
  );
  assert.equal(h.records[0]?.nextAttemptAt?.toISOString(), '2026-06-01T00:00:00.750Z');
  assert.deepEqual(h.delivery.stats(), { pending: 0, delivered: 1, failed: 0, attempts: 3, retries: 2, dropped: 0 });
});

test('attempts are bounded; a permanent failure is not retried; a throw is a retryable failure', async () => {
  const fail: AttemptResult = { ok: false, retryable: true, error: 'HTTP_500', httpStatus: 500 };
  const h = harness([fail, fail, fail, fail, fail], { maxAttempts: 3 });
  h.delivery.submit({ id: 'bounded', target: 'pagerduty', send: h.send });
  await h.delivery.idle();
  while (h.scheduler.runNext() > 0) await h.delivery.idle();
  assert.equal(h.calls(), 3);
  assert.deepEqual(h.records.map((r) => r.status), ['retrying', 'retrying', 'failed']);

  const p = harness([{ ok: false, retryable: false, httpStatus: 400, error: 'HTTP_400' }]);
  p.delivery.submit({ id: 'permanent', target: 'pagerduty', send: p.send });
  await p.delivery.idle();
  assert.equal(p.scheduler.pending, 0);
  assert.deepEqual(p.records.map((r) => [r.status, r.httpStatus]), [['failed', 400]]);

  const t = harness([]);
  let n = 0;
  t.delivery.submit({ id: 'throws', target: 'webhook', send: async () => { n += 1; if (n === 1) throw new Error('boom http://secret@host'); return { ok: true }; } });
  await t.delivery.idle();
  assert.deepEqual(t.records.map((r) => [r.status, r.error]), [['retrying', 'SEND_FAILED']], 'the thrown message is not recorded');
  t.scheduler.runNext();
  await t.delivery.idle();
  assert.equal(t.records.at(-1)?.status, 'delivered');
});

test('pending jobs are bounded: the oldest waiting one is dropped and counted', async () => {
  const fail: AttemptResult = { ok: false, retryable: true, error: 'HTTP_503' };
  const h = harness(Array(20).fill(fail), { maxPending: 2 });
  h.delivery.submit({ id: 'a', target: 't', send: h.send });
  h.delivery.submit({ id: 'b', target: 't', send: h.send });
  await h.delivery.idle();
  assert.equal(h.scheduler.pending, 2);
  h.delivery.submit({ id: 'c', target: 't', send: h.send });
  await h.delivery.idle();
  assert.equal(h.delivery.stats().dropped, 1);
  assert.equal(h.delivery.stats().pending, 2);
  while (h.scheduler.runNext() > 0) await h.delivery.idle();
  assert.ok(!h.records.some((r) => r.jobId === 'a' && r.attempt > 1), 'the dropped job was never retried');
  assert.ok(h.records.some((r) => r.jobId === 'c' && r.attempt === 4));
});

test('close cancels waiting retries and refuses new jobs', async () => {
  const h = harness([{ ok: false, retryable: true, error: 'HTTP_503' }]);
  h.delivery.submit({ id: 'x', target: 't', send: h.send });
  await h.delivery.idle();
  assert.equal(h.scheduler.pending, 1);
  h.delivery.close();
  assert.equal(h.scheduler.pending, 0);
  assert.equal(h.delivery.submit({ id: 'y', target: 't', send: h.send }), false);
});

test('postJson against real loopback receivers: 2xx, 5xx/429 retryable, 4xx permanent, network errors by code', async () => {
  const ok = await startReceiver({ okStatus: 202 });
  const r1 = await postJson(ok.url, { a: 1 });
  assert.deepEqual(r1, { ok: true, httpStatus: 202 });
  assert.deepEqual(ok.requests[0]?.body, { a: 1 });
  assert.equal(ok.requests[0]?.headers['content-type'], 'application/json');
  await ok.close();

  const statuses = await startReceiver({ fail: [503, 429, 400, 302] });
  assert.deepEqual(await postJson(statuses.url, {}), { ok: false, retryable: true, httpStatus: 503, error: 'HTTP_503' });
  assert.deepEqual(await postJson(statuses.url, {}), { ok: false, retryable: true, httpStatus: 429, error: 'HTTP_429' });
  assert.deepEqual(await postJson(statuses.url, {}), { ok: false, retryable: false, httpStatus: 400, error: 'HTTP_400' });
  assert.deepEqual(await postJson(statuses.url, {}), { ok: false, retryable: false, httpStatus: 302, error: 'HTTP_302' }, 'redirects are not followed');
  await statuses.close();

  const dead = await postJson(await deadUrl(), {});
  assert.deepEqual(dead, { ok: false, retryable: true, error: 'ECONNREFUSED' });
});
