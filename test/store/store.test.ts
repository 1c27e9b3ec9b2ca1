import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestStore, TEST_STORE_KIND } from '../harness/test-store.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import type { Store } from '../../src/store/store.ts';
import type { Kysely } from 'kysely';

let store: Store;
before(async () => {
  store = await openTestStore();
});
after(async () => {
  await store.close();
});

test(`store kind is ${TEST_STORE_KIND}`, () => {
  assert.equal(store.kind, TEST_STORE_KIND);
});

test('migrations are applied and re-running them is a no-op', async () => {
  const rows = await sql<{ name: string }>`select name from writ_migrations order by name`.execute(store.db);
  assert.deepEqual(rows.rows.map((r) => r.name), ['001-foundation', '002-ledger', '003-policy', '004-signals', '005-engine', '006-gateway', '007-revocations', '008-events', '009-spiffe', '010-policy-lifecycle']);
  assert.deepEqual(await migrateToLatest(store.db as unknown as Kysely<unknown>), []);
});

test('a transaction commits when its function resolves', async () => {
  await store.transaction(async (trx) => {
    await trx.insertInto('writ_test_probe').values({ note: 'committed' }).execute();
  });
  const found = await store.db.selectFrom('writ_test_probe').select('note').where('note', '=', 'committed').execute();
  assert.equal(found.length, 1);
});

test('a transaction rolls back when its function throws', async () => {
  await assert.rejects(
    store.transaction(async (trx) => {
      await trx.insertInto('writ_test_probe').values({ note: 'rolled-back' }).execute();
      throw new Error('boom');
    }),
    /boom/,
  );
  const found = await store.db.selectFrom('writ_test_probe').select('note').where('note', '=', 'rolled-back').execute();
  assert.equal(found.length, 0);
});

test('concurrent transactions do not see each other half-done', async () => {
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      store.transaction(async (trx) => {
        await trx.insertInto('writ_test_probe').values({ note: `conc-${i}` }).execute();
        const n = await trx.selectFrom('writ_test_probe').select((eb) => eb.fn.countAll<number>().as('n')).where('note', 'like', 'conc-%').executeTakeFirstOrThrow();
        return Number(n.n);
      }),
    ),
  );
  assert.equal(results.length, 8);
  const total = await store.db.selectFrom('writ_test_probe').select((eb) => eb.fn.countAll<number>().as('n')).where('note', 'like', 'conc-%').executeTakeFirstOrThrow();
  assert.equal(Number(total.n), 8);
});

test('int8, jsonb and timestamptz read back with the same JS types on both stores', async () => {
  const r = await sql<{ a: number; j: { x: number }; t: Date }>`select 42::int8 as a, '{"x":1}'::jsonb as j, '2026-01-01T00:00:00Z'::timestamptz as t`.execute(store.db);
  const row = r.rows[0]!;
  assert.equal(row.a, 42);
  assert.deepEqual(row.j, { x: 1 });
  assert.ok(row.t instanceof Date);
  assert.equal(row.t.toISOString(), '2026-01-01T00:00:00.000Z');
});

test('ping resolves on a live store', async () => {
  await store.ping();
});

test('only one active key per purpose is allowed by the schema', async () => {
  const base = { alg: 'EdDSA' as const, purpose: 'token' as const, status: 'active' as const, provider: 'local', public_jwk: '{}', private_ref: 'x', created_at: new Date() };
  await store.db.insertInto('keyring_keys').values({ ...base, kid: 'probe-1' }).execute();
  await assert.rejects(store.db.insertInto('keyring_keys').values({ ...base, kid: 'probe-2' }).execute());
  await store.db.deleteFrom('keyring_keys').where('kid', '=', 'probe-1').execute();
});
