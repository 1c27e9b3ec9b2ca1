import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ClientError } from '../../../src/cli/client.ts';
import { registerDecisionCommands } from '../../../src/cli/commands/decisions.ts';
import { runCommand } from '../../harness/cli-runner.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { DEPLOY_SPIFFE_ID, promotionIntent } from '../helpers/intents.ts';

let s: TestServer;
let addr: string;

before(async () => {
  s = await startTestServer();
  addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => s.close());

/** Runs one `writ …` command line against the local server; returns stdout. */
function run(json: boolean, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  return runCommand(registerDecisionCommands, { addr, home: s.home, token: s.adminToken, json, env }, ...args);
}

test('a workload registers, submits an intent, reads the decision and gets its token from the CLI', async () => {
  const reg = JSON.parse(await run(true, {}, 'workload', 'register', '--spiffe-id', DEPLOY_SPIFFE_ID, '--pipeline-id', 'deploy-main'));
  assert.match(reg.secret, /^writ_wl_/);
  const credFile = join(s.home, 'workload.cred');
  writeFileSync(credFile, `${reg.secret}\n`, { mode: 0o600 });
  const intentFile = join(s.home, 'intent.json');
  writeFileSync(intentFile, JSON.stringify(promotionIntent('stage')));

  const submitted = JSON.parse(await run(true, {}, 'intent', 'submit', intentFile, '--credential', credFile));
  assert.equal(submitted.decision.verdict, 'allow');
  const id = submitted.decision.decision_id as string;

  const shown = await run(false, {}, 'decision', 'show', id);
  assert.match(shown, new RegExp(`decision\\s+${id}`));
  assert.match(shown, /status\s+allowed/);
  const listed = JSON.parse(await run(true, {}, 'decision', 'list', '--status', 'allowed'));
  assert.ok(listed.decisions.some((d: { decision_id: string }) => d.decision_id === id));

  // The token command prints only the token, for piping.
  const token = (await run(false, { WRIT_WORKLOAD_TOKEN: reg.secret }, 'token', id)).trim();
  assert.equal(token.split('.').length, 3);
});

test('a refused token request surfaces the reason code', async () => {
  const intentFile = join(s.home, 'prod.json');
  writeFileSync(intentFile, JSON.stringify(promotionIntent('prod')));
  const submitted = JSON.parse(await run(true, {}, 'intent', 'submit', intentFile));
  await assert.rejects(
    run(false, {}, 'token', submitted.decision.decision_id),
    (err: unknown) => err instanceof ClientError && err.code === 'TOKEN_REFUSED' && err.reason === 'QUORUM_NOT_REACHED',
  );
});

test('an unreadable intent file is a clear error', async () => {
  await assert.rejects(run(false, {}, 'intent', 'submit', join(s.home, 'missing.json')), /cannot read/);
});
