import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../../../src/policy/evaluate.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { diffBundles, hasSemanticChange } from '../../../../src/policy/lifecycle/diff/diff-bundles.ts';
import { summarizeDecision } from '../../../../src/policy/lifecycle/diff/decision-summary.ts';
import { MINI_READ, MINI_SCHEMA, cleanupBundles, writeBundle } from '../../helpers/bundle-dir.ts';
import { edited, readBundleFiles } from './bundle-files.ts';

after(cleanupBundles);

const DEFAULT_FILES = readBundleFiles(DEFAULT_BUNDLE_DIR);
const defaultBundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
const SMALL = { corpus: { perAction: 60 } };

const PHASE_HOLD_FORBID = /@id\("promotion\.forbid\.phase_hold"\)[\s\S]*?\};\n/;

test('identical bundles: an empty diff (a copy loaded separately too), but cases were counted', () => {
  const copy = loadBundleDir(writeBundle({}, DEFAULT_FILES));
  for (const other of [defaultBundle, copy]) {
    const d = diffBundles(defaultBundle, other, SMALL);
    assert.deepEqual([d.added, d.removed, d.changed], [[], [], []]);
    assert.deepEqual(d.policies, { added: [], removed: [], changed: [] });
    assert.equal(d.schema.changed, false);
    assert.equal(d.decisions.changed_count, 0);
    assert.deepEqual(d.decisions.changes, []);
    assert.ok(d.decisions.required_case_count >= 8 && d.decisions.test_case_count === 50 && d.decisions.corpus_case_count > 100);
    assert.equal(d.decisions.case_count, d.decisions.required_case_count + d.decisions.test_case_count + d.decisions.corpus_case_count);
    assert.equal(hasSemanticChange(d), false);
  }
});

test('a comment-only and formatting change: a different hash, no policy, schema or decision change', () => {
  const files = { ...DEFAULT_FILES };
  files['policies/promotion.cedar'] = edited(files, 'policies/promotion.cedar', 'when { resource.tier == "prod" };', '// reviewed\nwhen {\n  resource.tier   ==  "prod"  // prod only\n};');
  files['schema.cedarschema'] = `// a note\n${String(files['schema.cedarschema'])}`;
  const b = loadBundleDir(writeBundle({}, files));
  assert.notEqual(b.policy_bundle_hash, defaultBundle.policy_bundle_hash);
  const d = diffBundles(defaultBundle, b, SMALL);
  assert.equal(d.from.policy_bundle_hash, defaultBundle.policy_bundle_hash);
  assert.equal(d.to.policy_bundle_hash, b.policy_bundle_hash);
  assert.deepEqual(d.policies, { added: [], removed: [], changed: [] });
  assert.equal(d.schema.changed, false);
  assert.equal(d.decisions.changed_count, 0);
  assert.equal(hasSemanticChange(d), false);
});

test('removing the phase-hold forbid: removed, and the phase-hold cases go from deny to require_approval', () => {
  const files = { ...DEFAULT_FILES };
  files['policies/promotion.cedar'] = edited(files, 'policies/promotion.cedar', PHASE_HOLD_FORBID, '');
  // Its test cases name it; drop the reasons so the bundle stays valid (the cases then fail, which a diff does not mind).
  files['tests/promotion.yaml'] = String(files['tests/promotion.yaml']).replace(/, reasons: \[promotion\.forbid\.phase_hold\]|reasons: \[promotion\.forbid\.phase_hold\]|, promotion\.forbid\.phase_hold|promotion\.forbid\.phase_hold, /g, '');
  const b = loadBundleDir(writeBundle({}, files));
  const d = diffBundles(defaultBundle, b, SMALL);
  assert.deepEqual(d.removed, ['promotion.forbid.phase_hold']);
  assert.deepEqual(d.policies.removed, [{ policy_id: 'promotion.forbid.phase_hold', effect: 'forbid', file: 'policies/promotion.cedar' }]);
  assert.deepEqual([d.added, d.changed], [[], []]);
  const required = d.decisions.changes.find((c) => c.source === 'required' && c.case_id === 'promotion_during_phase_hold');
  assert.ok(required, 'the required phase-hold case changes');
  assert.equal(required.before.verdict, 'deny');
  assert.equal(required.before.deny_code, 'POLICY_FORBID');
  assert.equal(required.after.verdict, 'require_approval');
  assert.deepEqual(required.changed, ['verdict', 'deny_code', 'obligations', 'reasons']);
  const corpus = d.decisions.changes.filter((c) => c.source === 'corpus');
  assert.ok(corpus.length > 0, 'corpus cases change too');
  assert.ok(d.decisions.changes.some((c) => c.source === 'test' && c.case_id === 'promotion.yaml#promotion to prod is forbidden during a phase hold on the target'));
  for (const c of d.decisions.changes) {
    assert.equal(c.intent.action_scope, 'promotion', `${c.case_id}: only promotion can change`);
    assert.ok(c.signals.phase_holds.length > 0, `${c.case_id}: only cases under a phase hold change`);
    assert.ok(c.before.reasons.includes('promotion.forbid.phase_hold'));
    const input = { intent: c.intent, signals: c.signals, now: new Date(c.now) };
    assert.deepEqual(c.before, summarizeDecision(evaluateIntent(defaultBundle, input)));
    assert.deepEqual(c.after, summarizeDecision(evaluateIntent(b, input)));
  }
  assert.equal(d.decisions.changed_count, d.decisions.changes.length);
  assert.equal(hasSemanticChange(d), true);
});

