import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { countOption, policyDiff, registerPolicyDiffCommand } from '../../../../src/cli/commands/policy-diff.ts';
import { isWritError } from '../../../../src/errors/writ-error.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import type { SemanticDiff } from '../../../../src/policy/lifecycle/artifacts.ts';
import { cleanupBundles, writeBundle } from '../../helpers/bundle-dir.ts';
import { captureContext } from '../../helpers/capture-context.ts';
import { edited, readBundleFiles } from './bundle-files.ts';

after(cleanupBundles);
afterEach(() => {
  process.exitCode = undefined;
});

const FILES = readBundleFiles(DEFAULT_BUNDLE_DIR);
const FAST = { perAction: '40' };

function candidate(): string {
  return writeBundle({ 'policies/promotion.cedar': edited(FILES, 'policies/promotion.cedar', '  context.signals.phase_hold.targets.contains(context.resource_id) ||\n', '') }, FILES);
}

test('diff: the same meaning exits 0 and says so', async () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(await policyDiff(DEFAULT_BUNDLE_DIR, writeBundle({}, FILES), ctx, FAST), 0);
  assert.match(stdout(), /^policies: 0 added, 0 removed, 0 changed$/m);
  assert.match(stdout(), /^schema: unchanged$/m);
  assert.match(stdout(), /^no semantic change$/m);
});

test('diff: a change exits 1; sections, the changed condition, and the first --limit decision changes', async () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(await policyDiff(DEFAULT_BUNDLE_DIR, candidate(), ctx, { ...FAST, limit: '2' }), 1);
  const out = stdout();
  assert.match(out, /^policies: 0 added, 0 removed, 1 changed$/m);
  assert.match(out, /^ {2}~ promotion\.forbid\.phase_hold {2}\(conditions\)$/m);
  assert.match(out, /^ {8}- when \{ .*targets\.contains\(context\.resource_id\).* \}$/m);
  assert.match(out, /^ {2}required {2}promotion_during_phase_hold {2}deny \(POLICY_FORBID\) -> require_approval \(2 from platform-security,release-management\)/m);
  const shown = out.split('\n').filter((l) => / -> /.test(l));
  assert.equal(shown.length, 2);
  assert.match(out, /^ {2}… \d+ more \(raise --limit, or use --json\)$/m);
  assert.match(out, /^semantic changes: policies, decisions$/m);
});

test('diff --json: the SemanticDiff with every decision change', async () => {
  const { ctx, stdout } = captureContext(true);
  assert.equal(await policyDiff(DEFAULT_BUNDLE_DIR, candidate(), ctx, { ...FAST, limit: '1' }), 1);
  const d = JSON.parse(stdout()) as SemanticDiff;
  assert.equal(d.schema_version, 'writ.policy-lifecycle.semantic-diff.v1');
  assert.deepEqual(d.changed, ['promotion.forbid.phase_hold']);
  assert.equal(d.decisions.changes.length, d.decisions.changed_count);
  assert.ok(d.decisions.changed_count > 1, '--limit only shortens the human output');
});

test('diff: an invalid bundle or option exits 2', async () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(await policyDiff(DEFAULT_BUNDLE_DIR, '/nonexistent/writ-bundle', ctx, FAST), 2);
  assert.match(stdout(), /INVALID bundle \/nonexistent\/writ-bundle/);
  assert.throws(
    () => countOption('ten', '--limit'),
    (err) => isWritError(err) && err.code === 'BAD_REQUEST',
  );
});

test('registered as `policy diff A B`, setting the exit code', async () => {
  const { ctx } = captureContext(true);
  const program = new Command().exitOverride();
  registerPolicyDiffCommand(program.command('policy'), () => ctx);
  await program.parseAsync(['node', 'writ', 'policy', 'diff', DEFAULT_BUNDLE_DIR, candidate(), '--per-action', '20']);
  assert.equal(process.exitCode, 1);
});

test('diff: an annotation change is printed as Cedar annotations, a removed one as "(no @key)"', async () => {
  const files = { ...FILES };
  files['policies/promotion.cedar'] = edited(files, 'policies/promotion.cedar', '@risk("high")\n@break_glass("allowed")\n', '@risk("critical")\n');
  const { ctx, stdout } = captureContext(false);
  assert.equal(await policyDiff(DEFAULT_BUNDLE_DIR, writeBundle({}, files), ctx, FAST), 1);
  const out = stdout();
  assert.match(out, /^ {2}~ promotion\.prod\.approval {2}\(annotations\)$/m);
  for (const line of ['- @break_glass("allowed")', '- @risk("high")', '+ (no @break_glass)', '+ @risk("critical")']) {
    assert.ok(out.split('\n').some((l) => l.trim() === line), `${line} in\n${out}`);
  }
});
