/**
 * `writ policy dry-run DIR [--cases FILE]` in-process: human and JSON output, exit codes
 * 0 (passed), 1 (a case failed or a class is missing), 2 (invalid bundle, bad case file).
 */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { policyDryRun, registerPolicyDryRunCommand } from '../../../../src/cli/commands/policy-dry-run.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import type { DryRunReport } from '../../../../src/policy/lifecycle/artifacts.ts';
import { captureContext } from '../../helpers/capture-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'writ-dry-run-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const context = (json: boolean) => captureContext(json);

const ONE_CASE = `cases:
  - name: env read
    class: sensitive_file_read
    intent:
      action_scope: file.read
      principal: { type: agent, id: a }
      resource: { type: file, id: .env, attrs: { path: .env } }
      execution_identity: { agent_id: a, region: local, env_tier: dev }
`;

test('the default bundle: one line per case, a summary, PASSED, exit 0', () => {
  const { ctx, stdout } = context(false);
  assert.equal(policyDryRun(DEFAULT_BUNDLE_DIR, ctx, {}), 0);
  const lines = stdout().trim().split('\n');
  assert.match(lines[0]!, /^bundle {3}writ-default /);
  assert.ok(lines.some((l) => /^pass {2}required {2}promotion_during_phase_hold {2}deny \(expected deny\) {2}by promotion\.forbid\.phase_hold$/.test(l)), stdout());
  assert.ok(!lines.some((l) => l.startsWith('FAIL')));
  assert.equal(lines.at(-3), 'required classes: 8/8 present');
  assert.match(lines.at(-2)!, /^\d+ cases: \d+ passed, 0 failed$/);
  assert.equal(lines.at(-1), 'PASSED');
});

test('--json prints the report', () => {
  const { ctx, stdout } = context(true);
  assert.equal(policyDryRun(DEFAULT_BUNDLE_DIR, ctx, {}), 0);
  const r = JSON.parse(stdout()) as DryRunReport;
  assert.equal(r.schema_version, 'writ.policy-lifecycle.dry-run-report.v1');
  assert.equal(r.passed, true);
  assert.equal(r.required_classes.length, 8);
  assert.equal(r.results.length, r.case_count);
});

test('a case file that leaves classes out: exit 1, the missing classes named', () => {
  const cases = join(dir, 'one.yaml');
  writeFileSync(cases, ONE_CASE);
  const { ctx, stdout } = context(false);
  assert.equal(policyDryRun(DEFAULT_BUNDLE_DIR, ctx, { cases }), 1);
  assert.match(stdout(), /^pass {2}file {6}env read {2}deny \(expected deny\)/m);
  assert.match(stdout(), /^required classes: 1\/8 present; missing: policy_file_write_approval, /m);
  assert.match(stdout(), /^FAILED: 7 required classes have no case$/m);
});

test('a failing case is shown with its mismatch: exit 1', () => {
  // The .env forbid turned into a permit: the bundle still compiles, the read is allowed.
  const bundle = join(dir, 'weak-bundle');
  cpSync(DEFAULT_BUNDLE_DIR, bundle, { recursive: true });
  const file = join(bundle, 'policies/files.cedar');
  const text = readFileSync(file, 'utf8');
  const weakened = text.replace('@id("file.read.forbid.dotenv")\n@risk("high")\nforbid', '@id("file.read.forbid.dotenv")\n@risk("high")\npermit');
  assert.notEqual(weakened, text);
  writeFileSync(file, weakened);
  const { ctx, stdout } = context(false);
  assert.equal(policyDryRun(bundle, ctx, {}), 1, stdout());
  assert.match(stdout(), /^FAIL {2}required {2}sensitive_file_read {2}allow \(expected deny\) {2}by file\.read\.allow, file\.read\.forbid\.dotenv$/m);
  assert.match(stdout(), /^ {8}verdict: expected "deny", got "allow"$/m);
  assert.match(stdout(), /^FAILED: 2 cases failed$/m);
});

test('an invalid bundle exits 2 with its problems', () => {
  const bundle = join(dir, 'broken-bundle');
  cpSync(DEFAULT_BUNDLE_DIR, bundle, { recursive: true });
  rmSync(join(bundle, 'schema.cedarschema'));
  const { ctx, stdout } = context(false);
  assert.equal(policyDryRun(bundle, ctx, {}), 2);
  assert.match(stdout(), /^INVALID bundle .*: \d+ problems?$/m);
});

test('a bad case file is a BAD_REQUEST (exit 2 through runCli)', () => {
  const cases = join(dir, 'bad.yaml');
  writeFileSync(cases, 'cases:\n  - name: x\n    expect: { verdict: sometimes }\n');
  const { ctx } = context(false);
  assert.throws(() => policyDryRun(DEFAULT_BUNDLE_DIR, ctx, { cases }), (err: Error & { code?: string }) => err.code === 'BAD_REQUEST' && /case "x": expect\.verdict/.test(err.message));
});

test('the registered command sets the exit code', async () => {
  const program = new Command('writ').exitOverride();
  const policy = program.command('policy');
  const { ctx } = context(true);
  registerPolicyDryRunCommand(policy, () => ctx);
  await program.parseAsync(['node', 'writ', 'policy', 'dry-run', DEFAULT_BUNDLE_DIR]);
  assert.equal(process.exitCode, undefined);
  const cases = join(dir, 'one-more.yaml');
  writeFileSync(cases, ONE_CASE);
  await program.parseAsync(['node', 'writ', 'policy', 'dry-run', DEFAULT_BUNDLE_DIR, '--cases', cases]);
  assert.equal(process.exitCode, 1);
});
