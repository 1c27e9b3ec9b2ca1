import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { parseGroups, policyLint, registerPolicyLintCommand } from '../../../../src/cli/commands/policy-lint.ts';
import { DEFAULT_APPROVER_GROUPS } from '../../../../src/config/load-config.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import type { LintReport } from '../../../../src/policy/lifecycle/artifacts.ts';
import { MINI_WRITE, cleanupBundles, governedMiniBundle, writeBundle } from '../../helpers/bundle-dir.ts';
import { captureContext } from '../../helpers/capture-context.ts';

after(cleanupBundles);
afterEach(() => {
  process.exitCode = undefined;
});

test('parseGroups: absent flag is null (unchecked); a list is trimmed, empties dropped', () => {
  assert.equal(parseGroups(undefined), null);
  assert.deepEqual(parseGroups(' a, b,,c '), ['a', 'b', 'c']);
  assert.deepEqual(parseGroups(''), []);
});

test('lint: a valid bundle exits 0 and ends with the counts; --json prints the LintReport', () => {
  const human = captureContext(false);
  assert.equal(policyLint(DEFAULT_BUNDLE_DIR, human.ctx, { groups: DEFAULT_APPROVER_GROUPS.join(',') }), 0);
  assert.match(human.stdout(), /^bundle {3}writ-default 1\.0\.0$/m);
  assert.match(human.stdout(), /^valid: 0 blockers, 0 warnings$/m);
  // Without --groups the configured groups apply: the defaults know the default bundle's groups…
  const json = captureContext(true);
  assert.equal(policyLint(DEFAULT_BUNDLE_DIR, json.ctx, {}), 0);
  const r = JSON.parse(json.stdout()) as LintReport;
  assert.equal(r.valid, true);
  assert.deepEqual(r.issues, []);
  // …and WRIT_POLICY_APPROVER_GROUPS narrows them.
  const narrow = captureContext(true, { WRIT_POLICY_APPROVER_GROUPS: 'platform-security' });
  assert.equal(policyLint(DEFAULT_BUNDLE_DIR, narrow.ctx, {}), 1);
  assert.ok((JSON.parse(narrow.stdout()) as LintReport).issues.some((i) => i.code === 'APPROVER_GROUP_UNKNOWN' && i.message.includes('release-management')));
});

test('lint: a blocker exits 1 and is printed on one line with its location and policy', () => {
  const dir = writeBundle({ 'policies/write.cedar': MINI_WRITE.replace('owners,writers', 'owners,writres') }, governedMiniBundle());
  const { ctx, stdout } = captureContext(false);
  assert.equal(policyLint(dir, ctx, { groups: 'owners,writers' }), 1);
  assert.match(stdout(), /^BLOCKER {2}APPROVER_GROUP_UNKNOWN {2}policies\/write\.cedar:\d+:1 \[doc\.write\.prod\.approval\]: .*"writres"/m);
  assert.match(stdout(), /^INVALID: 1 blocker, 0 warnings$/m);
});

test('lint: an unreadable directory exits 2', () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(policyLint('/nonexistent/writ-bundle', ctx, {}), 2);
  assert.match(stdout(), /BUNDLE_DIR_UNREADABLE .*no such directory/);
});

test('registered as `policy lint DIR --groups`, setting the exit code', async () => {
  const { ctx } = captureContext(true);
  const program = new Command().exitOverride();
  registerPolicyLintCommand(program.command('policy'), () => ctx);
  const dir = writeBundle({ 'policies/write.cedar': MINI_WRITE.replace('owners,writers', 'owners,writres') }, governedMiniBundle());
  await program.parseAsync(['node', 'writ', 'policy', 'lint', dir, '--groups', 'owners,writers']);
  assert.equal(process.exitCode, 1);
});
