import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { WritError } from '../errors/writ-error.ts';
import type { Migration } from './migration.ts';
import { MIGRATIONS } from './migrations/index.ts';

/** Stable id for the migration lock (a PostgreSQL advisory lock key). */
const MIGRATION_LOCK_KEY = 0x57524954; // 'WRIT'

/**
 * A fingerprint of the migration set; test images are cached by it.
 *
 * @example
 * ```ts
 * migrationsFingerprint(); // '3f2a…' (hex)
 * ```
 */
export function migrationsFingerprint(migrations: readonly Migration[] = MIGRATIONS): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(m.name).update('\0').update(m.statements.join('\0')).update('\0\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * Applies every migration not yet applied, each in its own transaction, under a
 * transaction-scoped advisory lock so that concurrent replicas migrate once.
 * Returns the names that were applied.
 *
 * @example
 * ```ts
 * await migrateToLatest(db); // ['001-foundation']
 * ```
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  await sql`create table if not exists writ_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(db);
  const applied: string[] = [];
  for (const m of migrations) {
    try {
      const did = await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
        const done = await sql<{ name: string }>`select name from writ_migrations where name = ${m.name}`.execute(trx);
        if (done.rows.length > 0) return false;
        for (const statement of m.statements) await sql.raw(statement).execute(trx);
        await sql`insert into writ_migrations (name) values (${m.name})`.execute(trx);
        return true;
      });
      if (did) applied.push(m.name);
    } catch (err) {
      throw new WritError('MIGRATION_FAILED', `migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return applied;
}
