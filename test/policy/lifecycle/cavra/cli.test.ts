/**
 * `writ policy import-cavra`, in process: import into a temporary directory, the
 * `--json` report, refusal to overwrite, and clear errors with non-zero exit codes for a
 * bad pack, unknown or cyclic inherits and a missing file.
 */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { policyTest, policyValidate } from '../../../../src/cli/commands/policy.ts';
import { registerPolicyImportCavraCommand } from '../../../../src/cli/commands/policy-import-cavra.ts';
import { EXIT, exitCodeFor } from '../../../../src/cli/exit-codes.ts';
import { isWritError } from '../../../../src/errors/writ-error.ts';
import { inspectBundleDir } from '../../../../src/policy/load-bundle.ts';
import { PACKS_ROOT, SKIP_WITHOUT_REFERENCE, cleanupTemp, tempDir, writeFiles } from './helpers.ts';
import { captureContext } from '../../helpers/capture-context.ts';

after(cleanupTemp);
afterEach(() => {
  process.exitCode = undefined;
});

const context = (json: boolean) => captureContext(json);

/** Runs `writ policy import-cavra ARGS` as `runCli` would: the exit code, stdout, and the error message. */
async function run(args: string[], json = false): Promise<{ code: number; stdout: string; error: string }> {
  const program = new Command('writ').exitOverride();
  const policy = program.command('policy').exitOverride();
  const { ctx, stdout } = context(json);
  registerPolicyImportCavraCommand(policy, () => ctx).exitOverride();
  try {
    process.exitCode = undefined; // as runCli does: only what this command sets counts
    await program.parseAsync(['node', 'writ', 'policy', 'import-cavra', ...args]);
    return { code: typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK, stdout: stdout(), error: '' };
  } catch (err) {
    if (err instanceof CommanderError) return { code: EXIT.USAGE, stdout: stdout(), error: err.message };
    if (isWritError(err)) return { code: exitCodeFor(err.code), stdout: stdout(), error: err.message };
    throw err;
  }
}

const PACK = (id: string, extra = '') => `metadata:\n  id: ${id}\n  title: ${id}\n  description: test pack\n  version: "1.0.0"\n${extra}`;

function packs(files: Record<string, string>): string {
  return writeFiles(tempDir(), files);
}

test('imports a pack into a new directory; the bundle passes writ policy validate and test', { skip: SKIP_WITHOUT_REFERENCE }, async () => {
  const out = join(tempDir(), 'baseline');
  const r = await run([join(PACKS_ROOT, 'cavra-ai-agent-baseline/policy.yaml'), '--out', out]);
  assert.equal(r.code, EXIT.OK, r.error);
  assert.match(r.stdout, /^imported CAVRA pack cavra-ai-agent-baseline /m);
  assert.match(r.stdout, /^hash {5}sha256:[0-9a-f]{64}$/m);
  assert.match(r.stdout, /^policies \d+; \d+ decision test cases, all passing$/m);
  const quiet = context(true).ctx;
  assert.equal(policyValidate(out, quiet), EXIT.OK);
  assert.equal(policyTest(out, quiet), EXIT.OK);
});

test('--json prints the report: source, pack id, resolved inherits, out, hash, counts, warnings', { skip: SKIP_WITHOUT_REFERENCE }, async () => {
  const out = join(tempDir(), 'agentic');
  const source = join(PACKS_ROOT, 'cavra-agentic-delivery/policy.yaml');
  const r = await run([source, '--out', out], true);
  assert.equal(r.code, EXIT.OK, r.error);
  const report = JSON.parse(r.stdout) as Record<string, unknown> & {
    inherits_resolved: Array<{ id: string; path: string; digest: string }>;
    warnings: Array<{ code: string; field: string; message: string }>;
  };
  assert.deepEqual(Object.keys(report).sort(), ['bundle_id', 'inherits_resolved', 'out', 'pack_id', 'policies', 'policy_bundle_hash', 'source', 'test_cases', 'version', 'warnings']);
  assert.equal(report.source, source);
  assert.equal(report.pack_id, 'cavra-agentic-delivery');
  assert.equal(report.out, out);
  assert.deepEqual(report.inherits_resolved.map((s) => s.id), ['cavra-ai-agent-baseline', 'cavra-github-enterprise']);
  const check = inspectBundleDir(out);
  assert.equal(report.policy_bundle_hash, check.policy_bundle_hash);
  assert.equal(report.policies, check.bundle!.policies.size);
  assert.equal(report.test_cases, check.document!.tests.reduce((n, t) => n + t.cases.length, 0));
  // unsupported fields are carried as warnings, and described in bundle.yaml
  const fields = report.warnings.map((w) => w.field);
  for (const f of ['git.require_human_reviewer', 'evidence', 'compliance', 'approvals.protected_actions']) assert.ok(fields.includes(f), f);
  const manifest = readFileSync(join(out, 'bundle.yaml'), 'utf8');
  for (const f of fields) assert.ok(manifest.includes(`- ${f}: `), `bundle.yaml describes ${f}`);
});

