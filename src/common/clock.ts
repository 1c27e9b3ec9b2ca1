/**
 * Injected time. Nothing in Writ reads the wall clock directly: code takes a
 * {@link Clock} so that every time-dependent rule is testable deterministically.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
 * clock.advance(30_000);
 * clock.now().toISOString(); // '2026-01-01T00:00:30.000Z'
 * ```
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date = new Date('2026-01-01T00:00:00.000Z')) {
    this.#ms = start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }

  /** Sets the clock to `at`. */
  set(at: Date): void {
    this.#ms = at.getTime();
  }
}
