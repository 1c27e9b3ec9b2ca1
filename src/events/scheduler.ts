/**
 * Injected timers for retries, so backoff is testable without sleeping.
 *
 * @module
 */
import type { ManualClock } from '../common/clock.ts';

/** Runs `fn` once after `delayMs`; the returned function cancels it. */
export interface Scheduler {
  schedule(delayMs: number, fn: () => void): () => void;
}

/** Real timers (unref'd: a pending retry never keeps the process alive). */
export const timerScheduler: Scheduler = {
  schedule(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return () => clearTimeout(t);
  },
};

interface Timer {
  due: number;
  seq: number;
  delayMs: number;
  fn: () => void;
}

/**
 * A scheduler driven by a {@link ManualClock}: nothing runs until the test advances
 * time. `advance(ms)` moves the clock and runs every timer that became due, in order.
 *
 * @example
 * ```ts
 * const scheduler = new ManualScheduler(clock);
 * scheduler.schedule(1000, retry);
 * scheduler.advance(1000); // runs retry
 * ```
 */
export class ManualScheduler implements Scheduler {
  readonly #clock: ManualClock;
  #timers: Timer[] = [];
  #seq = 0;

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const timer: Timer = { due: this.#clock.now().getTime() + Math.max(0, delayMs), seq: this.#seq++, delayMs, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Delays (ms, as scheduled) of the timers not yet run, earliest first. */
  pendingDelays(): number[] {
    return this.#sorted().map((t) => t.delayMs);
  }

  /** Number of timers not yet run. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves the clock by `ms` and runs the timers due by then; returns how many ran. */
  advance(ms: number): number {
    this.#clock.advance(ms);
    return this.runDue();
  }

  /** Moves the clock to the earliest pending timer and runs what is due then. */
  runNext(): number {
    const next = this.#sorted()[0];
    if (!next) return 0;
    const now = this.#clock.now().getTime();
    if (next.due > now) this.#clock.advance(next.due - now);
    return this.runDue();
  }

  /** Runs every timer due at the clock's current time. */
  runDue(): number {
    const now = this.#clock.now().getTime();
    const due = this.#sorted().filter((t) => t.due <= now);
    this.#timers = this.#timers.filter((t) => !due.includes(t));
    for (const t of due) t.fn();
    return due.length;
  }

  #sorted(): Timer[] {
    return [...this.#timers].sort((a, b) => a.due - b.due || a.seq - b.seq);
  }
}
