import type { EnforcementEvent } from '../enforcement-event.ts';
import type { RetryStats } from '../retry.ts';

/**
 * Where the {@link EventBus} sends events. `deliver` gets events in emission order, in
 * batches; a throw counts the batch as failed for this destination (never for others).
 * Destinations that retry do so on their own and report through `idle`/`stats`.
 *
 * @example
 * ```ts
 * const stdout: EventDestination = { name: 'stdout', deliver: async (events) => { for (const e of events) console.log(JSON.stringify(e)); } };
 * ```
 */
export interface EventDestination {
  /** A name for metrics and logs (`ledger`, `stdout`, `webhook`, `nats`); never a URL. */
  readonly name: string;
  deliver(events: readonly EnforcementEvent[]): Promise<void>;
  /** Resolves once no delivery of this destination is running (retries waiting do not count). */
  idle?(): Promise<void>;
  /** Retry counters, for destinations that retry. */
  stats?(): RetryStats;
  close?(): Promise<void> | void;
}