test('narrowing one condition: the policy is changed (conditions, before and after as Cedar text)', () => {
  const files = { ...DEFAULT_FILES };
  files['policies/promotion.cedar'] = edited(files, 'policies/promotion.cedar', '  context.signals.phase_hold.targets.contains(context.resource_id) ||\n', '');
  const d = diffBundles(defaultBundle, loadBundleDir(writeBundle({}, files)), SMALL);
  assert.deepEqual(d.changed, ['promotion.forbid.phase_hold']);
  const [change, ...more] = d.policies.changed[0]!.changes;
  assert.deepEqual(more, []);
  assert.equal(change!.aspect, 'conditions');
  assert.deepEqual(change!.before, [
    'when { context.signals.phase_hold.global || context.signals.phase_hold.targets.contains(context.resource_id) || context.signals.phase_hold.environments.contains(resource.tier) }',
  ]);
  assert.deepEqual(change!.after, ['when { context.signals.phase_hold.global || context.signals.phase_hold.environments.contains(resource.tier) }']);
  const required = d.decisions.changes.find((c) => c.case_id === 'promotion_during_phase_hold');
  assert.equal(required?.after.verdict, 'require_approval');
});

test('effect, scope, annotations and file changes are each reported', () => {
  const files = { ...DEFAULT_FILES };
  files['policies/files.cedar'] = edited(files, 'policies/files.cedar', /@id\("file\.read\.allow"\)\n@risk\("low"\)\npermit \(principal, action == Writ::Action::"file\.read", resource is Writ::File\);\n/, '');
  files['policies/zz-moved.cedar'] = '@id("file.read.allow")\n@risk("medium")\npermit (principal, action == Writ::Action::"file.read", resource is Writ::File);\n';
  files['policies/kubernetes.cedar'] = edited(files, 'policies/kubernetes.cedar', 'permit (principal, action == Writ::Action::"k8s.rbac.bind", resource is Writ::RoleBinding)\nwhen', 'permit (principal is Writ::User, action == Writ::Action::"k8s.rbac.bind", resource is Writ::RoleBinding)\nwhen');
  files['policies/repository.cedar'] = edited(files, 'policies/repository.cedar', '@risk("low")\npermit (principal, action == Writ::Action::"repo.push"', '@risk("low")\nforbid (principal, action == Writ::Action::"repo.push"');
  const d = diffBundles(defaultBundle, loadBundleDir(writeBundle({}, files)), SMALL);
  const aspects = Object.fromEntries(d.policies.changed.map((p) => [p.policy_id, p.changes]));
  assert.deepEqual(Object.keys(aspects).sort(), ['file.read.allow', 'k8s.rbac.bind.cluster_admin.approval', 'repo.push.allow']);
  assert.deepEqual(aspects['file.read.allow'], [
    { aspect: 'annotations', before: { risk: 'low' }, after: { risk: 'medium' } },
    { aspect: 'file', before: 'policies/files.cedar', after: 'policies/zz-moved.cedar' },
  ]);
  assert.deepEqual(aspects['k8s.rbac.bind.cluster_admin.approval'], [
    {
      aspect: 'scope',
      before: 'principal, action == Writ::Action::"k8s.rbac.bind", resource is Writ::RoleBinding',
      after: 'principal is Writ::User, action == Writ::Action::"k8s.rbac.bind", resource is Writ::RoleBinding',
    },
  ]);
  assert.deepEqual(aspects['repo.push.allow'], [{ aspect: 'effect', before: 'permit', after: 'forbid' }]);
  const pushes = d.decisions.changes.filter((c) => c.intent.action_scope === 'repo.push');
  assert.ok(pushes.some((c) => c.before.verdict === 'allow' && c.after.verdict === 'deny'), 'an allowed push is now denied');
});

test('schema changes: actions added and changed, entity and common types; decisions of the changed action differ', () => {
  const before = loadBundleDir(writeBundle());
  const schema = MINI_SCHEMA.replace('entity Doc = { tier: String, level?: Long, labels?: Set<String> };', 'entity Doc = { tier: String, level?: Long, labels?: Set<String>, owner: String };')
    .replace('type Scoped = { global: Bool, targets: Set<String>, environments: Set<String> };', 'type Scoped = { global: Bool, targets: Set<String>, environments: Set<String> };\n  type Extra = { note?: String };')
    .replace('parameters: { count?: Long },', 'parameters: { count?: Long, reason?: String },')
    .replace('action "doc.read", "doc.write" appliesTo', 'action "doc.delete" appliesTo { principal: [User], resource: [Doc], context: Ctx };\n  action "doc.read", "doc.write" appliesTo');
  const after = loadBundleDir(writeBundle({ 'schema.cedarschema': schema, 'policies/read.cedar': MINI_READ }));
  const d = diffBundles(before, after, SMALL);
  assert.equal(d.schema.changed, true);
  assert.deepEqual(d.schema.actions_added, ['doc.delete']);
  assert.deepEqual(d.schema.actions_removed, []);
  assert.deepEqual(d.schema.actions_changed, ['doc.read', 'doc.write'], 'their context type changed through Ctx');
  assert.deepEqual(d.schema.entity_types_changed, ['Writ::Doc']);
  assert.deepEqual(d.schema.common_types_added, ['Writ::Extra']);
  assert.deepEqual(d.schema.common_types_changed, ['Writ::Ctx']);
  assert.deepEqual([d.schema.entity_types_added, d.schema.entity_types_removed, d.schema.common_types_removed], [[], [], []]);
  assert.ok(
    d.decisions.changes.some((c) => c.before.verdict !== 'deny' && c.after.deny_code === 'INVALID_REQUEST'),
    'an intent without the newly required owner no longer fits',
  );
});
