import type { Migration } from '../migration.ts';

/**
 * Alerts and their delivery attempts (DESIGN §3.6).
 *
 * `alerts`: one immutable row per raised alert (kind, severity, summary, dedup key,
 * correlation keys, the targets it is sent to). `alert_deliveries`: one immutable row
 * per delivery attempt: target name, attempt number, status, HTTP status, an error
 * code. Both are append-only (trigger refuses UPDATE and DELETE). No URL, routing key
 * or response body is ever stored: `target` is a name and `error` a stable code, both
 * held to a pattern by a check constraint. An alert with a target that has neither a
 * `delivered` nor a `failed` attempt is still pending (resumed after a restart).
 *
 * @example
 * ```ts
 * await migrateToLatest(db, [...MIGRATIONS, eventsMigration]);
 * ```
 */
export const eventsMigration: Migration = {
  name: '008-events',
  statements: [
    `create table alerts (
       alert_id text primary key check (length(alert_id) between 1 and 160),
       kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
       severity text not null check (severity in ('critical', 'error', 'warning', 'info')),
       summary text not null check (length(summary) between 1 and 1024),
       dedup_key text not null check (length(dedup_key) between 1 and 255),
       correlation jsonb not null check (jsonb_typeof(correlation) = 'object'),
       details jsonb not null check (jsonb_typeof(details) = 'object'),
       runbook_url text,
       targets jsonb not null check (jsonb_typeof(targets) = 'array'),
       raised_at timestamptz not null
     )`,
    `create index alerts_raised_at on alerts (raised_at)`,
    `create table alert_deliveries (
       delivery_id bigint generated always as identity primary key,
       alert_id text not null references alerts (alert_id),
       target text not null check (target ~ '^[a-z][a-z0-9_-]{0,31}$'),
       attempt integer not null check (attempt >= 1),
       status text not null check (status in ('delivered', 'retrying', 'failed')),
       http_status integer check (http_status between 100 and 599),
       error text check (error ~ '^[A-Z][A-Z0-9_]{0,63}$'),
       at timestamptz not null,
       next_attempt_at timestamptz,
       unique (alert_id, target, attempt)
     )`,
    `create index alert_deliveries_at on alert_deliveries (at desc, delivery_id desc)`,
    `create function writ_alerts_guard() returns trigger language plpgsql as $$
     begin
       raise exception 'alerts are append-only: % on % refused', tg_op, tg_table_name using errcode = 'WS001';
     end
     $$`,
    `create trigger alerts_guard before update or delete on alerts for each row execute function writ_alerts_guard()`,
    `create trigger alert_deliveries_guard before update or delete on alert_deliveries for each row execute function writ_alerts_guard()`,
  ],
};
