/**
 * Raising alerts and delivering them to Slack and PagerDuty with retries; every
 * attempt's outcome is recorded in the store.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.ts';
import { cryptoIdSource, type IdSource } from '../../common/ids.ts';
import type { Store } from '../../store/store.ts';
import type { EnforcementEvent } from '../enforcement-event.ts';
import type { EventAlertRaiser } from '../event-bus.ts';
import { RetryingDelivery, type AttemptRecord, type RetryPolicy, type RetryStats } from '../retry.ts';
import type { Scheduler } from '../scheduler.ts';
import { alertFromBreakGlass, alertFromEvent, type Alert, type AlertKind, type BreakGlassAlertInput } from './alert.ts';
import { insertAlert, insertDelivery, pendingDeliveries } from './alert-store.ts';
import type { AlertTarget } from './targets.ts';

/** What the engine needs to alert on a break-glass use (every use alerts, DESIGN §3.10). */
export interface BreakGlassAlerter {
  /** Raises the alert (sync, never throws); returns its id. */
  alertBreakGlass(use: BreakGlassAlertInput): string;
}

/** Options of {@link AlertDispatcher}. */
export interface AlertDispatcherOptions {
  /** Where alerts go (none: alerts are still recorded and logged). */
  targets: readonly AlertTarget[];
  /** Records alerts and every delivery attempt (`alerts`, `alert_deliveries`); without it, outcomes are only logged. */
  store?: Store;
  clock: Clock;
  scheduler: Scheduler;
  ids?: IdSource;
  policy?: RetryPolicy;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Alerts link `<base>/<kind>`. */
  runbookBaseUrl?: string | undefined;
  /** Deliveries kept pending at most (default 1000); beyond, the oldest waiting one is dropped. */
  maxPending?: number;
  logger?: Logger;
}

/** Counters of the dispatcher. */
export interface AlertStats {
  raised: Partial<Record<AlertKind, number>>;
  deliveries: RetryStats;
  /** Store writes that failed (the delivery went on regardless). */
  recordFailures: number;
}

/**
 * Raises alerts for critical events ({@link EventAlertRaiser}, called by the event bus)
 * and break-glass uses ({@link BreakGlassAlerter}, called by the engine). Raising is
 * synchronous and never throws; the alert is stored, then sent to every target with
 * retries (exponential backoff + jitter on the injected scheduler, bounded attempts),
 * and each attempt's outcome (`delivered`, `retrying`, `failed`, HTTP status, error
 * code) is stored. Targets are recorded by name; their URL and key never leave them.
 *
 * @example
 * ```ts
 * const alerts = new AlertDispatcher({ targets: [slackTarget({ webhookUrl })], store, clock, scheduler: timerScheduler, runbookBaseUrl });
 * alerts.alertBreakGlass(use);
 * ```
 */
export class AlertDispatcher implements EventAlertRaiser, BreakGlassAlerter {
  readonly #targets: readonly AlertTarget[];
  readonly #store: Store | undefined;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #runbookBaseUrl: string | undefined;
  readonly #log: Logger | undefined;
  readonly #delivery: RetryingDelivery;
  /** Alert rows being inserted; an attempt is recorded only after its alert row. */
  readonly #inserting = new Map<string, Promise<void>>();
  readonly #writes = new Set<Promise<unknown>>();
  readonly #raised: Partial<Record<AlertKind, number>> = {};
  #recordFailures = 0;

