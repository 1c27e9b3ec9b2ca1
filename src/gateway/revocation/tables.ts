import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database, Timestamp } from '../../store/schema.ts';
import type { RevocationKind } from './revocation-view.ts';

/** `revocations`: one immutable row per revoked jti, kid or agent (migration 007). */
export interface RevocationsTable {
  id: Generated<number>;
  kind: RevocationKind;
  value: string;
  reason: string;
  actor: string;
  created_at: Timestamp;
}

/** The revocation tables, for Kysely typing (the lead may add them to `Database`). */
export interface RevocationTables {
  revocations: RevocationsTable;
}

/** `Database` with the revocation tables. */
export type RevocationDatabase = Database & RevocationTables;

/**
 * Widens a store handle to the revocation tables (a type-only cast; migration 007 creates them).
 *
 * @example
 * ```ts
 * await revocationsDb(store.db).selectFrom('revocations').selectAll().execute();
 * ```
 */
export function revocationsDb<T extends Kysely<Database> | Transaction<Database>>(db: T): T extends Transaction<Database> ? Transaction<RevocationDatabase> : Kysely<RevocationDatabase> {
  return db as never;
}
