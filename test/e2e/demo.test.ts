/**
 * `writ demo --json` against a real `writ serve` (dev mode, loopback, fresh
 * $WRIT_HOME), the CLI run as a child process: every step answers, the authorization
 * is an ALLOW committed with a verified proof, the bodies fit the Slice-0 contracts,
 * and the token appears only in the `token` step. Then `writ ledger verify` passes
 * offline on the same home. Runs on PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/server/logger.ts';
import { runServer, type RunningServer } from '../../src/server/run-server.ts';
import { LogCapture } from '../harness/test-server.ts';
import { createScratchDatabase, TEST_STORE_KIND } from '../harness/test-store.ts';

const root = new URL('../..', import.meta.url).pathname;
const ref = (name: string) => JSON.parse(readFileSync(join(root, '../shared/reference/slice0', name), 'utf8'));
const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

const home = mkdtempSync(join(tmpdir(), 'writ-demo-'));
let env: NodeJS.ProcessEnv;
let server: RunningServer | undefined;
let scratch: { url: string; drop(): Promise<void> } | undefined;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/writ.js'), ...args], { env: { ...env, WRIT_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

before(async () => {
  env = { PATH: process.env.PATH, HOME: process.env.HOME, WRIT_HOME: home };
  if (TEST_STORE_KIND === 'postgres') {
    scratch = await createScratchDatabase();
    env.WRIT_DATABASE_URL = scratch.url;
  }
  const config = loadConfig({ env, cwd: home });
  server = await runServer({ ...config, listen: { host: '127.0.0.1', port: 0 } }, { logger: createLogger('info', new LogCapture()) });
  env.WRIT_ADDR = server.url;
});
after(async () => {
  await server?.stop();
  await scratch?.drop();
});

test('writ demo --json runs the governed flow end to end, one JSON object per step', async () => {
  const res = await cli(['demo', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const steps = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: string; request: { body?: Record<string, unknown> }; response: Record<string, unknown> });
  assert.deepEqual(steps.map((s) => s.step), ['svid', 'intent', 'approval', 'approval', 'token', 'authorize', 'commit', 'exec']);
  const by = (name: string) => steps.find((s) => s.step === name)!;
  assert.equal((by('intent').response.decision as { verdict: string }).verdict, 'require_approval');
  assert.equal(steps[3]!.response.decision_status, 'approved');
  const authorize = by('authorize');
  assert.equal(authorize.response.verdict, 'ALLOW');
  assert.equal(ajv.validate(ref('authorize_execution.response.schema.json'), authorize.response), true, JSON.stringify(ajv.errors));
  assert.equal(by('commit').response.state, 'committed');
  // The token is printed in the token step only.
  const token = by('token').response.token as string;
  assert.ok(token.split('.').length === 3);
  for (const s of steps.filter((x) => x.step !== 'token')) assert.ok(!JSON.stringify(s).includes(token), `token leaked into step ${s.step}`);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  assert.equal(ajv.validate(ref('attestation_token_claims.schema.json'), claims), true, JSON.stringify(ajv.errors));
  // The runtime request the demo sent fits the Slice-0 request schema (with the real token put back).
  const body = { ...authorize.request.body, attestation_token: token };
  assert.equal(ajv.validate(ref('authorize_execution.request.schema.json'), body), true, JSON.stringify(ajv.errors));
});

test('after the demo the ledger verifies offline', async () => {
  await server?.stop();
  server = undefined;
  const res = await cli(['ledger', 'verify', '--json']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.equal(JSON.parse(res.stdout).ok, true);
});
