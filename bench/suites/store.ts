import { sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from '../../src/store/pglite-dialect.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openPgliteStore, openPostgresStore } from '../../src/store/open-store.ts';
import { throughput, type BenchResult, type BenchSuite } from '../result.ts';

const ROWS = 1000;

async function timeRows(fn: () => Promise<void>, rounds: number): Promise<number> {
  await fn();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (rounds * ROWS * 1000) / (performance.now() - start);
}

/**
 * A transaction inserting 1,000 rows through the Kysely store vs the same rows as one
 * raw multi-row INSERT on the bare driver (the floor).
 */
export const storeSuite: BenchSuite = {
  name: 'store',
  async run(ctx) {
    const out: BenchResult[] = [];
    const rounds = ctx.quick ? 3 : 20;
    const notes = Array.from({ length: ROWS }, (_, i) => `row-${i}`);
    const rawSql = `insert into writ_test_probe (note) values ${notes.map((_, i) => `($${i + 1})`).join(',')}`;
    for (const kind of ctx.stores) {
      if (kind === 'pglite') {
        const raw = await PGlite.create();
        await migrateToLatest(new Kysely<unknown>({ dialect: new PGliteDialect(raw) }));
        const floor = await timeRows(async () => {
          await raw.query(rawSql, notes);
        }, rounds);
        await raw.close();
        const store = await openPgliteStore();
        const value = await timeRows(() => store.transaction(async (trx) => {
          await trx.insertInto('writ_test_probe').values(notes.map((note) => ({ note }))).execute();
        }), rounds);
        await store.close();
        out.push(throughput('store.tx_insert_1000', 'pglite', value, 'rows/s', 'raw PGlite multi-row INSERT', floor));
      } else {
        const store = await openPostgresStore(ctx.postgresUrl);
        await sql`truncate writ_test_probe`.execute(store.db);
        const client = new pg.Client({ connectionString: ctx.postgresUrl });
        await client.connect();
        const floor = await timeRows(async () => {
          await client.query(rawSql, notes);
        }, rounds);
        await client.end();
        const value = await timeRows(() => store.transaction(async (trx) => {
          await trx.insertInto('writ_test_probe').values(notes.map((note) => ({ note }))).execute();
        }), rounds);
        await sql`truncate writ_test_probe`.execute(store.db);
        await store.close();
        out.push(throughput('store.tx_insert_1000', 'postgres', value, 'rows/s', 'raw pg multi-row INSERT', floor));
      }
    }
    return out;
  },
};
