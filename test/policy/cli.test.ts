import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { policyTest, policyValidate, registerPolicyCommands } from '../../src/cli/commands/policy.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { MINI_TESTS, cleanupBundles, writeBundle } from './helpers/bundle-dir.ts';
import { captureContext } from './helpers/capture-context.ts';

after(cleanupBundles);
afterEach(() => {
  process.exitCode = undefined;
});

const context = (json: boolean) => captureContext(json);

test('validate: a valid bundle prints id, version, hash and exits 0', () => {
  const { ctx, stdout } = context(false);
  assert.equal(policyValidate(DEFAULT_BUNDLE_DIR, ctx), 0);
  assert.match(stdout(), /^bundle {3}writ-default 1\.0\.0$/m);
  assert.match(stdout(), /^hash {5}sha256:[0-9a-f]{64}$/m);
  assert.match(stdout(), /^valid$/m);
});

test('validate --json: one JSON document with the report', () => {
  const { ctx, stdout } = context(true);
  assert.equal(policyValidate(DEFAULT_BUNDLE_DIR, ctx), 0);
  const v = JSON.parse(stdout()) as { valid: boolean; bundle_id: string; policy_bundle_hash: string; policies: number; problems: unknown[] };
  assert.equal(v.valid, true);
  assert.equal(v.bundle_id, 'writ-default');
  assert.match(v.policy_bundle_hash, /^sha256:/);
  assert.ok(v.policies > 20);
  assert.deepEqual(v.problems, []);
});

test('validate: an invalid bundle lists its problems with file, line and policy id, and exits 2', () => {
  const dir = writeBundle({ 'policies/bad.cedar': '@id("bad.one") @approvals("0") @approver_groups("x")\npermit (principal, action, resource);\n' });
  const { ctx, stdout } = context(false);
  assert.equal(policyValidate(dir, ctx), 2);
  assert.match(stdout(), /INVALID: 1 problem/);
  assert.match(stdout(), /policies\/bad\.cedar:1:1 \[bad\.one\]: @approvals\("0"\)/);
  const j = context(true);
  assert.equal(policyValidate(dir, j.ctx), 2);
  const v = JSON.parse(j.stdout()) as { valid: boolean; policy_bundle_hash: string | null; problems: Array<{ file: string; line: number; policy_id: string }> };
  assert.equal(v.valid, false);
  assert.ok(v.policy_bundle_hash, 'the hash of a readable but invalid bundle is still shown');
  assert.deepEqual(v.problems.map((p) => [p.file, p.line, p.policy_id]), [['policies/bad.cedar', 1, 'bad.one']]);
});

test('validate: a missing directory exits 2', () => {
  const { ctx, stdout } = context(false);
  assert.equal(policyValidate('/nonexistent/bundle', ctx), 2);
  assert.match(stdout(), /no such directory/);
});

test('test: every case passes on the default bundle, one line per case, exit 0', () => {
  const { ctx, stdout } = context(false);
  assert.equal(policyTest(DEFAULT_BUNDLE_DIR, ctx), 0);
  const lines = stdout().trim().split('\n');
  assert.ok(lines.filter((l) => l.startsWith('pass  ')).length >= 45);
  assert.ok(!lines.some((l) => l.startsWith('FAIL')));
  assert.match(lines.at(-1)!, /^\d+ cases: \d+ passed, 0 failed$/);
});

test('test: a failing case is shown with what differed, exit 1', () => {
  const dir = writeBundle({ 'tests/read.yaml': MINI_TESTS.replace('expect: { verdict: allow, reasons: [doc.read.allow] }', 'expect: { verdict: deny }') });
  const { ctx, stdout } = context(false);
  assert.equal(policyTest(dir, ctx), 1);
  assert.match(stdout(), /^FAIL {2}read\.yaml {2}public read is allowed$/m);
  assert.match(stdout(), /verdict: expected "deny", got "allow"/);
  assert.match(stdout(), /2 cases: 1 passed, 1 failed/);
  const j = context(true);
  assert.equal(policyTest(dir, j.ctx), 1);
  const r = JSON.parse(j.stdout()) as { failed: number; results: Array<{ passed: boolean; mismatches: string[] }> };
  assert.equal(r.failed, 1);
});

test('test: an invalid bundle exits 2 without running cases', () => {
  const { ctx } = context(true);
  assert.equal(policyTest(writeBundle({ 'schema.cedarschema': null }), ctx), 2);
});

test('registered commands set the exit code for runCli to return', async () => {
  const program = new Command('writ').exitOverride();
  const { ctx } = context(true);
  registerPolicyCommands(program, () => ctx);
  await program.parseAsync(['node', 'writ', 'policy', 'validate', DEFAULT_BUNDLE_DIR]);
  assert.equal(process.exitCode, undefined);
  await program.parseAsync(['node', 'writ', 'policy', 'validate', '/nonexistent']);
  assert.equal(process.exitCode, 2);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'writ', 'policy', 'test', DEFAULT_BUNDLE_DIR]);
  assert.equal(process.exitCode, undefined);
});
