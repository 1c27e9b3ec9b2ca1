import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Command } from 'commander';
import { ClientError, WritClient } from '../../../src/cli/client.ts';
import { registerApprovalCommands } from '../../../src/cli/commands/approvals.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { createOutput } from '../../../src/cli/output.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { promotionIntent } from '../helpers/intents.ts';

let s: TestServer;
let addr: string;
const dir = mkdtempSync(join(tmpdir(), 'writ-approvals-cli-'));

before(async () => {
  // The test server trusts its built-in dev IdP (served under /dev-idp) for --dev-user.
  s = await startTestServer({ now: new Date() });
  addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await s?.close();
});

/** Runs one `writ …` command line against the local server; returns stdout. */
async function run(json: boolean, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const ctx: CliContext = {
    out: createOutput(json, sink, sink),
    env,
    config: () => loadConfig({ env: { WRIT_HOME: s.home }, cwd: s.home }),
    client: () => new WritClient({ addr, home: s.home, token: s.adminToken }),
  };
  const program = new Command().exitOverride();
  registerApprovalCommands(program, () => ctx);
  await program.parseAsync(['node', 'writ', ...args]);
  return text;
}

async function pendingDecision(): Promise<{ decision_id: string; decision_hash: string }> {
  const r = await s.app.inject({ method: 'POST', url: '/v1/intents', headers: { authorization: `Bearer ${s.adminToken}` }, payload: promotionIntent('prod') });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().decision;
}

function keyFiles(name: string): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = join(dir, `${name}.pem`);
  const publicPem = join(dir, `${name}.pub.pem`);
  writeFileSync(privatePem, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(publicPem, publicKey.export({ format: 'pem', type: 'spki' }));
  return { privatePem, publicPem };
}

test('approver-key register, approve with --jws-key and --dev-user to the quorum, list approvals', async () => {
  const alice = keyFiles('alice');
  const reg = JSON.parse(await run(true, {}, 'approver-key', 'register', '--public-key', alice.publicPem, '--dev-user', 'alice'));
  assert.equal(reg.created, true);
  assert.equal(reg.key.approver.sub, 'alice');
  assert.match(await run(false, {}, 'approver-key', 'register', '--public-key', alice.publicPem, '--dev-user', 'alice'), /^already registered: /);
  assert.match(await run(false, {}, 'approver-key', 'list'), new RegExp(`^${reg.key.kid}  EdDSA alice `, 'm'));

  const d = await pendingDecision();
  const first = JSON.parse(await run(true, {}, 'approve', d.decision_id, '--jws-key', alice.privatePem));
  assert.equal(first.approval.method, 'jws');
  assert.deepEqual([first.decision_status, first.approvals_counted], ['pending_approval', 1]);
  const second = await run(false, {}, 'approve', d.decision_id, '--dev-user', 'bob');
  assert.match(second, new RegExp(`^approved ${d.decision_id} as bob \\(release-management; oidc\\): 2/2 approvals, decision approved$`, 'm'));

  const list = JSON.parse(await run(true, {}, 'approvals', d.decision_id));
  // Same instant on the manual clock: order between them is not defined.
  assert.deepEqual(list.approvals.map((a: { approver: { sub: string } }) => a.approver.sub).sort(), ['alice', 'bob']);
  assert.match(await run(false, {}, 'approvals', d.decision_id, '--dev-user', 'mallory'), /approved {2}2\/2 approvals/);
});

test('reject with --dev-user ends the decision; refusals surface their reason', async () => {
  const d = await pendingDecision();
  const out = JSON.parse(await run(true, {}, 'reject', d.decision_id, '--dev-user', 'bob'));
  assert.equal(out.decision_status, 'rejected');
  const other = await pendingDecision();
  await assert.rejects(run(true, {}, 'approve', other.decision_id, '--dev-user', 'mallory'), (err: unknown) => {
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, 'APPROVAL_REFUSED');
    assert.equal(err.reason, 'NOT_IN_REQUIRED_GROUP');
    return true;
  });
});

test('--print-binding, then --id-token-file with --nonce', async () => {
  const d = await pendingDecision();
  const binding = JSON.parse(await run(true, {}, 'approve', d.decision_id, '--print-binding'));
  assert.equal(binding.decision_hash, d.decision_hash);
  const file = join(dir, 'alice.idtoken');
  writeFileSync(file, await s.devIdp.issueIdToken('alice', { nonce: binding.id_token_nonce }), { mode: 0o600 });
  const out = JSON.parse(await run(true, {}, 'approve', d.decision_id, '--id-token-file', file, '--nonce', binding.nonce));
  assert.equal(out.approval.approver.sub, 'alice');
  // The same nonce again is a replay.
  await assert.rejects(run(true, {}, 'approve', d.decision_id, '--id-token-file', file, '--nonce', binding.nonce), (err: unknown) => err instanceof ClientError && err.reason === 'NONCE_REPLAYED');
});

test('clear usage errors: no identity, two methods, a file token without --nonce, a private key as public key', async () => {
  const d = await pendingDecision();
  await assert.rejects(run(false, {}, 'approve', d.decision_id), (err: unknown) => err instanceof ClientError && err.code === 'IDENTITY_REQUIRED' && /--dev-user/.test(err.message));
  await assert.rejects(run(false, {}, 'approve', d.decision_id, '--dev-user', 'bob', '--jws-key', 'x.pem'), (err: unknown) => err instanceof ClientError && err.code === 'BAD_REQUEST');
  const token = join(dir, 'plain.idtoken');
  writeFileSync(token, await s.devIdp.issueIdToken('alice'));
  await assert.rejects(run(false, {}, 'approve', d.decision_id, '--id-token-file', token), (err: unknown) => err instanceof ClientError && /--nonce/.test(err.message));
  const k = keyFiles('oops');
  await assert.rejects(run(false, {}, 'approver-key', 'register', '--public-key', k.privatePem, '--dev-user', 'alice'), (err: unknown) => err instanceof ClientError && /private key/.test(err.message));
  await assert.rejects(run(false, {}, 'approve', d.decision_id, '--jws-key', k.publicPem), (err: unknown) => err instanceof ClientError && /PKCS#8/.test(err.message));
  // A key nobody registered: refused by the server.
  await assert.rejects(run(false, {}, 'approve', d.decision_id, '--jws-key', k.privatePem), (err: unknown) => err instanceof ClientError && err.reason === 'UNKNOWN_APPROVER_KEY');
});
