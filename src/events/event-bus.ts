/**
 * The enforcement event bus: the {@link EnforcementEventSink} the gateway and engine
 * emit into, fanning out to destinations (ledger, stdout, webhook, NATS) and raising
 * alerts for critical events.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { EnforcementEvent, EnforcementEventSink } from './enforcement-event.ts';
import { validateEnforcementEvent } from './event-schema.ts';
import type { RetryStats } from './retry.ts';
import type { EventDestination } from './sinks/destination.ts';

/** What the bus needs of the alert dispatcher: raise an alert for a critical event (sync, never throws). */
export interface EventAlertRaiser {
  /** Raises the alert an event calls for; returns its id, or null when the event is not critical. */
  raiseForEvent(event: EnforcementEvent): string | null;
}

/** What {@link EventBus.publish} did with an event. */
export interface PublishResult {
  /** False when the event was refused (invalid or looks like it holds a secret) or the bus is closed. */
  accepted: boolean;
  /** The alert raised for it, if it is critical. */
  alert_id: string | null;
}

/** Counters of one destination. */
export interface DestinationStats {
  queued: number;
  /** Events handed to the destination without a throw. */
  delivered: number;
  /** Events of batches the destination threw on. */
  failed: number;
  /** Events dropped because the queue was full (oldest first). */
  dropped: number;
}

/** Counters of the bus. */
export interface EventBusStats {
  /** Events accepted (valid) and handed to the destination queues. */
  emitted: number;
  /** Events refused: not schema-valid, or holding something that looks like a secret. */
  rejected: number;
  /** Events dropped before they were checked because the intake queue was full (oldest first). */
  dropped: number;
  /** Events emitted and not yet checked. */
  pending: number;
  alerts: number;
  destinations: Record<string, DestinationStats>;
}

/** Options of {@link EventBus}. */
export interface EventBusOptions {
  destinations: readonly EventDestination[];
  alerts?: EventAlertRaiser;
  /** Events queued per destination before the oldest is dropped (default 10 000). */
  capacity?: number;
  /** Events handed to a destination at once (default 100). */
  maxBatch?: number;
  logger?: Logger;
}

/** A fixed-size FIFO that drops its oldest item when full. */
class RingQueue<T> {
  readonly #items: Array<T | undefined>;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#items = new Array<T | undefined>(Math.max(1, capacity));
  }

  get size(): number {
    return this.#size;
  }

  /** Adds `item`; returns true when the oldest item was dropped to make room. */
  push(item: T): boolean {
    const cap = this.#items.length;
    if (this.#size === cap) {
      this.#items[this.#head] = item;
      this.#head = (this.#head + 1) % cap;
      return true;
    }
    this.#items[(this.#head + this.#size) % cap] = item;
    this.#size += 1;
    return false;
  }

  take(n: number): T[] {
    const out: T[] = [];
    const cap = this.#items.length;
    while (out.length < n && this.#size > 0) {
      out.push(this.#items[this.#head] as T);
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % cap;
      this.#size -= 1;
    }
    return out;
  }
}

interface Lane {
  destination: EventDestination;
  queue: RingQueue<EnforcementEvent>;
  running: boolean;
  stats: Omit<DestinationStats, 'queued'>;
}

/** A private copy of what a caller emitted, deep enough for any valid event (details nest one level). */
function copyEvent(event: unknown): Record<string, unknown> | null {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return null;
  const copy: Record<string, unknown> = { ...(event as Record<string, unknown>) };
  const details = copy.details;
  if (typeof details === 'object' && details !== null && !Array.isArray(details)) {
    const d: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(details)) d[k] = Array.isArray(v) ? [...(v as unknown[])] : typeof v === 'object' && v !== null ? { ...v } : v;
    copy.details = d;
  }
  return copy;
}

