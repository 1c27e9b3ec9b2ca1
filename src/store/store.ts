import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** Which database a store runs on. */
export type StoreKind = 'pglite' | 'postgres';

/**
 * An open Writ store: a typed Kysely handle over PGlite or PostgreSQL.
 *
 * @example
 * ```ts
 * const store = await openStore(config);
 * await store.transaction(async (trx) => trx.insertInto('writ_meta').values({ key: 'k', value: 'v' }).execute());
 * await store.close();
 * ```
 */
export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query within `timeoutMs`, rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