test('a non-empty --out is refused without --force; --force replaces only the bundle files', async () => {
  const root = packs({ 'cavra-x/policy.yaml': PACK('cavra-x', 'commands:\n  allow: ["pytest*"]\n') });
  const out = join(tempDir(), 'bundle');
  assert.equal((await run([join(root, 'cavra-x'), '--out', out])).code, EXIT.OK);
  const hash = inspectBundleDir(out).policy_bundle_hash;
  writeFileSync(join(out, 'policies/stale.cedar'), '@id("stale") forbid (principal, action, resource);\n');
  writeFileSync(join(out, 'NOTES.md'), 'kept\n');
  const refused = await run([join(root, 'cavra-x'), '--out', out]);
  assert.equal(refused.code, EXIT.CONFLICT);
  assert.match(refused.error, /is not empty; pass --force/);
  assert.ok(existsSync(join(out, 'policies/stale.cedar')), 'nothing touched when refused');
  const forced = await run([join(root, 'cavra-x'), '--out', out, '--force']);
  assert.equal(forced.code, EXIT.OK, forced.error);
  assert.ok(!existsSync(join(out, 'policies/stale.cedar')), 'stale policy removed');
  assert.equal(readFileSync(join(out, 'NOTES.md'), 'utf8'), 'kept\n');
  assert.equal(inspectBundleDir(out).policy_bundle_hash, hash);
});

test('bad YAML is a clear error, exit 2, and nothing is written', async () => {
  const root = packs({ 'cavra-bad/policy.yaml': 'metadata:\n  id: cavra-bad\nfilesystem:\n  block_read: [".env"\n' });
  const out = join(tempDir(), 'bundle');
  const r = await run([join(root, 'cavra-bad/policy.yaml'), '--out', out]);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.error, /cavra-bad\/policy\.yaml is invalid/);
  assert.match(r.error, /YAML: line \d+, column \d+/);
  assert.ok(!existsSync(out));
});

test('a pack that would silently lose a rule (misspelt list, non-string pattern, unknown mode) is refused, exit 2', async () => {
  const root = packs({
    'cavra-typo/policy.yaml': PACK('cavra-typo', '  mode: shadow\nfilesystem:\n  block_reads: [".env"]\ncommands:\n  block: [42]\n'),
  });
  const r = await run([join(root, 'cavra-typo'), '--out', join(tempDir(), 'b')]);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.error, /filesystem\.block_reads: unknown field/);
  assert.match(r.error, /commands\.block\[0\]: expected a non-empty string/);
  assert.match(r.error, /metadata\.mode: expected one of audit_only, enforce, strict_regulated, break_glass/);
});

test('unknown inherits is a clear error, exit 2; --packs-root resolves it elsewhere', async () => {
  const root = packs({ 'packs/cavra-child/policy.yaml': PACK('cavra-child', '  inherits: cavra-parent\n') });
  const r = await run([join(root, 'packs/cavra-child/policy.yaml'), '--out', join(tempDir(), 'b')]);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.error, /cavra-child .* inherits "cavra-parent", but there is no .*cavra-parent\/policy\.yaml \(packs root .*packs; set it with --packs-root\)/);
  const elsewhere = packs({ 'cavra-parent/policy.yaml': PACK('cavra-parent', 'commands:\n  block: ["rm -rf*"]\n') });
  const out = join(tempDir(), 'b');
  const ok = await run([join(root, 'packs/cavra-child/policy.yaml'), '--out', out, '--packs-root', elsewhere], true);
  assert.equal(ok.code, EXIT.OK, ok.error);
  assert.deepEqual((JSON.parse(ok.stdout) as { inherits_resolved: Array<{ id: string }> }).inherits_resolved.map((s) => s.id), ['cavra-parent']);
  assert.match(readFileSync(join(out, 'policies/commands.cedar'), 'utf8'), /rm -rf\*/);
});

test('an inherits cycle is a clear error, exit 2', async () => {
  const root = packs({
    'cavra-a/policy.yaml': PACK('cavra-a', '  inherits: [cavra-b]\n'),
    'cavra-b/policy.yaml': PACK('cavra-b', '  inherits: cavra-a\n'),
  });
  const r = await run([join(root, 'cavra-a'), '--out', join(tempDir(), 'b')]);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.error, /inherits in a cycle: cavra-a → cavra-b → cavra-a/);
});

test('a missing pack file exits 6; a missing --out is a usage error', async () => {
  assert.equal((await run(['/nonexistent/cavra/policy.yaml', '--out', join(tempDir(), 'b')])).code, EXIT.NOT_FOUND);
  assert.equal((await run(['/nonexistent/cavra/policy.yaml'])).code, EXIT.USAGE);
});
