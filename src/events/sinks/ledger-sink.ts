import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.ts';
import { isWritError } from '../../errors/writ-error.ts';
import { validateEntry, type EntryInput } from '../../ledger/entries/validate-entry.ts';
import type { EnforcementEvent } from '../enforcement-event.ts';
import { eventEntry } from '../entry-types.ts';
import { RetryingDelivery, type RetryPolicy, type RetryStats } from '../retry.ts';
import type { Scheduler } from '../scheduler.ts';
import type { EventDestination } from './destination.ts';

/** What the ledger sink needs of the sequencer. */
export interface LedgerEnqueuer {
  enqueue(inputs: readonly EntryInput[]): Promise<number[]>;
}

/** Options of {@link LedgerEventSink}. */
export interface LedgerEventSinkOptions {
  ledger: LedgerEnqueuer;
  clock: Clock;
  scheduler: Scheduler;
  policy?: RetryPolicy;
  random?: () => number;
  logger?: Logger;
}

/**
 * Appends every event to the ledger as an `enforcement.event` entry on the
 * `system.events` stream: each batch is one outbox transaction, retried with backoff
 * while the store is unavailable. An event the ledger refuses (never expected: the bus
 * checks the same schema first) is logged by path and dropped, never retried.
 *
 * @example
 * ```ts
 * const sink = new LedgerEventSink({ ledger: sequencer, clock, scheduler: timerScheduler });
 * ```
 */
export class LedgerEventSink implements EventDestination {
  readonly name = 'ledger';
  readonly #ledger: LedgerEnqueuer;
  readonly #delivery: RetryingDelivery;
  readonly #log: Logger | undefined;
  #refused = 0;

  constructor(options: LedgerEventSinkOptions) {
    this.#ledger = options.ledger;
    this.#log = options.logger;
    this.#delivery = new RetryingDelivery({
      clock: options.clock,
      scheduler: options.scheduler,
      policy: options.policy ?? { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 },
      ...(options.random ? { random: options.random } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      maxPending: 1000,
    });
  }

  /** Events the ledger refused (invalid payload). */
  get refused(): number {
    return this.#refused;
  }

  async deliver(events: readonly EnforcementEvent[]): Promise<void> {
    const entries: EntryInput[] = [];
    for (const e of events) {
      const entry = eventEntry(e);
      try {
        validateEntry(entry);
        entries.push(entry);
      } catch (err) {
        this.#refused += 1;
        this.#log?.error({ event_id: e.event_id, event_type: e.event_type, problem: isWritError(err) ? err.message : 'invalid' }, 'ledger refused an enforcement event');
      }
    }
    if (entries.length === 0) return;
    this.#delivery.submit({
      id: events[0]!.event_id,
      target: this.name,
      send: async () => {
        try {
          await this.#ledger.enqueue(entries);
          return { ok: true };
        } catch (err) {
          return { ok: false, retryable: !isWritError(err, 'LEDGER_PAYLOAD_REJECTED'), error: isWritError(err) ? err.code : 'STORE_ERROR' };
        }
      },
    });
  }

  idle(): Promise<void> {
    return this.#delivery.idle();
  }

  stats(): RetryStats {
    return this.#delivery.stats();
  }

  close(): void {
    this.#delivery.close();
  }
}
