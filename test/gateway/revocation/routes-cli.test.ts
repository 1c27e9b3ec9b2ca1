import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import pino from 'pino';
import { registerRevocationCommands } from '../../../src/cli/commands/revoke.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { RevocationMesh } from '../../../src/gateway/revocation/revocation-mesh.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import { revocationRoutes } from '../../../src/server/routes/revocations.ts';
import { runCommand } from '../../harness/cli-runner.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { migrateThrough007, newJti } from './helpers.ts';

let s: TestServer;
let app: FastifyInstance;
let addr: string;
let mesh: RevocationMesh;

before(async () => {
  s = await startTestServer();
  await migrateThrough007(s.store);
  mesh = new RevocationMesh({ store: s.store, clock: s.clock, resyncIntervalMs: 0 });
  await mesh.start();
  // A local app with the revocation routes (build-server.ts registers them once wired).
  app = Fastify({ logger: false });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  const config = loadConfig({ env: { WRIT_HOME: s.home }, cwd: s.home });
  await app.register(async (scope) =>
    revocationRoutes(scope, { config, store: s.store, keyring: s.keyring, clock: s.clock, logger: pino({ level: 'silent' }), ledger: s.ledger, version: 'test', revocations: mesh }),
  );
  addr = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await mesh.stop();
  await app.close();
  await s.close();
});

const auth = () => ({ authorization: `Bearer ${s.adminToken}` });
const post = (payload: unknown, headers: Record<string, string> = auth()) =>
  app.inject({ method: 'POST', url: '/v1/revocations', headers, payload: payload as Record<string, unknown> });

/** Ledger entries of a type, once everything enqueued so far is integrated. */
async function ledgered(type: string) {
  const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'barrier' } });
  const rows = await s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs']).where('seq', '<=', c.seq).where('entry_type', '=', type).orderBy('seq').execute();
  return rows.map((r) => JSON.parse(r.entry_jcs).payload as Record<string, unknown>);
}

test('revocation routes need the admin credential', async () => {
  for (const [method, url] of [['GET', '/v1/revocations'], ['POST', '/v1/revocations']] as const) {
    const none = await app.inject({ method, url });
    assert.equal(none.statusCode, 401, `${method} ${url}`);
    assert.equal(none.json().code, 'UNAUTHENTICATED');
    const wrong = await app.inject({ method, url, headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401);
  }
});

test('invalid bodies are 400 problem documents', async () => {
  for (const payload of [
    { kind: 'jti', value: 'x' }, { kind: 'token', value: 'x', reason: 'r' }, { kind: 'jti', value: '', reason: 'r' },
    { kind: 'jti', value: 'x', reason: '' }, { kind: 'jti', value: 'x', reason: 'r', extra: 1 }, { kind: 'kid', value: 'bad kid', reason: 'r' },
  ]) {
    const res = await post(payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, 'BAD_REQUEST');
  }
  assert.equal((await app.inject({ method: 'GET', url: '/v1/revocations?kind=nope', headers: auth() })).statusCode, 400);
});

test('POST revokes: 201, in this replica\'s view at once, ledgered; a repeat is 200 and ledgers nothing', async () => {
  const jti = newJti();
  const res = await post({ kind: 'jti', value: jti, reason: 'token leaked' });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.created, true);
  assert.equal(body.key_revoked, false);
  assert.deepEqual({ ...body.revocation, id: 0 }, { id: 0, source: 'writ', kind: 'jti', value: jti, reason: 'token leaked', actor: 'admin', created_at: s.clock.now().toISOString() });
  assert.equal(mesh.check({ jti, kid: 'k' }, s.clock.now()).hit, 'TOKEN_REVOKED');
  const again = await post({ kind: 'jti', value: jti, reason: 'again' });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().created, false);
  assert.deepEqual((await ledgered('revocation.added')).filter((p) => p.value === jti), [
    { revocation_id: body.revocation.id, kind: 'jti', value: jti, reason: 'token leaked', actor: 'admin' },
  ]);
});

