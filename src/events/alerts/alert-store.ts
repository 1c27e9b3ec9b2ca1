/**
 * Alerts and delivery attempts in the store (migration `008-events`).
 *
 * @module
 */
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { Database, Timestamp } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import type { AttemptRecord, AttemptStatus } from '../retry.ts';
import type { Alert, AlertCorrelation, AlertDetails, AlertKind, AlertSeverity } from './alert.ts';

/** `alerts`: one immutable row per raised alert. */
export interface AlertsTable {
  alert_id: string;
  kind: string;
  severity: AlertSeverity;
  summary: string;
  dedup_key: string;
  correlation: ColumnType<AlertCorrelation, string, string>;
  details: ColumnType<AlertDetails, string, string>;
  runbook_url: string | null;
  targets: ColumnType<string[], string, string>;
  raised_at: Timestamp;
}

/** `alert_deliveries`: one immutable row per delivery attempt. */
export interface AlertDeliveriesTable {
  delivery_id: Generated<number>;
  alert_id: string;
  target: string;
  attempt: number;
  status: AttemptStatus;
  http_status: number | null;
  error: string | null;
  at: Timestamp;
  next_attempt_at: Timestamp | null;
}

/** The events module's tables. */
export interface EventTables {
  alerts: AlertsTable;
  alert_deliveries: AlertDeliveriesTable;
}

/** `Database` with the events module's tables. */
export type EventsDatabase = Database & EventTables;

/**
 * Widens a store handle to the alert tables (a type-only cast; migration 008 creates them).
 *
 * @example
 * ```ts
 * await eventsDb(store.db).selectFrom('alert_deliveries').selectAll().execute();
 * ```
 */
export function eventsDb(db: Kysely<Database>): Kysely<EventsDatabase> {
  return db as unknown as Kysely<EventsDatabase>;
}

/**
 * Stores an alert (once; a second insert of the same id is a no-op).
 *
 * @example
 * ```ts
 * await insertAlert(store, alert, ['slack', 'pagerduty']);
 * ```
 */
export async function insertAlert(store: Store, alert: Alert, targets: readonly string[]): Promise<void> {
  await eventsDb(store.db)
    .insertInto('alerts')
    .values({
      alert_id: alert.alert_id,
      kind: alert.kind,
      severity: alert.severity,
      summary: alert.summary,
      dedup_key: alert.dedup_key,
      correlation: JSON.stringify(alert.correlation),
      details: JSON.stringify(alert.details),
      runbook_url: alert.runbook_url,
      targets: JSON.stringify(targets),
      raised_at: new Date(alert.raised_at),
    })
    .onConflict((oc) => oc.column('alert_id').doNothing())
    .execute();
}

/**
 * Stores one delivery attempt's outcome (job id = alert id).
 *
 * @example
 * ```ts
 * await insertDelivery(store, record);
 * ```
 */
export async function insertDelivery(store: Store, record: AttemptRecord): Promise<void> {
  await eventsDb(store.db)
    .insertInto('alert_deliveries')
    .values({
      alert_id: record.jobId,
      target: record.target,
      attempt: record.attempt,
      status: record.status,
      http_status: record.httpStatus,
      error: record.error,
      at: record.at,
      next_attempt_at: record.nextAttemptAt,
    })
    .execute();
}

/** One delivery attempt, as listed. */
export interface AlertDeliveryView {
  alert_id: string;
  kind: string;
  severity: string;
  dedup_key: string;
  summary: string;
  target: string;
  attempt: number;
  status: AttemptStatus;
  http_status: number | null;
  error: string | null;
  at: string;
  next_attempt_at: string | null;
}

/** Filter of {@link listDeliveries}. */
export interface DeliveryFilter {
  alert_id?: string;
  target?: string;
  status?: AttemptStatus;
  /** Default 100. */
  limit?: number;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * Delivery attempts, newest first.
 *
 * @example
 * ```ts
 * const rows = await listDeliveries(store, { alert_id: 'alr_1' });
 * ```
 */
export async function listDeliveries(store: Store, filter: DeliveryFilter = {}): Promise<AlertDeliveryView[]> {
  let q = eventsDb(store.db)
    .selectFrom('alert_deliveries as d')
    .innerJoin('alerts as a', 'a.alert_id', 'd.alert_id')
    .select(['d.alert_id', 'a.kind', 'a.severity', 'a.dedup_key', 'a.summary', 'd.target', 'd.attempt', 'd.status', 'd.http_status', 'd.error', 'd.at', 'd.next_attempt_at', 'd.delivery_id']);
  if (filter.alert_id) q = q.where('d.alert_id', '=', filter.alert_id);
  if (filter.target) q = q.where('d.target', '=', filter.target);
  if (filter.status) q = q.where('d.status', '=', filter.status);
  const rows = await q.orderBy('d.at', 'desc').orderBy('d.delivery_id', 'desc').limit(filter.limit ?? 100).execute();
  return rows.map((r) => ({
    alert_id: r.alert_id,
    kind: r.kind,
    severity: r.severity,
    dedup_key: r.dedup_key,
    summary: r.summary,
    target: r.target,
    attempt: r.attempt,
    status: r.status,
    http_status: r.http_status,
    error: r.error,
    at: iso(r.at),
    next_attempt_at: r.next_attempt_at ? iso(r.next_attempt_at) : null,
  }));
}

/** An alert whose delivery to `target` has not ended (no `delivered` or `failed` attempt). */
export interface PendingDelivery {
  alert: Alert;
  target: string;
  /** Attempts already made. */
  attempts: number;
  /** When the last one said to retry (null when no attempt was made). */
  next_attempt_at: Date | null;
}

/**
 * Deliveries still pending for alerts raised since `since` (to resume after a restart).
 *
 * @example
 * ```ts
 * for (const p of await pendingDeliveries(store, new Date(Date.now() - 86_400_000))) resume(p);
 * ```
 */
export async function pendingDeliveries(store: Store, since: Date, limit = 1000): Promise<PendingDelivery[]> {
  const rows = await sql<{
    alert_id: string;
    kind: string;
    severity: AlertSeverity;
    summary: string;
    dedup_key: string;
    correlation: AlertCorrelation | string;
    details: AlertDetails | string;
    runbook_url: string | null;
    raised_at: Date | string;
    target: string;
    attempts: number | string;
    next_attempt_at: Date | string | null;
  }>`
    select a.alert_id, a.kind, a.severity, a.summary, a.dedup_key, a.correlation, a.details, a.runbook_url, a.raised_at,
           t.target, coalesce(max(d.attempt), 0) as attempts, max(d.next_attempt_at) as next_attempt_at
    from alerts a
    cross join lateral jsonb_array_elements_text(a.targets) as t(target)
    left join alert_deliveries d on d.alert_id = a.alert_id and d.target = t.target
    where a.raised_at >= ${since}
    group by a.alert_id, t.target
    having not coalesce(bool_or(d.status in ('delivered', 'failed')), false)
    order by a.raised_at, a.alert_id, t.target
    limit ${limit}`.execute(store.db);
  const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
  return rows.rows.map((r) => ({
    alert: {
      alert_id: r.alert_id,
      kind: r.kind as AlertKind,
      severity: r.severity,
      summary: r.summary,
      dedup_key: r.dedup_key,
      raised_at: iso(r.raised_at),
      correlation: json(r.correlation),
      details: json(r.details),
      runbook_url: r.runbook_url,
    },
    target: r.target,
    attempts: Number(r.attempts),
    next_attempt_at: r.next_attempt_at ? new Date(r.next_attempt_at) : null,
  }));
}
