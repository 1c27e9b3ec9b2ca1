import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_APPROVER_GROUPS } from '../../../../src/config/load-config.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import type { LintIssue, LintReport } from '../../../../src/policy/lifecycle/artifacts.ts';
import { lintBundleDir, lintCompiledBundle } from '../../../../src/policy/lifecycle/lint/lint-bundle.ts';
import { LINT_CODES } from '../../../../src/policy/lifecycle/lint/lint-codes.ts';
import { applicableClasses } from '../../../../src/policy/lifecycle/required-classes.ts';
import { MINI_TESTS, MINI_WRITE, cleanupBundles, governedMiniBundle, writeBundle } from '../../helpers/bundle-dir.ts';
import { edited, readBundleFiles } from '../diff/bundle-files.ts';

after(cleanupBundles);

const DEFAULT_FILES = readBundleFiles(DEFAULT_BUNDLE_DIR);
const MINI_GROUPS = ['owners', 'writers'];

function codes(r: LintReport, severity?: LintIssue['severity']): string[] {
  return r.issues.filter((i) => !severity || i.severity === severity).map((i) => i.code);
}

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} is in the text`);
  return i + 1;
}

function only(r: LintReport, code: string): LintIssue[] {
  return r.issues.filter((i) => i.code === code);
}

test('default bundle with the configured groups: valid, no blocker, every required class covered, no sampled finding', () => {
  const r = lintBundleDir(DEFAULT_BUNDLE_DIR, { knownGroups: DEFAULT_APPROVER_GROUPS });
  assert.equal(r.schema_version, 'writ.policy-lifecycle.lint-report.v1');
  assert.equal(r.valid, true, JSON.stringify(r.issues, null, 2));
  assert.equal(r.blocker_count, 0);
  assert.equal(r.issue_count, r.issues.length);
  assert.equal(r.warning_count, r.issues.length);
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  assert.equal(r.policy_bundle_hash, bundle.policy_bundle_hash);
  assert.equal(r.summary.policy_count, bundle.policies.size);
  assert.deepEqual(r.summary.classes_required, applicableClasses(new Set(bundle.model.actions.keys())).map((c) => c.id));
  assert.deepEqual(r.summary.classes_covered, r.summary.classes_required);
  assert.deepEqual(codes(r), [], 'the shipped bundle lints clean');
});

test('without configured groups: exactly one APPROVER_GROUPS_UNCHECKED warning, still valid', () => {
  const r = lintBundleDir(DEFAULT_BUNDLE_DIR, { knownGroups: null });
  assert.equal(r.valid, true);
  assert.deepEqual(codes(r), ['APPROVER_GROUPS_UNCHECKED']);
  assert.equal(r.issues[0]!.severity, 'warning');
});

test('an approver group typo is an APPROVER_GROUP_UNKNOWN blocker at the policy, with the likely group', () => {
  const dir = writeBundle({ 'policies/write.cedar': MINI_WRITE.replace('@approver_groups("owners,writers")', '@approver_groups("owners,writres")') }, governedMiniBundle());
  const r = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  assert.equal(r.valid, false);
  const [issue, ...rest] = only(r, 'APPROVER_GROUP_UNKNOWN');
  assert.deepEqual(rest, []);
  assert.equal(issue!.severity, 'blocker');
  assert.equal(issue!.policy_id, 'doc.write.prod.approval');
  assert.deepEqual(issue!.location, { file: 'policies/write.cedar', line: lineOf(MINI_WRITE, '@id("doc.write.prod.approval")'), column: 1 });
  assert.match(issue!.message, /"writres".*did you mean "writers"/);
  assert.equal(lintBundleDir(writeBundle({}, governedMiniBundle()), { knownGroups: MINI_GROUPS }).valid, true, 'the same bundle without the typo is valid');
});

test('a permit an unconditional forbid always overrides: POLICY_SHADOWED_BY_FORBID, sampled, with counts', () => {
  const dir = writeBundle({
    'policies/write.cedar': `${MINI_WRITE}\n@id("doc.write.freeze")\nforbid (principal, action == Writ::Action::"doc.write", resource);\n`,
  }, governedMiniBundle());
  const r = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  assert.equal(r.valid, true, 'a sampled finding is a warning');
  const shadowed = only(r, 'POLICY_SHADOWED_BY_FORBID');
  assert.deepEqual(
    shadowed.map((i) => i.policy_id),
    ['doc.write.approval', 'doc.write.prod.approval'],
  );
  for (const i of shadowed) {
    assert.equal(i.severity, 'warning');
    assert.match(i.message, /sampled evidence/);
    assert.match(i.message, /in all \d+ of the \d+ generated cases/);
    assert.match(i.message, /doc\.write\.freeze/);
  }
  const unshadowed = lintBundleDir(writeBundle({}, governedMiniBundle()), { knownGroups: MINI_GROUPS });
  assert.deepEqual(only(unshadowed, 'POLICY_SHADOWED_BY_FORBID'), []);
});

test('a permit no value satisfies: POLICY_NEVER_APPLIES_SAMPLED; one Cedar proves impossible: POLICY_IMPOSSIBLE only', () => {
  const dir = writeBundle({
    'policies/extra.cedar': `@id("doc.read.contradiction")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource.tier == "a" && resource.tier == "b" };

