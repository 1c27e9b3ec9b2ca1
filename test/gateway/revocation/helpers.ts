/**
 * Stores for revocation tests: migrated through 007 on the store named by
 * WRIT_TEST_STORE. On PostgreSQL a scratch database whose URL the tests use for
 * the mesh's LISTEN client and for second replicas (another pool on the same
 * database); on PGlite one in-process store (replicas share it).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { connect } from 'nats';
import type { Clock } from '../../../src/common/clock.ts';
import { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { enqueueInTransaction } from '../../../src/ledger/sequencer.ts';
import { migrateToLatest } from '../../../src/store/migrate.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { revocationsMigration } from '../../../src/store/migrations/007-revocations.ts';
import { openPostgresStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { TEST_STORE_KIND, createScratchDatabase, openTestStore } from '../../harness/test-store.ts';

/** The migrations these tests run (007 is appended until the lead lists it in the index). */
export const TEST_MIGRATIONS = MIGRATIONS.some((m) => m.name === revocationsMigration.name) ? MIGRATIONS : [...MIGRATIONS, revocationsMigration];

/** Applies the migrations through 007 to a store. */
export async function migrateThrough007(store: Store): Promise<void> {
  await migrateToLatest(store.db as unknown as Kysely<unknown>, TEST_MIGRATIONS);
}

/** A migrated store and, on PostgreSQL, its URL. */
export interface MeshStore {
  store: Store;
  /** PostgreSQL only: the database URL (LISTEN client, second replicas). */
  databaseUrl: string | undefined;
  /** Another store on the same database (PostgreSQL: a new pool; PGlite: the same store). */
  replica(): Promise<Store>;
  close(): Promise<void>;
}

/** Opens a fresh store migrated through 007. */
export async function openMeshStore(): Promise<MeshStore> {
  if (TEST_STORE_KIND === 'pglite') {
    const store = await openTestStore();
    await migrateThrough007(store);
    return { store, databaseUrl: undefined, replica: async () => store, close: () => store.close() };
  }
  const scratch = await createScratchDatabase();
  const store = await openPostgresStore(scratch.url, { max: 4 });
  await migrateThrough007(store);
  const replicas: Store[] = [];
  return {
    store,
    databaseUrl: scratch.url,
    async replica() {
      const r = await openPostgresStore(scratch.url, { max: 2, migrate: false });
      replicas.push(r);
      return r;
    },
    async close() {
      for (const r of replicas) await r.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      await scratch.drop();
    },
  };
}

/** A keyring on `store` whose changes are ledgered like the server's. */
export async function testKeyring(store: Store, clock: Clock): Promise<Keyring> {
  const keyring = new Keyring({
    store,
    provider: new LocalKeyProvider(randomBytes(32)),
    clock,
    audit: async (trx, { type, ...payload }) => {
      await enqueueInTransaction(trx, [{ stream_id: 'system.keyring', entry_type: type, payload }]);
    },
  });
  await keyring.ensureActiveKey('token');
  await keyring.ensureActiveKey('ledger');
  return keyring;
}

/** Polls `cond` every 5 ms until it holds; fails after `timeoutMs` (for real NOTIFY / NATS delivery only). */
export async function waitUntil(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The NATS server tests use (WRIT_TEST_NATS_URL, default the local one). */
export const TEST_NATS_URL = process.env.WRIT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** True when the test NATS server answers (NATS tests are skipped otherwise). */
export async function natsReachable(): Promise<boolean> {
  try {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 1000, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/** A subject of its own for one test run, so parallel test processes never cross. */
export function testSubject(): string {
  return `writ.revocations.test.${randomBytes(6).toString('hex')}`;
}

/** A random jti like the token issuer makes. */
export function newJti(): string {
  return randomBytes(16).toString('base64url');
}
