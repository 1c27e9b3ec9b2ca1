/**
 * Gives each test a fresh database on the store named by WRIT_TEST_STORE:
 * - `pglite` (default): a new PGlite restored from a migrated image that is built
 *   once per migration set and cached in the OS temp dir (a cold PGlite costs ~3 s,
 *   a restore ~0.5 s);
 * - `postgres`: a new database on WRIT_TEST_DATABASE_URL's server, migrated, and
 *   dropped again on close.
 * The same test code runs on both, like kysely's dialect matrix.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kysely } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from '../../src/store/pglite-dialect.ts';
import { migrateToLatest, migrationsFingerprint } from '../../src/store/migrate.ts';
import { openPgliteStore, openPostgresStore } from '../../src/store/open-store.ts';
import type { Store, StoreKind } from '../../src/store/store.ts';

/** The store kind this test process runs on. */
export const TEST_STORE_KIND: StoreKind = process.env.WRIT_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';

/** The server URL used for PostgreSQL tests. */
export const TEST_DATABASE_URL = process.env.WRIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/writ_test';

async function pgliteImage(): Promise<Blob> {
  const file = join(tmpdir(), `writ-test-image-${migrationsFingerprint()}.tar`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create();
    const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file); // atomic: concurrent test processes never read a half image
  }
  return new Blob([readFileSync(file)]);
}

let counter = 0;

/** Opens a fresh, migrated store for one test file. Close it in `after`. */
export async function openTestStore(): Promise<Store> {
  if (TEST_STORE_KIND === 'pglite') {
    return openPgliteStore({ loadDataDir: await pgliteImage(), migrate: false });
  }
  counter += 1;
  const name = `writ_t_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const store = await openPostgresStore(url.toString(), { max: 4 });
  const close = store.close.bind(store);
  return {
    ...store,
    async close() {
      await close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** URL of a fresh empty database (PostgreSQL runs only), dropped by the returned cleanup. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `writ_s_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
