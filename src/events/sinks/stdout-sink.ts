import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EnforcementEvent } from '../enforcement-event.ts';
import type { EventDestination } from './destination.ts';

/**
 * Writes every event as one JSON line (`WRIT_EVENTS_STDOUT`). Honours backpressure: a
 * full stream delays this destination only (the bus queue absorbs, then drops oldest).
 *
 * @example
 * ```ts
 * const sink = new StdoutEventSink(process.stdout);
 * ```
 */
export class StdoutEventSink implements EventDestination {
  readonly name = 'stdout';
  readonly #out: Writable;

  constructor(out: Writable = process.stdout) {
    this.#out = out;
  }

  async deliver(events: readonly EnforcementEvent[]): Promise<void> {
    const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (this.#out.write(text)) return;
    await Promise.race([once(this.#out, 'drain'), once(this.#out, 'close')]);
  }
}
