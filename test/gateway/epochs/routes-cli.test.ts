import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import pino from 'pino';
import { WritClient } from '../../../src/cli/client.ts';
import { registerRevocationCommands } from '../../../src/cli/commands/revoke.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { createOutput } from '../../../src/cli/output.ts';
import { cryptoIdSource } from '../../../src/common/ids.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { issueWorkloadCredential } from '../../../src/engine/workloads/workload-credentials.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import { epochRoutes } from '../../../src/server/routes/epochs.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { migrateThrough007 } from '../revocation/helpers.ts';

let s: TestServer;
let app: FastifyInstance;
let addr: string;
let workloadSecret: string;

before(async () => {
  s = await startTestServer();
  await migrateThrough007(s.store);
  app = Fastify({ logger: false });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  const config = loadConfig({ env: { WRIT_HOME: s.home, WRIT_EPOCH_GRACE_SECONDS: '90' }, cwd: s.home });
  await app.register(async (scope) =>
    epochRoutes(scope, { config, store: s.store, keyring: s.keyring, clock: s.clock, logger: pino({ level: 'silent' }), ledger: s.ledger, version: 'test' }),
  );
  addr = await app.listen({ host: '127.0.0.1', port: 0 });
  workloadSecret = (await issueWorkloadCredential({ store: s.store, clock: s.clock, ids: cryptoIdSource }, { agent_id: 'adapter-1' }, 'admin')).secret;
});
after(async () => {
  await app.close();
  await s.close();
});

const auth = (token = s.adminToken) => ({ authorization: `Bearer ${token}` });

test('GET /v1/epochs takes the admin or a workload credential; advancing takes the admin', async () => {
  assert.equal((await app.inject({ method: 'GET', url: '/v1/epochs' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/epochs', headers: auth('nope') })).statusCode, 401);
  const res = await app.inject({ method: 'GET', url: '/v1/epochs', headers: auth(workloadSecret) });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().current, { value: 1, state: 'active', grace_window_seconds: 90 });
  assert.equal((await app.inject({ method: 'POST', url: '/v1/epochs/advance' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'POST', url: '/v1/epochs/advance', headers: auth(workloadSecret), payload: {} })).statusCode, 401);
  for (const payload of [{ grace_seconds: -1 }, { grace_seconds: 86_401 }, { grace_seconds: 'x' }, { other: 1 }]) {
    const bad = await app.inject({ method: 'POST', url: '/v1/epochs/advance', headers: auth(), payload });
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
  }
});

test('POST /v1/epochs/advance (configured grace, no body) then GET shows drain with grace left, then deprecate', async () => {
  const t0 = s.clock.now();
  const res = await app.inject({ method: 'POST', url: '/v1/epochs/advance', headers: auth() });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { epoch: 2, previous: 1, grace_seconds: 90, drain_until: new Date(t0.getTime() + 90_000).toISOString(), deprecated: [] });
  s.clock.advance(30_000);
  const list = (await app.inject({ method: 'GET', url: '/v1/epochs', headers: auth() })).json();
  assert.equal(list.as_of, s.clock.now().toISOString());
  assert.deepEqual(list.current, { value: 2, state: 'active', grace_window_seconds: 90 });
  assert.deepEqual(list.epochs.map((e: { value: number; state: string; grace_remaining_ms: number }) => [e.value, e.state, e.grace_remaining_ms]), [[2, 'active', 90_000], [1, 'drain', 60_000]]);
  s.clock.advance(60_000);
  const later = (await app.inject({ method: 'GET', url: '/v1/epochs', headers: auth() })).json();
  assert.deepEqual(later.epochs[1], {
    value: 1, state: 'deprecate', stored_state: 'draining', grace_window_seconds: 90, grace_remaining_ms: 0, deprecated_reason: 'EPOCH_GRACE_EXPIRED',
    changed_at: t0.toISOString(), drain_until: new Date(t0.getTime() + 90_000).toISOString(),
  });
  const entries = await (async () => {
    const c = await s.ledger.append({ stream_id: 'test', entry_type: 'system.note', payload: { message: 'barrier' } });
    return s.store.db.selectFrom('ledger_entries').select('entry_jcs').where('seq', '<=', c.seq).where('entry_type', '=', 'epoch.advanced').execute();
  })();
  assert.equal(entries.length, 1);
  assert.equal(JSON.parse(entries[0]!.entry_jcs).payload.actor, 'admin');
});

/** Runs one `writ …` command line against the local server; returns stdout. */
async function run(json: boolean, ...args: string[]): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const ctx: CliContext = {
    out: createOutput(json, sink, sink),
    env: {},
    config: () => {
      throw new Error('unused');
    },
    client: () => new WritClient({ addr, home: s.home, token: s.adminToken }),
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerRevocationCommands(program, () => ctx);
  await program.parseAsync(['node', 'writ', ...args]);
  return text;
}

test('writ epoch advance and writ epoch status, with --json and without', async () => {
  const adv = JSON.parse(await run(true, 'epoch', 'advance', '--grace', '120'));
  assert.deepEqual([adv.epoch, adv.previous, adv.grace_seconds, adv.deprecated], [3, 2, 120, [1]]);
  assert.match(await run(false, 'epoch', 'advance'), /^epoch 4 active; epoch 3 draining until \S+ \(90 s\); deprecated 2$/m);
  const status = JSON.parse(await run(true, 'epoch', 'status'));
  assert.equal(status.current.value, 4);
  const text = await run(false, 'epoch', 'status');
  assert.match(text, /^active epoch 4 \(grace window 90 s\)$/m);
  assert.match(text, /^ {3}3 {2}drain {4} {2}grace left 90 s \(until \S+\)$/m);
  assert.match(text, /^ {3}2 {2}deprecate {2}\(EPOCH_DEPRECATED\)$/m);
  assert.match(text, /^ {3}1 {2}deprecate {2}\(EPOCH_GRACE_EXPIRED\)$/m);
  await assert.rejects(run(false, 'epoch', 'advance', '--grace', 'soon'), (err) => err instanceof CommanderError);
});
