import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { ManualClock } from '../../../src/common/clock.ts';
import type { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { NEVER_LOADED_AGE_MS, RevocationMesh, type RevocationSource } from '../../../src/gateway/revocation/revocation-mesh.ts';
import { addRevocation } from '../../../src/gateway/revocation/revocation-store.ts';
import { revocationsDb } from '../../../src/gateway/revocation/tables.ts';
import type { RevocationKind } from '../../../src/gateway/revocation/revocation-view.ts';
import type { Store } from '../../../src/store/store.ts';
import { TEST_STORE_KIND } from '../../harness/test-store.ts';
import { newJti, openMeshStore, testKeyring, waitUntil, type MeshStore } from './helpers.ts';

const onPostgres = TEST_STORE_KIND === 'postgres';
let m: MeshStore;
let keyring: Keyring;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const meshes: RevocationMesh[] = [];

before(async () => {
  m = await openMeshStore();
  keyring = await testKeyring(m.store, clock);
});
after(async () => {
  for (const mesh of meshes) await mesh.stop();
  await m.close();
});

/** A replica's view on `store` (LISTEN on PostgreSQL), driven by hand: no timers. */
async function replica(store: Store, options: { listen?: boolean; stalenessMs?: number } = {}): Promise<RevocationMesh> {
  const mesh = new RevocationMesh({
    store,
    clock,
    ...(options.listen !== false && m.databaseUrl ? { databaseUrl: m.databaseUrl } : {}),
    resyncIntervalMs: 0,
    ...(options.stalenessMs ? { stalenessMs: options.stalenessMs } : {}),
  });
  meshes.push(mesh);
  await mesh.start();
  return mesh;
}

/** Records where each value entered a view from. */
function sources(mesh: RevocationMesh): Map<string, RevocationSource> {
  const seen = new Map<string, RevocationSource>();
  mesh.onApply((kind, value, source) => seen.set(`${kind}:${value}`, source));
  return seen;
}

const revoke = (store: Store, kind: RevocationKind, value: string) => addRevocation({ store, clock, actor: 'admin' }, { kind, value, reason: 'test' });
const subject = (over: Partial<{ jti: string; kid: string; agent_id: string | null; spiffe_id: string | null }> = {}) => ({ jti: 'j-none', kid: 'k-none', ...over });

test('full load at start: existing revocations and keyring-revoked kids; check order jti, kid, agent', async () => {
  const jti = newJti();
  await revoke(m.store, 'jti', jti);
  await revoke(m.store, 'kid', 'kid-loaded');
  await revoke(m.store, 'agent', 'spiffe://prod.example/agent/loaded');
  await revoke(m.store, 'agent', 'agent-loaded');
  const { created } = await keyring.rotate({ purpose: 'token' });
  await keyring.revoke(created.kid, 'exposed', 'admin');

  const a = await replica(m.store);
  const now = clock.now();
  assert.deepEqual(a.check(subject({ jti }), now), { hit: 'TOKEN_REVOKED', stale: false, age_ms: 0 });
  assert.equal(a.check(subject({ jti, kid: 'kid-loaded' }), now).hit, 'TOKEN_REVOKED', 'jti is checked first');
  assert.equal(a.check(subject({ kid: 'kid-loaded', agent_id: 'agent-loaded' }), now).hit, 'KEY_REVOKED', 'then kid');
  assert.equal(a.check(subject({ kid: created.kid }), now).hit, 'KEY_REVOKED', 'a key the keyring revoked');
  assert.equal(a.check(subject({ agent_id: 'agent-loaded' }), now).hit, 'AGENT_REVOKED');
  assert.equal(a.check(subject({ agent_id: 'other', spiffe_id: 'spiffe://prod.example/agent/loaded' }), now).hit, 'AGENT_REVOKED', 'agent matches the spiffe_id too');
  assert.equal(a.check(subject({ agent_id: null, spiffe_id: null }), now).hit, null);
  assert.equal(a.check(subject({ jti: 'kid-loaded' }), now).hit, null, 'kinds do not mix');
});

test('a revocation committed on replica A: in A at once (in process), in B through NOTIFY (PostgreSQL) or its next resync', async () => {
  const storeB = await m.replica();
  const a = await replica(m.store);
  const b = await replica(storeB);
  const seenB = sources(b);
  const jti = newJti();
  const { revocation } = await revoke(m.store, 'jti', jti);
  a.announce(revocation);
  assert.equal(a.check(subject({ jti }), clock.now()).hit, 'TOKEN_REVOKED', 'applied in process right after commit');
  if (onPostgres) {
    // No tick on B: only the NOTIFY can bring it.
    await waitUntil(() => b.has('jti', jti), 5000, 'NOTIFY delivery to replica B');
    assert.equal(seenB.get(`jti:${jti}`), 'notify');
    assert.equal(b.status(clock.now()).listen, 'up');
  } else {
    assert.equal(b.has('jti', jti), false, 'PGlite has no cross-replica push');
    assert.equal(await b.resyncNow(), true);
    assert.equal(seenB.get(`jti:${jti}`), 'load');
  }
  assert.equal(b.check(subject({ jti }), clock.now()).hit, 'TOKEN_REVOKED');
});

test('a key revoked through the keyring alone (writ keys revoke) reaches every replica', async () => {
  const b = await replica(await m.replica());
  const seen = sources(b);
  const { created } = await keyring.rotate({ purpose: 'token' });
  await keyring.revoke(created.kid, 'exposed in a paste', 'admin');
  if (onPostgres) {
    await waitUntil(() => b.has('kid', created.kid), 5000, 'keyring NOTIFY');
    assert.equal(seen.get(`kid:${created.kid}`), 'notify');
  } else {
    assert.equal(await b.resyncNow(), true);
    assert.equal(seen.get(`kid:${created.kid}`), 'load');
  }
  assert.equal(b.check(subject({ kid: created.kid }), clock.now()).hit, 'KEY_REVOKED');
});

test('a resync catches what no notification brought (a missed NOTIFY, a row written elsewhere)', async () => {
  const b = await replica(m.store, { listen: false });
  const seen = sources(b);
  // Written behind every notification path: only the completeness check can find it.
  const value = `agent-${newJti()}`;
  await revocationsDb(m.store.db).insertInto('revocations').values({ kind: 'agent', value, reason: 'direct', actor: 'test', created_at: clock.now() }).execute();
  assert.equal(b.has('agent', value), false);
  clock.advance(200);
  assert.equal(await b.resyncNow(), true);
  assert.equal(seen.get(`agent:${value}`), 'load');
  assert.equal(b.check(subject({ agent_id: value }), clock.now()).age_ms, 0);
  // Counts match now: the next resync is a cheap check that still moves the freshness clock.
  clock.advance(300);
  assert.equal(b.check(subject(), clock.now()).age_ms, 300);
  assert.equal(await b.resyncNow(), true);
  assert.equal(b.check(subject(), clock.now()).age_ms, 0);
});

test('freshness follows the injected clock; a replica whose store is gone goes stale past the bound', async () => {
  const own = await m.replica();
  // PGlite: a store of its own so closing it leaves the shared one alone.
  const isolated = onPostgres ? own : await (async () => {
    const s = await openMeshStore();
    return s.store;
  })();
  const mesh = new RevocationMesh({ store: isolated, clock, ...(m.databaseUrl ? { databaseUrl: m.databaseUrl } : {}), resyncIntervalMs: 0, stalenessMs: 5000 });
  meshes.push(mesh);
  assert.deepEqual(mesh.check(subject(), clock.now()), { hit: null, stale: true, age_ms: NEVER_LOADED_AGE_MS }, 'never loaded: stale');
  await mesh.start();
  assert.equal(mesh.check(subject(), clock.now()).stale, false);
  clock.advance(4000);
  assert.deepEqual(mesh.check(subject(), clock.now()), { hit: null, stale: false, age_ms: 4000 });
  assert.equal(await mesh.tick(), true);
  assert.equal(mesh.check(subject(), clock.now()).age_ms, 0);

  await isolated.close();
  clock.advance(2000);
  assert.equal(await mesh.tick(), false, 'the resync fails');
  assert.equal(await mesh.resyncNow(), false);
  assert.deepEqual(mesh.check(subject(), clock.now()), { hit: null, stale: false, age_ms: 2000 }, 'within the bound: still fresh');
  clock.advance(3001);
  const r = mesh.check(subject(), clock.now());
  assert.deepEqual(r, { hit: null, stale: true, age_ms: 5001 });
  const status = mesh.status(clock.now());
  assert.equal(status.stale, true);
  assert.equal(status.loaded, true);
});

test('malformed notifications are ignored (PostgreSQL)', { skip: !onPostgres }, async () => {
  const b = await replica(m.store);
  const before = b.status(clock.now()).counts;
  const c = new pg.Client({ connectionString: m.databaseUrl });
  await c.connect();
  try {
    for (const payload of ['not json', '{"kind":"jti"}', '{"kind":"token","value":"x"}', '{"kind":"kid","value":"bad kid"}']) {
      await c.query('select pg_notify($1, $2)', ['writ_revocations', payload]);
    }
    // A valid one after them proves the bad ones were delivered (and dropped) first.
    await c.query('select pg_notify($1, $2)', ['writ_revocations', JSON.stringify({ kind: 'agent', value: 'agent-after-garbage' })]);
  } finally {
    await c.end();
  }
  await waitUntil(() => b.has('agent', 'agent-after-garbage'), 5000, 'the valid notification');
  const counts = b.status(clock.now()).counts;
  assert.deepEqual(counts, { ...before, agent: before.agent + 1 });
});

test('the LISTEN connection comes back on the next tick after it drops (PostgreSQL)', { skip: !onPostgres }, async () => {
  const b = await replica(m.store);
  const c = new pg.Client({ connectionString: m.databaseUrl });
  await c.connect();
  try {
    await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`);
  } finally {
    await c.end();
  }
  await waitUntil(() => b.status(clock.now()).listen === 'down', 5000, 'the LISTEN client to notice');
  assert.equal(await b.tick(), true);
  assert.equal(b.status(clock.now()).listen, 'up');
  const jti = newJti();
  await revoke(m.store, 'jti', jti);
  await waitUntil(() => b.has('jti', jti), 5000, 'NOTIFY after reconnect');
});

test('a notification that races a full load is kept; afterwards a resync is a cheap count check', async () => {
  const b = await replica(m.store, { listen: false });
  const jti = newJti();
  const loading = b.fullLoad();
  const { revocation } = await revoke(m.store, 'jti', jti);
  b.announce(revocation);
  assert.equal(await loading, true);
  assert.equal(b.has('jti', jti), true);
  const loads = b.stats.fullLoads;
  clock.advance(10);
  assert.equal(await b.resyncNow(), true);
  assert.equal(b.stats.fullLoads, loads, 'ids learned from the load and the announcement match the database count');
  assert.ok(b.stats.checks >= 1);
  const total = await sql<{ n: number }>`select count(*)::int as n from revocations`.execute(m.store.db);
  assert.equal(b.status(clock.now()).counts.jti + b.status(clock.now()).counts.agent + b.status(clock.now()).counts.kid >= total.rows[0]!.n, true);
});
