import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { SequentialIdSource } from '../../src/common/ids.ts';
import { installProblemHandlers } from '../../src/server/problem.ts';
import { signalRoutes } from '../../src/server/routes/signals.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { signalsMigration } from '../../src/store/migrations/004-signals.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

let s: TestServer;
let app: FastifyInstance;

before(async () => {
  s = await startTestServer();
  await migrateToLatest(s.store.db as unknown as Kysely<unknown>, [...MIGRATIONS, signalsMigration]);
  // A local app with the signal routes (build-server.ts registers them once merged).
  app = Fastify({ logger: false });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  await app.register(async (scope) =>
    signalRoutes(scope, { config: loadConfig({ env: { WRIT_HOME: s.home }, cwd: s.home }), store: s.store, keyring: s.keyring, clock: s.clock, logger: pino({ level: 'silent' }), ledger: s.ledger, version: 'test' }, {
      ids: new SequentialIdSource(),
      trustedMcpServers: ['github'],
    }),
  );
  await app.ready();
});
after(async () => {
  await app.close();
  await s.close();
});

const auth = () => ({ authorization: `Bearer ${s.adminToken}` });
const post = (url: string, payload?: unknown, headers: Record<string, string> = auth()) =>
  app.inject({ method: 'POST', url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

/** Ledger entries of signal types, once everything enqueued so far is integrated. */
async function signalEntries() {
  const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'barrier' } });
  const rows = await s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs']).where('seq', '<=', c.seq).orderBy('seq').execute();
  return rows.filter((r) => r.entry_type.startsWith('signal.')).map((r) => ({ type: r.entry_type, payload: JSON.parse(r.entry_jcs).payload as Record<string, unknown> }));
}

test('every signal route needs the admin credential', async () => {
  const routes: Array<[string, string]> = [
    ['GET', '/v1/signals'], ['POST', '/v1/signals/holds'], ['POST', '/v1/signals/holds/hold_1/clear'], ['DELETE', '/v1/signals/holds/hold_1'],
    ['POST', '/v1/signals/incidents'], ['POST', '/v1/signals/incidents/inc_1/resolve'], ['POST', '/v1/signals/overrides'],
  ];
  for (const [method, url] of routes) {
    const none = await app.inject({ method: method as 'GET', url });
    assert.equal(none.statusCode, 401, `${method} ${url}`);
    assert.equal(none.json().code, 'UNAUTHENTICATED');
    const wrong = await app.inject({ method: method as 'GET', url, headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401, `${method} ${url}`);
  }
});

test('invalid bodies are 400 problem documents and change nothing', async () => {
  const bad: Array<[string, unknown]> = [
    ['/v1/signals/holds', { reason: 'no target' }],
    ['/v1/signals/holds', { target: 'x', reason: '' }],
    ['/v1/signals/holds', { target: ' bad name', reason: 'r' }],
    ['/v1/signals/holds', { target: 'x', reason: 'r', extra: 1 }],
    ['/v1/signals/holds', { target: 'x', reason: 'r', scope_kind: 'region' }],
    ['/v1/signals/incidents', { targets: 'x', reason: 'r' }],
    ['/v1/signals/overrides', { targets: ['x'], reason: 'r' }],
    ['/v1/signals/overrides', { targets: ['x'], reason: 'r', ttl_seconds: 0 }],
    ['/v1/signals/overrides', { targets: ['x'], reason: 'r', ttl_seconds: 999_999_999 }],
    ['/v1/signals/overrides', { reason: 'global overrides are refused', ttl_seconds: 60 }],
  ];
  for (const [url, payload] of bad) {
    const res = await post(url, payload);
    assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload)}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, 'BAD_REQUEST');
  }
  const state = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  assert.deepEqual([state.holds.length, state.incidents.length, state.overrides.length], [0, 0, 0]);
  assert.equal((await post('/v1/signals/holds/hold_missing/clear', {})).statusCode, 404);
  assert.equal((await post('/v1/signals/incidents/inc_missing/resolve', {})).statusCode, 404);
});

