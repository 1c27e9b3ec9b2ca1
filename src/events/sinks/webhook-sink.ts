import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.ts';
import type { EnforcementEvent } from '../enforcement-event.ts';
import { postJson } from '../http-post.ts';
import { RetryingDelivery, type AttemptRecord, type RetryPolicy, type RetryStats } from '../retry.ts';
import type { Scheduler } from '../scheduler.ts';
import type { EventDestination } from './destination.ts';

/** Options of {@link WebhookEventSink}. */
export interface WebhookEventSinkOptions {
  /** Where to POST; may carry a credential, so it is never logged or recorded. */
  url: string;
  clock: Clock;
  scheduler: Scheduler;
  policy?: RetryPolicy;
  random?: () => number;
  timeoutMs?: number;
  /** Pending deliveries kept (default 1000); beyond, the oldest is dropped. */
  maxPending?: number;
  /** Every attempt's outcome (target `webhook`, job id = event id); default: logged. */
  onAttempt?: (record: AttemptRecord) => Promise<void> | void;
  logger?: Logger;
}

/**
 * POSTs every event, one JSON object a request (the Slice-0 event as is), with retries
 * (exponential backoff + jitter, bounded attempts). Outcomes go to `onAttempt` and the
 * counters; the URL never appears in either.
 *
 * @example
 * ```ts
 * const sink = new WebhookEventSink({ url: config.events.webhookUrl, clock, scheduler: timerScheduler });
 * ```
 */
export class WebhookEventSink implements EventDestination {
  readonly name = 'webhook';
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #delivery: RetryingDelivery;

  constructor(options: WebhookEventSinkOptions) {
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    const log = options.logger;
    const logAttempt = (r: AttemptRecord) => {
      const fields = { event_id: r.jobId, destination: r.target, attempt: r.attempt, status: r.status, http_status: r.httpStatus, error: r.error };
      if (r.status === 'failed') log?.error(fields, 'event webhook delivery failed');
      else log?.debug(fields, `event webhook delivery ${r.status}`);
    };
    this.#delivery = new RetryingDelivery({
      clock: options.clock,
      scheduler: options.scheduler,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.random ? { random: options.random } : {}),
      onAttempt: options.onAttempt ?? logAttempt,
      ...(options.logger ? { logger: options.logger } : {}),
      maxPending: options.maxPending ?? 1000,
    });
  }

  async deliver(events: readonly EnforcementEvent[]): Promise<void> {
    for (const e of events) {
      this.#delivery.submit({ id: e.event_id, target: this.name, send: () => postJson(this.#url, e, { timeoutMs: this.#timeoutMs }) });
    }
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
