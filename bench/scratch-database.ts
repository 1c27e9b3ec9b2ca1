import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { BenchContext } from './result.ts';

/**
 * A new, empty PostgreSQL database on the bench server, named after `purpose`;
 * `drop` removes it (forcing out leftover sessions).
 *
 * @example
 * ```ts
 * const db = await scratchDatabase(ctx, 'ledger');
 * try { … openPostgresStore(db.url) … } finally { await db.drop(); }
 * ```
 */
export async function scratchDatabase(ctx: BenchContext, purpose: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `writ_bench_${purpose}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new URL(ctx.postgresUrl);
  admin.pathname = '/postgres';
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(ctx.postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
