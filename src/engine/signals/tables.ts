import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database, Timestamp } from '../../store/schema.ts';

/** `signal_holds`: one row per hold; clearing sets `cleared_at`/`cleared_by` once (rows are never deleted). */
export interface SignalHoldsTable {
  hold_id: string;
  scope_kind: 'target' | 'environment';
  target: string;
  reason: string;
  author: string;
  set_at: Timestamp;
  cleared_at: Timestamp | null;
  cleared_by: string | null;
  clear_reason: string | null;
}

/** `signal_incidents`: one row per incident; resolving sets `resolved_at`/`resolved_by` once. */
export interface SignalIncidentsTable {
  incident_id: string;
  targets: ColumnType<string[], string, string>;
  environments: ColumnType<string[], string, string>;
  reason: string;
  author: string;
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolve_reason: string | null;
}

/** `signal_overrides`: one immutable row per grant; active while `granted_at <= now < expires_at`. */
export interface SignalOverridesTable {
  override_id: string;
  targets: ColumnType<string[], string, string>;
  environments: ColumnType<string[], string, string>;
  reason: string;
  author: string;
  ttl_seconds: number;
  granted_at: Timestamp;
  expires_at: Timestamp;
}

/**
 * The signal tables, for Kysely typing. The lead adds these three to `Database` in
 * `src/store/schema.ts`; until then {@link signalsDb} widens the handle.
 *
 * @example
 * ```ts
 * const db: Kysely<SignalsDatabase> = signalsDb(store.db);
 * ```
 */
export interface SignalTables {
  signal_holds: SignalHoldsTable;
  signal_incidents: SignalIncidentsTable;
  signal_overrides: SignalOverridesTable;
}

/** `Database` with the signal tables. */
export type SignalsDatabase = Database & SignalTables;

/**
 * Widens a store handle to the signal tables (a type-only cast; the migration creates them).
 *
 * @example
 * ```ts
 * await signalsDb(store.db).selectFrom('signal_holds').selectAll().execute();
 * ```
 */
export function signalsDb<T extends Kysely<Database> | Transaction<Database>>(db: T): T extends Transaction<Database> ? Transaction<SignalsDatabase> : Kysely<SignalsDatabase> {
  return db as never;
}