  constructor(options: AlertDispatcherOptions) {
    const names = new Set<string>();
    for (const t of options.targets) {
      if (!/^[a-z][a-z0-9_-]{0,31}$/.test(t.name) || names.has(t.name)) throw new Error(`alert target name ${JSON.stringify(t.name)} is invalid or listed twice`);
      names.add(t.name);
    }
    this.#targets = options.targets;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ids = options.ids ?? cryptoIdSource;
    this.#runbookBaseUrl = options.runbookBaseUrl;
    this.#log = options.logger;
    this.#delivery = new RetryingDelivery({
      clock: options.clock,
      scheduler: options.scheduler,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      maxPending: options.maxPending ?? 1000,
      onAttempt: (record) => this.#recordAttempt(record),
    });
  }

  /** Names of the targets. */
  get targets(): string[] {
    return this.#targets.map((t) => t.name);
  }

  /** {@link EventAlertRaiser}: the alert of a critical event; null for other events. */
  raiseForEvent(event: EnforcementEvent): string | null {
    try {
      const alert = alertFromEvent(event, this.#context());
      if (!alert) return null;
      this.raise(alert);
      return alert.alert_id;
    } catch (err) {
      this.#log?.error({ err, event_id: event.event_id }, 'alert could not be raised');
      return null;
    }
  }

  /** {@link BreakGlassAlerter}: the alert of a break-glass use. */
  alertBreakGlass(use: BreakGlassAlertInput): string {
    const ctx = this.#context();
    try {
      this.raise(alertFromBreakGlass(use, ctx));
    } catch (err) {
      this.#log?.error({ err, decision_id: use.decision_id }, 'break-glass alert could not be raised');
    }
    return ctx.alert_id;
  }

  /** Stores and sends an alert (sync; delivery happens later). */
  raise(alert: Alert): void {
    this.#raised[alert.kind] = (this.#raised[alert.kind] ?? 0) + 1;
    this.#log?.warn(
      { alert_id: alert.alert_id, kind: alert.kind, severity: alert.severity, dedup_key: alert.dedup_key, correlation: alert.correlation, targets: this.targets },
      this.#targets.length > 0 ? 'alert raised' : 'alert raised (no alert target configured)',
    );
    if (this.#store) {
      const store = this.#store;
      const p = this.#track(
        insertAlert(store, alert, this.targets).catch((err: unknown) => {
          this.#recordFailures += 1;
          this.#log?.error({ err, alert_id: alert.alert_id }, 'alert could not be stored');
        }),
      );
      this.#inserting.set(alert.alert_id, p);
      void p.finally(() => {
        if (this.#inserting.get(alert.alert_id) === p) this.#inserting.delete(alert.alert_id);
      });
    }
    for (const target of this.#targets) {
      this.#delivery.submit({ id: alert.alert_id, target: target.name, send: () => target.send(alert) });
    }
  }

  /**
   * Resumes deliveries a previous process left pending (alerts raised since `since`,
   * default the last 24 h, to targets configured now). Returns how many were resumed.
   */
  async resumePending(options: { since?: Date } = {}): Promise<number> {
    if (!this.#store) return 0;
    const since = options.since ?? new Date(this.#clock.now().getTime() - 24 * 3600 * 1000);
    const byName = new Map(this.#targets.map((t) => [t.name, t]));
    let n = 0;
    for (const p of await pendingDeliveries(this.#store, since)) {
      const target = byName.get(p.target);
      if (!target) continue;
      this.#delivery.submit({ id: p.alert.alert_id, target: target.name, firstAttempt: p.attempts + 1, send: () => target.send(p.alert) });
      n += 1;
    }
    if (n > 0) this.#log?.info({ resumed: n }, 'pending alert deliveries resumed');
    return n;
  }

  /** Resolves once no attempt and no store write is running (retries waiting on the scheduler do not count). */
  async idle(): Promise<void> {
    for (;;) {
      await this.#delivery.idle();
      if (this.#writes.size === 0) return;
      await Promise.all([...this.#writes]);
    }
  }

  /** Counters. */
  stats(): AlertStats {
    return { raised: { ...this.#raised }, deliveries: this.#delivery.stats(), recordFailures: this.#recordFailures };
  }

  /** Stops: waiting retries are cancelled (they resume after a restart with {@link resumePending}). */
  close(): void {
    this.#delivery.close();
  }

  #context() {
    return { alert_id: this.#ids.newId('alr'), raised_at: this.#clock.now(), runbookBaseUrl: this.#runbookBaseUrl };
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#writes.add(p);
    void p.finally(() => this.#writes.delete(p)).catch(() => undefined);
    return p;
  }

  async #recordAttempt(record: AttemptRecord): Promise<void> {
    const fields = { alert_id: record.jobId, target: record.target, attempt: record.attempt, status: record.status, http_status: record.httpStatus, error: record.error };
    if (record.status === 'failed') this.#log?.error(fields, 'alert delivery failed');
    else this.#log?.info(fields, `alert delivery ${record.status}`);
    const store = this.#store;
    if (!store) return;
    await this.#track(
      (async () => {
        await this.#inserting.get(record.jobId);
        await insertDelivery(store, record);
      })().catch((err: unknown) => {
        this.#recordFailures += 1;
        this.#log?.error({ err, alert_id: record.jobId, target: record.target }, 'alert delivery outcome could not be stored');
      }),
    );
  }
}