test('revoking a kid through the API revokes the key in the keyring too; `writ keys revoke` shows in the list', async () => {
  const { created } = await s.keyring.rotate({ purpose: 'token' });
  const res = await post({ kind: 'kid', value: created.kid, reason: 'key exposed' });
  assert.equal(res.statusCode, 201);
  assert.equal(res.json().key_revoked, true);
  assert.equal((await s.keyring.get(created.kid)).status, 'revoked');
  assert.equal(mesh.check({ jti: 'j', kid: created.kid }, s.clock.now()).hit, 'KEY_REVOKED');
  const { created: k2 } = await s.keyring.rotate({ purpose: 'token' });
  await s.keyring.revoke(k2.kid, 'rotated out', 'admin');
  const list = (await app.inject({ method: 'GET', url: '/v1/revocations?kind=kid', headers: auth() })).json();
  assert.ok(list.revocations.some((r: { source: string; value: string }) => r.source === 'writ' && r.value === created.kid));
  assert.ok(list.revocations.some((r: { source: string; value: string; id: null }) => r.source === 'keyring' && r.value === k2.kid && r.id === null));
  // The view picks the keyring-only revocation up on its next resync.
  assert.equal(await mesh.resyncNow(), true);
  assert.equal(mesh.check({ jti: 'j', kid: k2.kid }, s.clock.now()).hit, 'KEY_REVOKED');
});

test('GET lists with paging and reports this replica\'s view', async () => {
  await post({ kind: 'agent', value: 'spiffe://prod.example/ns/ci/sa/deployer', reason: 'compromised runner' });
  const all = (await app.inject({ method: 'GET', url: '/v1/revocations', headers: auth() })).json();
  const writ = all.revocations.filter((r: { source: string }) => r.source === 'writ');
  assert.ok(writ.length >= 3);
  assert.equal(all.view.stale, false);
  assert.equal(all.view.loaded, true);
  assert.equal(all.view.listen, 'off');
  assert.equal(all.view.nats, 'off');
  const page = (await app.inject({ method: 'GET', url: `/v1/revocations?after_id=${writ[0].id}&limit=1`, headers: auth() })).json();
  assert.deepEqual(page.revocations.map((r: { id: number }) => r.id), [writ[1].id]);
  const agents = (await app.inject({ method: 'GET', url: '/v1/revocations?kind=agent', headers: auth() })).json();
  assert.ok(agents.revocations.every((r: { kind: string }) => r.kind === 'agent'));
  // Stale views say so.
  s.clock.advance(6000);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/revocations', headers: auth() })).json().view.stale, true);
  await mesh.tick();
});

/** Runs one `writ …` command line against the local server; returns stdout. */
function run(json: boolean, ...args: string[]): Promise<string> {
  return runCommand(registerRevocationCommands, { addr, home: s.home, token: s.adminToken, json, quiet: true }, ...args);
}

test('writ revoke jti|kid|agent and writ revocations list, with --json and without', async () => {
  const jti = newJti();
  const res = JSON.parse(await run(true, 'revoke', 'jti', jti, '--reason', 'leaked in a CI log'));
  assert.deepEqual([res.created, res.revocation.kind, res.revocation.value], [true, 'jti', jti]);
  assert.match(await run(false, 'revoke', 'jti', jti, '--reason', 'again'), new RegExp(`^already revoked: \\d+  jti   ${jti}  leaked in a CI log  \\(by admin\\)`));
  assert.match(await run(false, 'revoke', 'agent', 'release-bot', '--reason', 'retired'), /^revoked: \d+  agent release-bot  retired/);
  const { created } = await s.keyring.rotate({ purpose: 'token' });
  assert.match(await run(false, 'revoke', 'kid', created.kid, '--reason', 'exposed'), /the key is revoked in the keyring too/);
  assert.equal(mesh.check({ jti, kid: 'k' }, s.clock.now()).hit, 'TOKEN_REVOKED');

  const list = JSON.parse(await run(true, 'revocations', 'list', '--kind', 'agent'));
  assert.ok(list.revocations.some((r: { value: string }) => r.value === 'release-bot'));
  const text = await run(false, 'revocations', 'list');
  assert.match(text, /release-bot {2}retired/);
  assert.match(text, /^view: fresh \(age \d+ ms, bound 5000 ms; listen off, nats off\)$/m);

  await assert.rejects(run(false, 'revoke', 'token', 'x', '--reason', 'r'), (err) => err instanceof CommanderError);
  await assert.rejects(run(false, 'revoke', 'jti', 'x'), (err) => err instanceof CommanderError, '--reason is required');
  await assert.rejects(run(false, 'revoke', 'kid', 'bad kid', '--reason', 'r'), (err) => (err as { code?: string }).code === 'BAD_REQUEST');
});
