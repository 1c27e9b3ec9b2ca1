import type { Migration } from '../migration.ts';

/**
 * Live signals: phase holds, incidents, overrides.
 *
 * State model: status columns, never deletes. A hold is cleared (and an incident
 * resolved) by setting `cleared_at`/`cleared_by` (`resolved_at`/`resolved_by`) once,
 * guarded by `where … is null`, so the transition is one-way and idempotent; a
 * trigger refuses changing those columns again and refuses DELETE. Overrides are
 * immutable rows that lapse by time (`expires_at`, computed from the injected clock);
 * they are never updated or deleted. History of every change is in the ledger.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, [...MIGRATIONS, signalsMigration]);
 * ```
 */
export const signalsMigration: Migration = {
  name: '004-signals',
  statements: [
    `create table signal_holds (
       hold_id text primary key,
       scope_kind text not null check (scope_kind in ('target', 'environment')),
       target text not null check (length(target) between 1 and 256),
       reason text not null check (length(reason) between 1 and 500),
       author text not null check (length(author) between 1 and 128),
       set_at timestamptz not null,
       cleared_at timestamptz,
       cleared_by text,
       clear_reason text,
       check ((cleared_at is null) = (cleared_by is null))
     )`,
    `create index signal_holds_active on signal_holds (set_at) where cleared_at is null`,
    `create table signal_incidents (
       incident_id text primary key,
       targets jsonb not null check (jsonb_typeof(targets) = 'array'),
       environments jsonb not null check (jsonb_typeof(environments) = 'array'),
       reason text not null check (length(reason) between 1 and 500),
       author text not null check (length(author) between 1 and 128),
       opened_at timestamptz not null,
       resolved_at timestamptz,
       resolved_by text,
       resolve_reason text,
       check ((resolved_at is null) = (resolved_by is null))
     )`,
    `create index signal_incidents_open on signal_incidents (opened_at) where resolved_at is null`,
    `create table signal_overrides (
       override_id text primary key,
       targets jsonb not null check (jsonb_typeof(targets) = 'array'),
       environments jsonb not null check (jsonb_typeof(environments) = 'array'),
       reason text not null check (length(reason) between 1 and 500),
       author text not null check (length(author) between 1 and 128),
       ttl_seconds integer not null check (ttl_seconds > 0),
       granted_at timestamptz not null,
       expires_at timestamptz not null,
       check (expires_at > granted_at)
     )`,
    `create index signal_overrides_expiry on signal_overrides (expires_at)`,
    `create function writ_signals_guard() returns trigger language plpgsql as $$
     begin
       if tg_op = 'DELETE' or tg_table_name = 'signal_overrides' then
         raise exception 'signals are append-only: % on % refused', tg_op, tg_table_name using errcode = 'WS001';
       end if;
       if tg_table_name = 'signal_holds' then
         if old.cleared_at is not null
           or new.hold_id <> old.hold_id or new.scope_kind <> old.scope_kind or new.target <> old.target
           or new.reason <> old.reason or new.author <> old.author or new.set_at <> old.set_at then
           raise exception 'signal hold % may only be cleared once', old.hold_id using errcode = 'WS001';
         end if;
       end if;
       if tg_table_name = 'signal_incidents' then
         if old.resolved_at is not null
           or new.incident_id <> old.incident_id or new.targets <> old.targets or new.environments <> old.environments
           or new.reason <> old.reason or new.author <> old.author or new.opened_at <> old.opened_at then
           raise exception 'signal incident % may only be resolved once', old.incident_id using errcode = 'WS001';
         end if;
       end if;
       return new;
     end
     $$`,
    `create trigger signal_holds_guard before update or delete on signal_holds for each row execute function writ_signals_guard()`,
    `create trigger signal_incidents_guard before update or delete on signal_incidents for each row execute function writ_signals_guard()`,
    `create trigger signal_overrides_guard before update or delete on signal_overrides for each row execute function writ_signals_guard()`,
  ],
};
