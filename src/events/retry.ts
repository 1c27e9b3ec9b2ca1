/**
 * Bounded delivery with retries: exponential backoff with jitter on an injected
 * {@link Scheduler}, a bounded number of attempts, a bounded number of pending jobs,
 * and every attempt's outcome reported to a recorder.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { Clock } from '../common/clock.ts';
import type { Scheduler } from './scheduler.ts';

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  maxAttempts: number;
  /** Delay before the 2nd attempt, before jitter. */
  baseDelayMs: number;
  /** Cap of the exponential delay, before jitter. */
  maxDelayMs: number;
}

/** 6 attempts over about 1 + 2 + 4 + 8 + 16 s (each halved to doubled by jitter, see {@link backoffDelay}). */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed:
 * "equal jitter": half of `min(max, base·2^(attempt-1))` fixed, the other half random.
 *
 * @example
 * ```ts
 * backoffDelay(1, DEFAULT_RETRY, () => 0);   // 500
 * backoffDelay(3, DEFAULT_RETRY, () => 0.5); // 3000 (2000 + 0.5·2000)
 * ```
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + (r * exp) / 2);
}

/**
 * One attempt's result. `error` is a stable code (`HTTP_503`, `ECONNREFUSED`,
 * `TIMEOUT`, …), never a message that could carry a URL or a secret.
 */
export type AttemptResult =
  | { ok: true; httpStatus?: number }
  | { ok: false; retryable: boolean; httpStatus?: number; error: string };

/** What happened to one attempt. */
export type AttemptStatus = 'delivered' | 'retrying' | 'failed';

/** The outcome of one attempt, as recorded. */
export interface AttemptRecord {
  jobId: string;
  target: string;
  attempt: number;
  status: AttemptStatus;
  httpStatus: number | null;
  error: string | null;
  at: Date;
  /** When the next attempt is due (status `retrying`). */
  nextAttemptAt: Date | null;
}

/** One thing to deliver to one target. */
export interface DeliveryJob {
  /** Id of what is delivered (alert id, event id, batch id); with `target`, names the job. */
  id: string;
  /** A name, never a URL (`slack`, `pagerduty`, `webhook`, `ledger`). */
  target: string;
  /** Makes attempt `attempt` (1-based). May throw; a throw counts as a retryable failure. */
  send(attempt: number): Promise<AttemptResult>;
  /** Resume a job whose first attempts happened before (after a restart): the next attempt number. */
  firstAttempt?: number;
}

/** Options of {@link RetryingDelivery}. */
export interface RetryingDeliveryOptions {
  clock: Clock;
  scheduler: Scheduler;
  policy?: RetryPolicy;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Jobs accepted and not finished (waiting or in flight); the oldest waiting one is dropped beyond. */
  maxPending?: number;
  /** Called after every attempt (awaited before the next one is scheduled); errors are logged, never thrown. */
  onAttempt?: (record: AttemptRecord) => Promise<void> | void;
  /** Called when a job is dropped because too many are pending. */
  onDrop?: (job: DeliveryJob) => void;
  logger?: Logger;
}

interface ActiveJob {
  job: DeliveryJob;
  seq: number;
  cancelTimer: (() => void) | undefined;
  dropped: boolean;
}

/** Counters of a {@link RetryingDelivery}. */
export interface RetryStats {
  pending: number;
  delivered: number;
  failed: number;
  attempts: number;
  retries: number;
  dropped: number;
}

/**
 * Delivers jobs with retries. `submit` never blocks: the first attempt starts on the
 * next tick, later ones after {@link backoffDelay} on the injected scheduler. A job
 * ends when an attempt succeeds, fails for good (not retryable), or uses its last
 * attempt. At most `maxPending` jobs are kept; beyond, the oldest one not in flight is
 * dropped (counted).
 *
 * @example
 * ```ts
 * const delivery = new RetryingDelivery({ clock, scheduler: timerScheduler, onAttempt: (r) => recordAttempt(r) });
 * delivery.submit({ id: alert.alert_id, target: 'slack', send: () => postJson(url, body) });
 * ```
 */
export class RetryingDelivery {
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #policy: RetryPolicy;
  readonly #random: () => number;
  readonly #maxPending: number;
  readonly #onAttempt: RetryingDeliveryOptions['onAttempt'];
  readonly #onDrop: RetryingDeliveryOptions['onDrop'];
  readonly #log: Logger | undefined;
  readonly #active = new Map<number, ActiveJob>();
  #seq = 0;
  #inFlight = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];
  readonly #stats = { delivered: 0, failed: 0, attempts: 0, retries: 0, dropped: 0 };