@id("doc.read.false")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { false };
`,
  }, governedMiniBundle());
  const r = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  assert.equal(r.valid, true);
  const never = only(r, 'POLICY_NEVER_APPLIES_SAMPLED');
  assert.deepEqual(never.map((i) => i.policy_id), ['doc.read.contradiction']);
  assert.match(never[0]!.message, /sampled evidence.*none of the \d+ generated cases of its action scopes \(doc\.read\)/);
  assert.deepEqual(never[0]!.location, { file: 'policies/extra.cedar', line: 1, column: 1 });
  assert.deepEqual(only(r, 'POLICY_IMPOSSIBLE').map((i) => i.policy_id), ['doc.read.false']);
});

test('a required class no case claims is a REQUIRED_CLASS_UNTESTED blocker', () => {
  const dir = writeBundle({ 'tests/promotion.yaml': edited(DEFAULT_FILES, 'tests/promotion.yaml', '    class: production_promotion\n', '') }, DEFAULT_FILES);
  const r = lintBundleDir(dir, { knownGroups: DEFAULT_APPROVER_GROUPS });
  assert.equal(r.valid, false);
  assert.deepEqual(codes(r, 'blocker'), ['REQUIRED_CLASS_UNTESTED']);
  assert.match(only(r, 'REQUIRED_CLASS_UNTESTED')[0]!.message, /production_promotion/);
  assert.ok(!r.summary.classes_covered.includes('production_promotion'));
});

test('a class claim with a verdict the class refuses is DECISION_CLASS_EXPECTATION_MISMATCH at the case line', () => {
  const dir = writeBundle(
    {
      'tests/promotion.yaml': edited(
        DEFAULT_FILES,
        'tests/promotion.yaml',
        '  - name: promotion to staging is allowed\n',
        '  - name: promotion to staging is allowed\n    class: promotion_during_phase_hold\n',
      ),
    },
    DEFAULT_FILES,
  );
  const r = lintBundleDir(dir, { knownGroups: DEFAULT_APPROVER_GROUPS });
  assert.deepEqual(codes(r, 'blocker'), ['DECISION_CLASS_EXPECTATION_MISMATCH']);
  const issue = only(r, 'DECISION_CLASS_EXPECTATION_MISMATCH')[0]!;
  assert.match(issue.message, /expects allow; the class accepts deny/);
  const line = lineOf(String(DEFAULT_FILES['tests/promotion.yaml']), '- name: promotion to staging is allowed');
  assert.deepEqual(issue.location, { file: 'tests/promotion.yaml', line, column: 5 });
});

test('an unknown class and a class of another action scope are blockers; the class stays uncovered', () => {
  const files = { ...DEFAULT_FILES };
  files['tests/promotion.yaml'] = edited(files, 'tests/promotion.yaml', 'class: production_promotion', 'class: production_promotionn');
  files['tests/files.yaml'] = edited(files, 'tests/files.yaml', 'class: sensitive_file_read', 'class: production_promotion');
  const r = lintBundleDir(writeBundle({}, files), { knownGroups: DEFAULT_APPROVER_GROUPS });
  assert.deepEqual(codes(r, 'blocker').sort(), ['DECISION_CLASS_SCOPE_MISMATCH', 'DECISION_CLASS_UNKNOWN', 'REQUIRED_CLASS_UNTESTED', 'REQUIRED_CLASS_UNTESTED']);
  assert.deepEqual(
    only(r, 'REQUIRED_CLASS_UNTESTED')
      .map((i) => /class (\w+)/.exec(i.message)?.[1])
      .sort(),
    ['production_promotion', 'sensitive_file_read'],
  );
});

test('a failing bundle test is a TEST_FAILING blocker with what differed and where', () => {
  const dir = writeBundle({ 'tests/read.yaml': MINI_TESTS.replace('expect: { verdict: allow, reasons: [doc.read.allow] }', 'expect: { verdict: deny }') }, governedMiniBundle());
  const r = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  assert.deepEqual(codes(r, 'blocker'), ['TEST_FAILING']);
  const issue = only(r, 'TEST_FAILING')[0]!;
  assert.match(issue.message, /public read is allowed.*verdict: expected "deny", got "allow"/);
  assert.deepEqual(issue.location, { file: 'tests/read.yaml', line: lineOf(MINI_TESTS, '- name: public read is allowed'), column: 5 });
});

test('an invalid bundle: each problem a BUNDLE_INVALID blocker with file, line, column and policy id', () => {
  const dir = writeBundle({ 'policies/bad.cedar': '\n@id("bad.one") @approvals("0") @approver_groups("x")\npermit (principal, action, resource);\n' }, governedMiniBundle());
  const r = lintBundleDir(dir, { knownGroups: null });
  assert.equal(r.valid, false);
  assert.deepEqual(
    r.issues.filter((i) => i.code === 'BUNDLE_INVALID').map((i) => [i.location, i.policy_id]),
    [[{ file: 'policies/bad.cedar', line: 2, column: 1 }, 'bad.one']],
  );
  assert.match(r.issues[0]!.message, /@approvals\("0"\)/);
  assert.ok(r.policy_bundle_hash, 'a readable bundle has a hash even when invalid');
});

test('manifest metadata: an empty description and a non-semver version are warnings', () => {
  const dir = writeBundle({ 'bundle.yaml': 'id: mini\nversion: "0.1"\ndescription: ""\n' }, governedMiniBundle());
  const r = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  assert.equal(r.valid, true);
  assert.deepEqual(codes(r).sort(), ['MANIFEST_DESCRIPTION_MISSING', 'MANIFEST_VERSION_NOT_SEMVER']);
  assert.deepEqual(codes(lintBundleDir(writeBundle({}, governedMiniBundle()), { knownGroups: MINI_GROUPS })), []);
});

test('a directory that cannot be read: one BUNDLE_DIR_UNREADABLE blocker', () => {
  const r = lintBundleDir('/nonexistent/writ-bundle', { knownGroups: null });
  assert.deepEqual(codes(r), ['BUNDLE_DIR_UNREADABLE']);
  assert.equal(r.valid, false);
  assert.equal(r.policy_bundle_hash, null);
});

test('deterministic: the same report twice, blockers first, every code documented with its severity', () => {
  const dir = writeBundle({
    'bundle.yaml': 'id: mini\nversion: "0.1"\ndescription: a bundle\n',
    'policies/write.cedar': `${MINI_WRITE.replace('owners,writers', 'owners,writres')}\n@id("doc.write.freeze")\nforbid (principal, action == Writ::Action::"doc.write", resource);\n`,
  }, governedMiniBundle());
  const a = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  const b = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  assert.deepEqual(a, b);
  const severities = a.issues.map((i) => i.severity);
  assert.deepEqual(severities, [...severities].sort(), 'blocker sorts before warning');
  for (const i of a.issues) assert.equal(i.severity, LINT_CODES[i.code as keyof typeof LINT_CODES]);
});

test('lintCompiledBundle (a bundle from the store) finds what the directory lint finds, without case lines', () => {
  const dir = writeBundle({ 'policies/write.cedar': `${MINI_WRITE}\n@id("doc.write.freeze")\nforbid (principal, action == Writ::Action::"doc.write", resource);\n` }, governedMiniBundle());
  const fromDir = lintBundleDir(dir, { knownGroups: MINI_GROUPS });
  const compiled = lintCompiledBundle(loadBundleDir(dir), { knownGroups: MINI_GROUPS });
  assert.deepEqual(codes(compiled), codes(fromDir));
  assert.equal(compiled.policy_bundle_hash, fromDir.policy_bundle_hash);
});