/**
 * Fans enforcement events out to destinations. `emit` is synchronous, never throws and
 * costs the caller one shallow copy: the event goes into a bounded intake queue (full ⇒
 * the oldest is dropped and counted) that is checked on a later tick
 * ({@link validateEnforcementEvent}: schema, no secret); a valid event is frozen and
 * queued per destination (bounded the same way), and each destination drains its
 * queue in order, in batches. A slow or failing destination delays only itself.
 * Critical events also raise an alert. {@link publish} checks at once instead (for
 * callers that need the answer, e.g. the alert id).
 *
 * @example
 * ```ts
 * const bus = new EventBus({ destinations: [new LedgerEventSink({ ledger, clock, scheduler })], alerts });
 * bus.emit(event);          // returns at once
 * await bus.idle();         // tests: everything handed over
 * ```
 */
export class EventBus implements EnforcementEventSink, EventAlertRaiser {
  readonly #lanes: Lane[];
  readonly #intake: RingQueue<Record<string, unknown>>;
  #intakeRunning = false;
  #intakeDropped = 0;
  readonly #alerts: EventAlertRaiser | undefined;
  readonly #maxBatch: number;
  readonly #log: Logger | undefined;
  #closed = false;
  #emitted = 0;
  #rejected = 0;
  #alertCount = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(options: EventBusOptions) {
    const capacity = options.capacity ?? 10_000;
    const names = new Set<string>();
    this.#lanes = options.destinations.map((destination) => {
      if (names.has(destination.name)) throw new Error(`event destination ${destination.name} is listed twice`);
      names.add(destination.name);
      return { destination, queue: new RingQueue<EnforcementEvent>(capacity), running: false, stats: { delivered: 0, failed: 0, dropped: 0 } };
    });
    this.#intake = new RingQueue(capacity);
    this.#alerts = options.alerts;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 100);
    this.#log = options.logger;
  }

  /** Names of the destinations, in order. */
  get destinations(): string[] {
    return this.#lanes.map((l) => l.destination.name);
  }

  /** {@link EnforcementEventSink.emit}: queues the event for checking and delivery; never throws, never blocks. */
  emit(event: EnforcementEvent): void {
    try {
      const copy = this.#closed ? null : copyEvent(event);
      if (!copy) {
        this.#rejected += 1;
        return;
      }
      if (this.#intake.push(copy)) {
        this.#intakeDropped += 1;
        if (this.#intakeDropped === 1 || this.#intakeDropped % 1000 === 0) this.#log?.warn({ dropped: this.#intakeDropped }, 'event intake full: oldest events dropped');
      }
      if (!this.#intakeRunning) {
        this.#intakeRunning = true;
        setImmediate(() => this.#drainIntake());
      }
    } catch {
      this.#rejected += 1;
    }
  }

  /** Checks the event now and queues it; says whether it was accepted and which alert it raised. Never throws. */
  publish(event: EnforcementEvent): PublishResult {
    if (this.#closed) {
      this.#rejected += 1;
      return { accepted: false, alert_id: null };
    }
    try {
      return this.#accept(copyEvent(event) ?? event);
    } catch (err) {
      this.#rejected += 1;
      this.#safeLog('error', { err }, 'enforcement event could not be queued');
      return { accepted: false, alert_id: null };
    }
  }

  /** Checks up to 500 events a tick, so a burst never holds the event loop for long. */
  #drainIntake(): void {
    try {
      for (const e of this.#intake.take(500)) {
        try {
          this.#accept(e);
        } catch (err) {
          this.#rejected += 1;
          this.#safeLog('error', { err }, 'enforcement event could not be queued');
        }
      }
    } finally {
      if (this.#intake.size > 0) {
        setImmediate(() => this.#drainIntake());
      } else {
        this.#intakeRunning = false;
        this.#notifyIdle();
      }
    }
  }

  #accept(event: unknown): PublishResult {
    const v = validateEnforcementEvent(event);
    if (!v.ok) {
      this.#rejected += 1;
      const type = (event as { event_type?: unknown } | null)?.event_type;
      this.#safeLog('warn', { event_type: typeof type === 'string' ? type.slice(0, 64) : undefined, problem: v.problem }, 'enforcement event refused');
      return { accepted: false, alert_id: null };
    }
    const frozen = Object.freeze(v.event);
    if (frozen.details) {
      for (const d of Object.values(frozen.details)) if (typeof d === 'object' && d !== null) Object.freeze(d);
      Object.freeze(frozen.details);
    }
    this.#emitted += 1;
    for (const lane of this.#lanes) {
      if (lane.queue.push(frozen)) {
        lane.stats.dropped += 1;
        if (lane.stats.dropped === 1 || lane.stats.dropped % 1000 === 0) {
          this.#safeLog('warn', { destination: lane.destination.name, dropped: lane.stats.dropped }, 'event queue full: oldest events dropped');
        }
      }
      this.#kick(lane);
    }
    return { accepted: true, alert_id: this.raiseForEvent(frozen) };
  }

  #safeLog(level: 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
    try {
      this.#log?.[level](fields, msg);
    } catch {
      // logging never breaks emit
    }
  }

  /** {@link EventAlertRaiser}: forwards to the alert dispatcher, if any. */
  raiseForEvent(event: EnforcementEvent): string | null {
    if (!this.#alerts) return null;
    try {
      const id = this.#alerts.raiseForEvent(event);
      if (id) this.#alertCount += 1;
      return id;
    } catch (err) {
      this.#log?.error({ err, event_id: event.event_id }, 'alert could not be raised');
      return null;
    }
  }

  /** Counters (for metrics and tests). */
  stats(): EventBusStats {
    const destinations: Record<string, DestinationStats> = {};
    for (const l of this.#lanes) destinations[l.destination.name] = { queued: l.queue.size, ...l.stats };
    return { emitted: this.#emitted, rejected: this.#rejected, dropped: this.#intakeDropped, pending: this.#intake.size, alerts: this.#alertCount, destinations };
  }

  /** Retry counters of the destinations that retry (webhook, ledger). */
  retryStats(): Record<string, RetryStats> {
    const out: Record<string, RetryStats> = {};
    for (const l of this.#lanes) {
      const s = l.destination.stats?.();
      if (s) out[l.destination.name] = s;
    }
    return out;
  }

  /**
   * Resolves once every queue is empty and no destination is delivering (retries that
   * wait on a scheduler do not count).
   */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#busy()) {
        await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
        continue;
      }
      await Promise.all(this.#lanes.map((l) => l.destination.idle?.()));
      if (!this.#busy()) return;
    }
  }

  #busy(): boolean {
    return this.#intakeRunning || this.#intake.size > 0 || this.#lanes.some((l) => l.running || l.queue.size > 0);
  }

  #notifyIdle(): void {
    if (!this.#busy()) for (const w of this.#idleWaiters.splice(0)) w();
  }

  /**
   * Stops accepting events, hands what is queued to the destinations (waiting at most
   * `timeoutMs`, real time), then closes them.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true; // events already emitted are still checked and delivered
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 5000)))]);
    clearTimeout(timer);
    for (const l of this.#lanes) {
      try {
        await l.destination.close?.();
      } catch (err) {
        this.#log?.warn({ err, destination: l.destination.name }, 'event destination did not close cleanly');
      }
    }
  }

  #kick(lane: Lane): void {
    if (lane.running) return;
    lane.running = true;
    setImmediate(() => void this.#drain(lane));
  }

  async #drain(lane: Lane): Promise<void> {
    try {
      while (lane.queue.size > 0) {
        const batch = lane.queue.take(this.#maxBatch);
        try {
          await lane.destination.deliver(batch);
          lane.stats.delivered += batch.length;
        } catch (err) {
          lane.stats.failed += batch.length;
          this.#log?.warn({ err: { code: (err as { code?: unknown })?.code }, destination: lane.destination.name, events: batch.length }, 'event destination failed a batch');
        }
      }
    } finally {
      lane.running = false;
      this.#notifyIdle();
    }
  }
}
