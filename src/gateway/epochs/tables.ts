import type { Kysely, Transaction } from 'kysely';
import type { EnforcementEpochsTable } from '../../engine/tables.ts';
import type { Database, Timestamp } from '../../store/schema.ts';

/** `enforcement_epochs` with the columns migration 007 adds. */
export interface EpochsTable extends EnforcementEpochsTable {
  /** End of the grace window of a draining epoch (null unless it drained). */
  drain_until: Timestamp | null;
  /** The grace the epoch was given when it started draining. */
  grace_seconds: number | null;
}

/** `Database` with the epochs table as the gateway sees it. */
export type EpochDatabase = Database & { enforcement_epochs: EpochsTable };

/**
 * Widens a store handle to the epochs table (a type-only cast; migrations 005 and 007 create it).
 *
 * @example
 * ```ts
 * await epochsDb(store.db).selectFrom('enforcement_epochs').selectAll().execute();
 * ```
 */
export function epochsDb<T extends Kysely<Database> | Transaction<Database>>(db: T): T extends Transaction<Database> ? Transaction<EpochDatabase> : Kysely<EpochDatabase> {
  return db as never;
}
