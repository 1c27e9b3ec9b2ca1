/** The NATS destination against the real server on 127.0.0.1:4222. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Msg, type NatsConnection } from 'nats';
import type { EnforcementEvent } from '../../src/events/enforcement-event.ts';
import { EventBus } from '../../src/events/event-bus.ts';
import { NatsEventSink } from '../../src/events/sinks/nats-sink.ts';
import { sampleEvent, slice0Errors } from './helpers.ts';

let publisher: NatsConnection;
let subscriber: NatsConnection;
before(async () => {
  publisher = await connect({ servers: '127.0.0.1:4222', name: 'writ-events-test-pub' });
  subscriber = await connect({ servers: '127.0.0.1:4222', name: 'writ-events-test-sub' });
});
after(async () => {
  await publisher?.drain();
  await subscriber?.drain();
});

/** Collects `n` messages on `subject` (rejects after 5 s of real time). */
function collect(subject: string, n: number): Promise<Msg[]> {
  const sub = subscriber.subscribe(subject);
  return new Promise<Msg[]>((resolve, reject) => {
    const got: Msg[] = [];
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`only ${got.length} of ${n} messages on ${subject}`));
    }, 5000);
    void (async () => {
      for await (const m of sub) {
        got.push(m);
        if (got.length === n) {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(got);
        }
      }
    })();
  });
}

test('events are published as JSON on <subject>.<event_type>, with Nats-Msg-Id = event_id', async () => {
  const subject = `writ.test.${randomBytes(4).toString('hex')}`;
  const all = collect(`${subject}.>`, 3);
  const denials = collect(`${subject}.authorization_denied`, 1);
  await subscriber.flush(); // the subscriptions are registered before anything is published
  const bus = new EventBus({ destinations: [new NatsEventSink({ nats: publisher, subject })] });
  const events = [
    sampleEvent({ event_type: 'authorization_requested' }),
    sampleEvent({ event_type: 'authorization_denied', denial_code: 'TOKEN_REPLAY' }),
    sampleEvent({ event_type: 'oob_detected', details: { target_system: 'argocd' } }),
  ];
  for (const e of events) bus.emit(e);
  await bus.idle();
  await publisher.flush();
  const msgs = await all;
  assert.deepEqual(msgs.map((m) => m.subject), events.map((e) => `${subject}.${e.event_type}`));
  const bodies = msgs.map((m) => m.json<EnforcementEvent>());
  assert.deepEqual(bodies, events);
  for (const b of bodies) assert.equal(slice0Errors(b), null);
  assert.deepEqual(msgs.map((m) => m.headers?.get('Nats-Msg-Id')), events.map((e) => e.event_id));
  const [denial] = await denials;
  assert.equal(denial?.json<EnforcementEvent>().event_id, events[1]?.event_id, 'subscribers can take one type');
});

test('a closed connection fails the batch (counted), and emit still never throws', async () => {
  const conn = await connect({ servers: '127.0.0.1:4222' });
  await conn.close();
  const bus = new EventBus({ destinations: [new NatsEventSink({ nats: conn, subject: 'writ.test.closed' })] });
  assert.doesNotThrow(() => bus.emit(sampleEvent()));
  await bus.idle();
  assert.equal(bus.stats().destinations.nats?.failed, 1);
});
