import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { hashCanonical } from '../../src/crypto/hash.ts';
import { canonicalize } from '../../src/crypto/jcs.ts';
import { isWritError } from '../../src/errors/writ-error.ts';
import { getActiveBundle, getBundle, setActiveBundle, storeBundle } from '../../src/policy/bundle-store.ts';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import { NO_SIGNALS } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { PolicyBundleInvalidError } from '../../src/policy/problems.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { policy } from '../../src/store/migrations/003-policy.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, TEST_STORE_KIND } from '../harness/test-store.ts';
import { cleanupBundles, writeBundle } from './helpers/bundle-dir.ts';

let store: Store;
let defaultBundle: CompiledBundle;
let mini: CompiledBundle;
const T0 = new Date('2026-01-01T00:00:00.000Z');
const T1 = new Date('2026-01-02T00:00:00.000Z');

before(async () => {
  store = await openTestStore();
  // Until 003-policy is registered in MIGRATIONS, apply it on top of the test image.
  const all = MIGRATIONS.some((m) => m.name === policy.name) ? MIGRATIONS : [...MIGRATIONS, policy];
  await migrateToLatest(store.db as unknown as Kysely<unknown>, all);
  defaultBundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  mini = loadBundleDir(writeBundle());
});
after(async () => {
  await store.close();
  cleanupBundles();
});

const count = async () => Number((await sql<{ n: string }>`select count(*) as n from policy_bundles`.execute(store.db)).rows[0]!.n);
const rejects = async (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: Error) => re.test(e.message) || re.test(String((e.cause as Error | undefined)?.message)));

test(`storing twice is a no-op (${TEST_STORE_KIND})`, async () => {
  assert.deepEqual(await storeBundle(store.db, defaultBundle, T0), { stored: true, policy_bundle_hash: defaultBundle.policy_bundle_hash });
  assert.deepEqual(await storeBundle(store.db, defaultBundle, T1), { stored: false, policy_bundle_hash: defaultBundle.policy_bundle_hash });
  assert.deepEqual(await storeBundle(store.db, loadBundleDir(DEFAULT_BUNDLE_DIR), T1), { stored: false, policy_bundle_hash: defaultBundle.policy_bundle_hash });
  assert.equal(await count(), 1);
  const row = (await sql<{ bundle_id: string; version: string; document_jcs: string; stored_at: Date }>`select * from policy_bundles`.execute(store.db)).rows[0]!;
  assert.equal(row.bundle_id, 'writ-default');
  assert.equal(row.version, defaultBundle.document.manifest.version);
  assert.equal(row.stored_at.toISOString(), T0.toISOString());
  assert.equal(row.document_jcs, canonicalize(defaultBundle.document));
  assert.equal(hashCanonical(JSON.parse(row.document_jcs)), defaultBundle.policy_bundle_hash);
});

test('a stored bundle reads back with the same hash and document, and evaluates', async () => {
  const b = await getBundle(store.db, defaultBundle.policy_bundle_hash);
  assert.ok(b);
  assert.equal(b.policy_bundle_hash, defaultBundle.policy_bundle_hash);
  assert.deepEqual(b.document, defaultBundle.document);
  const d = evaluateIntent(b, {
    intent: { action_scope: 'file.read', principal: { type: 'agent', id: 'a' }, resource: { type: 'file', id: '.env', attrs: { path: '.env' } }, execution_identity: { region: 'r', env_tier: 'dev' } },
    signals: NO_SIGNALS,
    now: T0,
  });
  assert.equal(d.verdict, 'deny');
  assert.equal(d.policy_bundle_hash, defaultBundle.policy_bundle_hash);
});

test('an unknown hash reads as null; a malformed one is refused', async () => {
  assert.equal(await getBundle(store.db, `sha256:${'0'.repeat(64)}`), null);
  await assert.rejects(getBundle(store.db, 'sha256:XYZ'), (e: unknown) => isWritError(e, 'BAD_REQUEST'));
});

test('the database refuses UPDATE, DELETE and TRUNCATE of stored bundles', async () => {
  const h = defaultBundle.policy_bundle_hash;
  await rejects(sql`update policy_bundles set version = 'x' where policy_bundle_hash = ${h}`.execute(store.db), /immutable/);
  await rejects(sql`update policy_bundles set document_jcs = '{}' where policy_bundle_hash = ${h}`.execute(store.db), /immutable/);
  await rejects(sql`delete from policy_bundles where policy_bundle_hash = ${h}`.execute(store.db), /immutable/);
  await rejects(sql`truncate policy_bundles cascade`.execute(store.db), /immutable/);
  assert.equal(await count(), 1);
});