test('hold set / clear / clear again, ledgered once each', async () => {
  const set = await post('/v1/signals/holds', { target: 'payments/prod', reason: 'release freeze', author: 'alice' });
  assert.equal(set.statusCode, 201);
  const hold = set.json();
  assert.equal(hold.status, 'active');
  assert.equal(hold.set_at, s.clock.now().toISOString());
  const env = await post('/v1/signals/holds', { target: 'prod', scope_kind: 'environment', reason: 'quarter close' });
  assert.equal(env.json().author, 'admin');

  let state = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  assert.deepEqual(state.policy_signals.phase_holds, [
    { id: hold.id, targets: ['payments/prod'], environments: [] },
    { id: env.json().id, targets: [], environments: ['prod'] },
  ]);
  assert.deepEqual(state.policy_signals.trusted_mcp_servers, ['github']);

  s.clock.advance(1000);
  const cleared = await post(`/v1/signals/holds/${hold.id}/clear`, { reason: 'freeze lifted', author: 'bob' });
  assert.equal(cleared.statusCode, 200);
  assert.equal(cleared.json().status, 'cleared');
  const again = await app.inject({ method: 'DELETE', url: `/v1/signals/holds/${hold.id}`, headers: auth() });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().cleared_by, 'bob');
  assert.equal((await post(`/v1/signals/holds/${env.json().id}/clear`)).statusCode, 200, 'clear without a body');

  state = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  assert.deepEqual(state.holds, []);
  const entries = (await signalEntries()).filter((e) => e.payload.hold_id === hold.id);
  assert.deepEqual(entries.map((e) => e.type), ['signal.hold_set', 'signal.hold_cleared']);
  assert.deepEqual(entries[0]?.payload, { hold_id: hold.id, scope_kind: 'target', target: 'payments/prod', reason: 'release freeze', author: 'alice', actor: 'admin' });
});

test('incident open / resolve and override grant / expiry through the API', async () => {
  const inc = await post('/v1/signals/incidents', { targets: ['payments/prod'], environments: ['prod'], reason: 'db outage' });
  assert.equal(inc.statusCode, 201);
  const ovr = await post('/v1/signals/overrides', { targets: ['payments/prod'], ttl_seconds: 60, reason: 'CHG-7 hotfix', author: 'carol' });
  assert.equal(ovr.statusCode, 201);
  assert.equal(Date.parse(ovr.json().expires_at) - Date.parse(ovr.json().granted_at), 60_000);

  let state = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  assert.deepEqual(state.policy_signals.active_incidents, [{ id: inc.json().id, targets: ['payments/prod'], environments: ['prod'] }]);
  assert.equal(state.overrides.length, 1);
  assert.equal(state.policy_signals.active_overrides[0].id, ovr.json().id);

  s.clock.advance(60_000);
  state = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  assert.deepEqual(state.overrides, [], 'expired by the injected clock');
  assert.deepEqual(state.policy_signals.active_overrides, []);

  const r1 = await post(`/v1/signals/incidents/${inc.json().id}/resolve`, { reason: 'failover done' });
  assert.equal(r1.json().status, 'resolved');
  const r2 = await post(`/v1/signals/incidents/${inc.json().id}/resolve`, {});
  assert.equal(r2.statusCode, 200);
  assert.equal(r2.json().resolved_at, r1.json().resolved_at);

  const types = (await signalEntries()).filter((e) => e.payload.incident_id === inc.json().id || e.payload.override_id === ovr.json().id).map((e) => e.type);
  assert.deepEqual(types, ['signal.incident_opened', 'signal.override_granted', 'signal.incident_resolved']);
});

test('a payload the ledger rejects (looks like a secret) rolls the change back: 400, nothing stored', async () => {
  const before = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl';
  for (const [url, payload] of [
    ['/v1/signals/holds', { target: 'payments/prod', reason: jwt }],
    ['/v1/signals/incidents', { reason: `token ${jwt}` }],
    ['/v1/signals/overrides', { targets: ['x'], ttl_seconds: 60, reason: jwt }],
  ] as const) {
    const res = await post(url, payload);
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().code, 'LEDGER_PAYLOAD_REJECTED');
    assert.ok(!res.body.includes(jwt), 'the problem never echoes the value');
  }
  const afterState = (await app.inject({ method: 'GET', url: '/v1/signals', headers: auth() })).json();
  assert.deepEqual(afterState.holds, before.holds);
  assert.deepEqual(afterState.incidents, before.incidents);
  assert.deepEqual(afterState.overrides, before.overrides);
  await signalEntries(); // integrate whatever was enqueued
  const entries = await s.store.db.selectFrom('ledger_entries').select('entry_jcs').execute();
  assert.ok(!entries.some((e) => e.entry_jcs.includes(jwt)));
});
