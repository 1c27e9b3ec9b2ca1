import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { WritError } from '../errors/writ-error.ts';
import { acquireHomeLock, type HomeLock } from './home-lock.ts';
import { migrateToLatest } from './migrate.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';
import type { Store, StoreKind } from './store.ts';

/** int8 as a JS number when it is safe, like PGlite does by default. */
function parseInt8(value: string): number | bigint {
  const n = BigInt(value);
  return n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER) ? n : Number(n);
}

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return parseInt8 as (v: string) => unknown;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => WritError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function makeStore(kind: StoreKind, db: Kysely<Database>, onClose: () => Promise<void>): Store {
  let closed = false;
  return {
    kind,
    db,
    transaction: (fn) => db.transaction().execute(fn),
    async ping(timeoutMs = 2000) {
      await withTimeout(
        sql`select 1`.execute(db),
        timeoutMs,
        () => new WritError('STORE_UNAVAILABLE', 'store did not answer in time'),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await onClose();
    },
  };
}

/** Options of {@link openPgliteStore}. */
export interface OpenPgliteOptions {
  /** Data directory; omit for an in-memory database. */
  dataDir?: string;
  /** A dumped data directory (tarball) to start from, e.g. a migrated test image. */
  loadDataDir?: Blob;
  startTimeoutMs?: number;
  migrate?: boolean;
}

/**
 * Opens an embedded PGlite store. The start is bounded by a timeout with a clear error.
 *
 * @example
 * ```ts
 * const store = await openPgliteStore({ dataDir: '/tmp/writ/data' });
 * ```
 */
export async function openPgliteStore(options: OpenPgliteOptions = {}): Promise<Store> {
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const start = PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  let pglite: PGlite;
  try {
    pglite = await withTimeout(start, timeoutMs, () =>
      new WritError(
        'STORE_START_TIMEOUT',
        `embedded store did not start within ${timeoutMs} ms (raise WRIT_STORE_START_TIMEOUT_MS, or check ${options.dataDir ?? 'memory'})`,
      ),
    );
  } catch (err) {
    if (err instanceof WritError) {
      start.then((p) => p.close()).catch(() => undefined);
      throw err;
    }
    throw new WritError('STORE_UNAVAILABLE', `embedded store failed to start: ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  const store = makeStore('pglite', db, () => pglite.close());
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db as Kysely<unknown>);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

/**
 * Opens a PostgreSQL store over a `pg` pool and applies migrations.
 *
 * @example
 * ```ts
 * const store = await openPostgresStore('postgres://postgres@127.0.0.1:5432/writ');
 * ```
 */
export async function openPostgresStore(
  url: string,
  options: { migrate?: boolean; max?: number; connectTimeoutMs?: number } = {},
): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    types: pgTypes,
  });
  // An idle client's error (e.g. server restart) must not crash the process.
  pool.on('error', () => undefined);
  // Nor a checked-out client's: pg emits 'error' on a client whose connection dies while
  // it is in use (mid-query, in a transaction, or held for a session lock), and the pool
  // listens only while it is idle. The query still fails with the error, and the pool
  // discards the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = makeStore('postgres', db, async () => undefined);
  try {
    await store.ping(options.connectTimeoutMs ?? 5000);
    if (options.migrate !== false) await migrateToLatest(db as Kysely<unknown>);
  } catch (err) {
    await store.close().catch(() => undefined);
    if (err instanceof WritError && err.code === 'MIGRATION_FAILED') throw err;
    throw new WritError('STORE_UNAVAILABLE', `cannot reach PostgreSQL: ${(err as Error).message}`, { cause: err });
  }
  return store;
}

/**
 * Opens the store a config names: PostgreSQL when `databaseUrl` is set, else the
 * embedded PGlite store under `home/data`, guarded by the exclusive home lock.
 *
 * @example
 * ```ts
 * const store = await openStore({ home: '/var/lib/writ', databaseUrl: undefined, storeStartTimeoutMs: 60000 });
 * ```
 */
export async function openStore(config: {
  home: string;
  databaseUrl: string | undefined;
  storeStartTimeoutMs: number;
}): Promise<Store> {
  if (config.databaseUrl) return openPostgresStore(config.databaseUrl);
  const lock: HomeLock = acquireHomeLock(config.home);
  try {
    const store = await openPgliteStore({ dataDir: join(config.home, 'data'), startTimeoutMs: config.storeStartTimeoutMs });
    const close = store.close.bind(store);
    return { ...store, close: async () => { try { await close(); } finally { lock.release(); } } };
  } catch (err) {
    lock.release();
    throw err;
  }
}
