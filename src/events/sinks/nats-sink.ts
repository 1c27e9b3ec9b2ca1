import { headers, type NatsConnection } from 'nats';
import type { EnforcementEvent } from '../enforcement-event.ts';
import type { EventDestination } from './destination.ts';

/** What the NATS sink needs of a connection. */
export type NatsPublisher = Pick<NatsConnection, 'publish'>;

const encoder = new TextEncoder();

/**
 * Publishes every event as JSON on `<subject>.<event_type>` (`WRIT_EVENTS_NATS_SUBJECT`),
 * so subscribers can take `<subject>.>` or one type. The `Nats-Msg-Id` header is the
 * event id, so a JetStream stream on those subjects drops duplicates. The connection
 * buffers while reconnecting; a closed connection makes the batch fail (counted).
 *
 * @example
 * ```ts
 * const sink = new NatsEventSink({ nats: await connect({ servers: '127.0.0.1:4222' }), subject: 'writ.events' });
 * ```
 */
export class NatsEventSink implements EventDestination {
  readonly name = 'nats';
  readonly #nats: NatsPublisher;
  readonly #subject: string;

  constructor(options: { nats: NatsPublisher; subject: string }) {
    this.#nats = options.nats;
    this.#subject = options.subject;
  }

  /** The subject an event is published on. */
  subjectOf(event: Pick<EnforcementEvent, 'event_type'>): string {
    return `${this.#subject}.${event.event_type}`;
  }

  async deliver(events: readonly EnforcementEvent[]): Promise<void> {
    for (const e of events) {
      const h = headers();
      h.set('Nats-Msg-Id', e.event_id);
      h.set('Content-Type', 'application/json');
      this.#nats.publish(this.subjectOf(e), encoder.encode(JSON.stringify(e)), { headers: h });
    }
  }
}
