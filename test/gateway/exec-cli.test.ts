/**
 * `writ exec` against a real listening server: the command runs only after an ALLOW
 * whose ledger commit proof verifies; a DENY (here a replayed token) never runs it.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Command } from 'commander';
import { WritClient } from '../../src/cli/client.ts';
import { registerExecCommands } from '../../src/cli/commands/exec.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { createOutput } from '../../src/cli/output.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { KeptEvents, SetEpochs, SetRevocations, TestSvids } from './helpers/ports.ts';

const SPIFFE = 'spiffe://acme.example/ci/deploy-main';
const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'stage' as const, spiffe_id: SPIFFE };
const events = new KeptEvents();
let s: TestServer;
let addr: string;
let files: { token: string; identity: string; svid: string; cred: string };
let decisionHash: string;

before(async () => {
  // The manual clock starts now: writ exec stamps requested_at with real time.
  s = await startTestServer({ now: new Date(), gateway: { revocations: new SetRevocations(), epochs: new SetEpochs(), workloads: new TestSvids(), events, audience: 'writ-gateway' } });
  addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const admin = { authorization: `Bearer ${s.adminToken}` };
  const cred = (await s.app.inject({ method: 'POST', url: '/v1/workload-credentials', headers: admin, payload: { spiffe_id: SPIFFE } })).json().secret as string;
  const workload = { authorization: `Bearer ${cred}` };
  const decision = (await s.app.inject({
    method: 'POST', url: '/v1/intents', headers: workload,
    payload: { action_scope: 'promotion', principal: { type: 'pipeline', id: 'deploy-main' }, resource: { type: 'environment', id: 'payments/stage', attrs: { tier: 'stage' } }, execution_identity: IDENTITY },
  })).json().decision;
  decisionHash = decision.decision_hash;
  const token = (await s.app.inject({ method: 'POST', url: `/v1/decisions/${decision.decision_id}/token`, headers: workload })).json().token as string;
  files = { token: join(s.home, 'token.jwt'), identity: join(s.home, 'identity.json'), svid: join(s.home, 'svid.jwt'), cred: join(s.home, 'wl.cred') };
  writeFileSync(files.token, token);
  writeFileSync(files.identity, JSON.stringify(IDENTITY));
  writeFileSync(files.svid, `test-svid:${SPIFFE}`);
  writeFileSync(files.cred, cred);
});
after(async () => s.close());

async function run(...args: string[]): Promise<{ out: string; code: number | undefined }> {
  let text = '';
  const sink = new Writable({ write(chunk, _e, cb) { text += String(chunk); cb(); } });
  const ctx: CliContext = {
    out: createOutput(true, sink, sink),
    env: {},
    config: () => { throw new Error('unused'); },
    client: () => new WritClient({ addr, home: s.home, token: s.adminToken }),
  };
  const program = new Command().exitOverride();
  registerExecCommands(program, () => ctx);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'writ', ...args]);
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out: text, code };
}

test('writ exec runs the command only after a verified commit, reports its exit code, and never runs on DENY', async () => {
  const marker = join(s.home, 'ran-once');
  const common = ['--token', files.token, '--decision-hash', decisionHash, '--identity', files.identity, '--svid', files.svid, '--credential', files.cred];
  const first = await run('exec', ...common, '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); process.exit(3)`);
  assert.equal(first.code, 3, first.out);
  assert.ok(existsSync(marker));
  const authorizationId = JSON.parse(first.out).authorization_id as string;
  const kinds = events.events.filter((e) => e.authorization_id === authorizationId).map((e) => e.event_type);
  assert.deepEqual(kinds, ['authorization_requested', 'authorization_approved', 'execution_started', 'execution_completed']);
  assert.equal(events.events.find((e) => e.event_type === 'execution_completed' && e.authorization_id === authorizationId)?.details?.exit_code, 3);

  const marker2 = join(s.home, 'must-not-run');
  const replay = await run('exec', ...common, '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker2)}, 'x')`);
  assert.equal(replay.code, 5);
  assert.match(replay.out, /TOKEN_REPLAY/);
  assert.equal(existsSync(marker2), false);
});