test('a bundle whose document does not match its hash, or does not validate, is never stored', async () => {
  const tampered = structuredClone(mini.document) as { policies: Array<{ text: string }> };
  tampered.policies[0]!.text += '\n// changed';
  const forged = { ...mini, document: tampered } as unknown as CompiledBundle;
  await assert.rejects(storeBundle(store.db, forged, T0), (e: unknown) => e instanceof PolicyBundleInvalidError && /does not match/.test(e.message));
  const invalid = structuredClone(mini.document) as { policies: Array<{ text: string }> };
  invalid.policies[0]!.text = '@id("x") @approvals("zero") @approver_groups("a")\npermit (principal, action, resource);\n';
  const bad = { ...mini, document: invalid, policy_bundle_hash: hashCanonical(invalid) } as unknown as CompiledBundle;
  await assert.rejects(storeBundle(store.db, bad, T0), (e: unknown) => e instanceof PolicyBundleInvalidError && e.problems.some((p) => p.policy_id === 'x'));
  assert.equal(await count(), 1);
});

test('a store rolled back with its transaction leaves nothing behind', async () => {
  await assert.rejects(
    store.transaction(async (trx) => {
      await storeBundle(trx, mini, T0);
      assert.ok(await getBundle(trx, mini.policy_bundle_hash));
      throw new Error('roll back');
    }),
    /roll back/,
  );
  assert.equal(await getBundle(store.db, mini.policy_bundle_hash), null);
  assert.equal(await count(), 1);
});

test('a stored row that does not hash to its key, or no longer compiles, is an integrity error', async () => {
  const wrongKey = `sha256:${'ab'.repeat(32)}`;
  await sql`insert into policy_bundles values (${wrongKey}, 'x', '1', ${canonicalize(mini.document)}, ${T0})`.execute(store.db);
  await assert.rejects(getBundle(store.db, wrongKey), (e: unknown) => isWritError(e, 'INTERNAL') && /does not match its hash/.test(e.message));
  const broken = { ...structuredClone(mini.document), schema: 'namespace Writ { entity' };
  const brokenHash = hashCanonical(broken);
  await sql`insert into policy_bundles values (${brokenHash}, 'x', '2', ${canonicalize(broken)}, ${T0})`.execute(store.db);
  await assert.rejects(getBundle(store.db, brokenHash), (e: unknown) => isWritError(e, 'INTERNAL') && /no longer compiles/.test(e.message));
});

test('the active bundle: none at first, then set in a transaction, replaced, and never an unknown hash', async () => {
  assert.equal(await getActiveBundle(store.db), null);
  assert.deepEqual(await store.transaction((trx) => setActiveBundle(trx, defaultBundle.policy_bundle_hash, T0)), { previous: null });
  const a = await getActiveBundle(store.db);
  assert.ok(a);
  assert.equal(a.policy_bundle_hash, defaultBundle.policy_bundle_hash);
  assert.equal(a.activated_at.toISOString(), T0.toISOString());
  assert.equal(a.bundle.document.manifest.id, 'writ-default');

  await storeBundle(store.db, mini, T1);
  assert.deepEqual(await store.transaction((trx) => setActiveBundle(trx, mini.policy_bundle_hash, T1)), { previous: defaultBundle.policy_bundle_hash });
  assert.equal((await getActiveBundle(store.db))?.policy_bundle_hash, mini.policy_bundle_hash);

  await assert.rejects(store.transaction((trx) => setActiveBundle(trx, `sha256:${'cd'.repeat(32)}`, T1)), (e: unknown) => isWritError(e, 'NOT_FOUND'));
  await assert.rejects(
    store.transaction(async (trx) => {
      await setActiveBundle(trx, defaultBundle.policy_bundle_hash, T1);
      throw new Error('roll back');
    }),
    /roll back/,
  );
  assert.equal((await getActiveBundle(store.db))?.policy_bundle_hash, mini.policy_bundle_hash);
  const rows = await sql<{ n: string }>`select count(*) as n from policy_active`.execute(store.db);
  assert.equal(Number(rows.rows[0]!.n), 1);
});

test('policy_active holds one row only, and only for a stored bundle', async () => {
  await rejects(sql`insert into policy_active (singleton, policy_bundle_hash, activated_at) values (false, ${mini.policy_bundle_hash}, ${T0})`.execute(store.db), /check|constraint/i);
  await rejects(sql`insert into policy_active (policy_bundle_hash, activated_at) values (${mini.policy_bundle_hash}, ${T0})`.execute(store.db), /duplicate|unique/i);
  await rejects(sql`update policy_active set policy_bundle_hash = ${`sha256:${'ef'.repeat(32)}`}`.execute(store.db), /foreign key/i);
});
