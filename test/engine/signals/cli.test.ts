import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { parseScope, registerSignalCommands } from '../../../src/cli/commands/signals.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import { signalRoutes } from '../../../src/server/routes/signals.ts';
import { migrateToLatest } from '../../../src/store/migrate.ts';
import { MIGRATIONS } from '../../../src/store/migrations/index.ts';
import { signalsMigration } from '../../../src/store/migrations/004-signals.ts';
import { runCommand } from '../../harness/cli-runner.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';

let s: TestServer;
let app: FastifyInstance;
let addr: string;

before(async () => {
  s = await startTestServer();
  await migrateToLatest(s.store.db as unknown as Kysely<unknown>, [...MIGRATIONS, signalsMigration]);
  app = Fastify({ logger: false });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  const config = loadConfig({ env: { WRIT_HOME: s.home }, cwd: s.home });
  await app.register(async (scope) => signalRoutes(scope, { config, store: s.store, keyring: s.keyring, clock: s.clock, logger: pino({ level: 'silent' }), ledger: s.ledger, version: 'test' }));
  addr = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  await s.close();
});

/** Runs one `writ …` command line against the local server; returns stdout. */
function run(json: boolean, ...args: string[]): Promise<string> {
  return runCommand(registerSignalCommands, { addr, home: s.home, token: s.adminToken, json }, ...args);
}

test('parseScope: env: prefix names environments', () => {
  assert.deepEqual(parseScope('payments/prod, env:stage,,api'), { targets: ['payments/prod', 'api'], environments: ['stage'] });
});

test('hold set / clear, incident open / resolve, override grant, signals: with --json and without', async () => {
  const hold = JSON.parse(await run(true, 'hold', 'set', 'payments/prod', '--reason', 'release freeze'));
  assert.equal(hold.status, 'active');
  assert.match(await run(false, 'hold', 'set', 'prod', '--environment', '--reason', 'quarter close'), /^hold set: hold_\w+ +active +env:prod {2}quarter close/);
  const inc = JSON.parse(await run(true, 'incident', 'open', '--scope', 'payments/prod,env:prod', '--reason', 'db outage'));
  assert.deepEqual([inc.targets, inc.environments], [['payments/prod'], ['prod']]);
  const ovr = JSON.parse(await run(true, 'override', 'grant', '--scope', 'payments/prod', '--ttl', '3600', '--reason', 'CHG-9 hotfix'));
  assert.equal(Date.parse(ovr.expires_at) - Date.parse(ovr.granted_at), 3_600_000);
  const state = JSON.parse(await run(true, 'signals'));
  assert.deepEqual([state.holds.length, state.incidents.length, state.overrides.length], [2, 1, 1]);
  assert.match(await run(false, 'signals'), /^holds \(2\)$/m);
  assert.equal(JSON.parse(await run(true, 'hold', 'clear', hold.id)).status, 'cleared');
  assert.match(await run(false, 'hold', 'clear', hold.id), /^hold cleared: /);
  assert.equal(JSON.parse(await run(true, 'incident', 'resolve', inc.id, '--reason', 'fixed')).status, 'resolved');
  await assert.rejects(run(true, 'override', 'grant', '--scope', 'x', '--ttl', '0', '--reason', 'r'), { code: 'BAD_REQUEST', status: 400 });
});