  constructor(options: RetryingDeliveryOptions) {
    this.#clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#policy = options.policy ?? DEFAULT_RETRY;
    if (!(this.#policy.maxAttempts >= 1)) throw new Error('RetryPolicy.maxAttempts must be at least 1');
    this.#random = options.random ?? Math.random;
    this.#maxPending = options.maxPending ?? 1000;
    this.#onAttempt = options.onAttempt;
    this.#onDrop = options.onDrop;
    this.#log = options.logger;
  }

  /** Accepts a job; false when closed. */
  submit(job: DeliveryJob): boolean {
    if (this.#closed) return false;
    if (this.#active.size >= this.#maxPending) this.#dropOldest();
    const entry: ActiveJob = { job, seq: this.#seq++, cancelTimer: undefined, dropped: false };
    this.#active.set(entry.seq, entry);
    this.#inFlight += 1; // counted from now, so idle() waits for the first attempt
    setImmediate(() => {
      void this.#attempt(entry, job.firstAttempt ?? 1);
      this.#inFlight -= 1;
      this.#notifyIdle();
    });
    return true;
  }

  /** Resolves once no attempt is running or about to run (retries waiting on the scheduler do not count). */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Counters. */
  stats(): RetryStats {
    return { pending: this.#active.size, ...this.#stats };
  }

  /** Stops: no new jobs, waiting retries cancelled (attempts in flight finish). */
  close(): void {
    this.#closed = true;
    for (const a of this.#active.values()) a.cancelTimer?.();
    this.#active.clear();
  }

  #dropOldest(): void {
    // The oldest job waiting for a retry; if every job is in flight, the oldest of all.
    let victim: ActiveJob | undefined;
    for (const a of this.#active.values()) {
      if (a.cancelTimer) {
        victim = a;
        break;
      }
      victim ??= a;
    }
    if (!victim) return;
    victim.cancelTimer?.();
    victim.dropped = true;
    this.#active.delete(victim.seq);
    this.#stats.dropped += 1;
    this.#log?.warn({ job_id: victim.job.id, target: victim.job.target }, 'delivery dropped: too many pending');
    try {
      this.#onDrop?.(victim.job);
    } catch {
      // a counter callback never breaks delivery
    }
  }

  async #attempt(entry: ActiveJob, attempt: number): Promise<void> {
    if (entry.dropped || !this.#active.has(entry.seq)) return;
    entry.cancelTimer = undefined;
    this.#inFlight += 1;
    try {
      let result: AttemptResult;
      try {
        result = await entry.job.send(attempt);
      } catch {
        result = { ok: false, retryable: true, error: 'SEND_FAILED' };
      }
      this.#stats.attempts += 1;
      const last = attempt >= this.#policy.maxAttempts;
      // A job closed or dropped while in flight stays `retrying` in the record (it may be resumed) but is not rescheduled.
      const status: AttemptStatus = result.ok ? 'delivered' : result.retryable && !last ? 'retrying' : 'failed';
      const at = this.#clock.now();
      const delay = status === 'retrying' ? backoffDelay(attempt, this.#policy, this.#random) : 0;
      const record: AttemptRecord = {
        jobId: entry.job.id,
        target: entry.job.target,
        attempt,
        status,
        httpStatus: result.httpStatus ?? null,
        error: result.ok ? null : result.error,
        at,
        nextAttemptAt: status === 'retrying' ? new Date(at.getTime() + delay) : null,
      };
      try {
        await this.#onAttempt?.(record);
      } catch (err) {
        this.#log?.error({ err, job_id: entry.job.id, target: entry.job.target }, 'delivery outcome could not be recorded');
      }
      if (status === 'retrying' && !entry.dropped && !this.#closed) {
        this.#stats.retries += 1;
        entry.cancelTimer = this.#scheduler.schedule(delay, () => {
          entry.cancelTimer = undefined;
          void this.#attempt(entry, attempt + 1);
        });
      } else if (status !== 'retrying') {
        if (status === 'delivered') this.#stats.delivered += 1;
        else this.#stats.failed += 1;
        this.#active.delete(entry.seq);
        if (status === 'failed') this.#log?.warn({ job_id: entry.job.id, target: entry.job.target, attempt, error: record.error, http_status: record.httpStatus }, 'delivery failed for good');
      }
    } finally {
      this.#inFlight -= 1;
      this.#notifyIdle();
    }
  }

  #notifyIdle(): void {
    if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }
}
