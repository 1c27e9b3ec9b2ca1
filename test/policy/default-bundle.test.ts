import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBundleTests } from '../../src/policy/bundle-tests.ts';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import { NO_SIGNALS, type Intent } from '../../src/policy/intent.ts';
import { inspectBundleDir } from '../../src/policy/load-bundle.ts';
import { formatProblem } from '../../src/policy/problems.ts';

let bundle: CompiledBundle;
before(() => {
  const r = inspectBundleDir(DEFAULT_BUNDLE_DIR);
  assert.deepEqual(r.problems.map(formatProblem), []);
  assert.deepEqual(r.warnings.map(formatProblem), []);
  bundle = r.bundle!;
});

test('the default bundle is valid, with no warnings, and identifies itself', () => {
  assert.equal(bundle.document.manifest.id, 'writ-default');
  assert.match(bundle.policy_bundle_hash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(inspectBundleDir(DEFAULT_BUNDLE_DIR).policy_bundle_hash, bundle.policy_bundle_hash);
});

test("every one of the default bundle's own decision test cases passes", () => {
  const report = runBundleTests(bundle);
  const failed = report.results.filter((r) => !r.passed).map((r) => `${r.file} / ${r.name}: ${r.mismatches.join('; ')}`);
  assert.deepEqual(failed, []);
  assert.ok(report.total >= 45, `only ${report.total} cases`);
  const files = new Set(report.results.map((r) => r.file));
  for (const f of ['promotion.yaml', 'terraform.yaml', 'kubernetes.yaml', 'repository.yaml', 'files.yaml', 'commands.yaml', 'mcp.yaml', 'governance.yaml']) {
    assert.ok(files.has(f), `no cases in ${f}`);
  }
});

const base = {
  principal: { type: 'pipeline', id: 'deploy' },
  execution_identity: { pipeline_id: 'deploy', region: 'eu-west-1', env_tier: 'prod' as const },
};
const now = new Date('2025-03-01T00:00:00Z');
const decide = (i: Pick<Intent, 'action_scope' | 'resource'>, signals = NO_SIGNALS) => evaluateIntent(bundle, { intent: { ...base, ...i }, signals, now });

test('promotion to prod: two approvals from platform-security and release-management', () => {
  const d = decide({ action_scope: 'promotion', resource: { type: 'environment', id: 'payments/prod', attrs: { tier: 'prod' } } });
  assert.equal(d.verdict, 'require_approval');
  assert.deepEqual(d.obligations, { approvals_required: 2, approver_groups: ['platform-security', 'release-management'], risk: 'high', break_glass_allowed: true });
});

test('promotion to prod is forbidden under a phase hold on the target and during an active incident', () => {
  const i = { action_scope: 'promotion', resource: { type: 'environment', id: 'payments/prod', attrs: { tier: 'prod' } } };
  assert.deepEqual(decide(i, { ...NO_SIGNALS, phase_holds: [{ id: 'H', targets: ['payments/prod'] }] }).reasons, ['promotion.forbid.phase_hold']);
  assert.deepEqual(decide(i, { ...NO_SIGNALS, active_incidents: [{ id: 'INC' }] }).reasons, ['promotion.forbid.incident']);
});

test('policy.activate needs two approvals from platform-security and never break-glass', () => {
  const d = decide({ action_scope: 'policy.activate', resource: { type: 'policy_bundle', id: bundle.policy_bundle_hash, attrs: { bundle_id: 'writ-default', version: '2' } } });
  assert.equal(d.verdict, 'require_approval');
  assert.deepEqual(d.obligations, { approvals_required: 2, approver_groups: ['platform-security'], risk: 'critical', break_glass_allowed: false });
});

test('cluster-admin binds need the security-officer group', () => {
  const d = decide({ action_scope: 'k8s.rbac.bind', resource: { type: 'role_binding', id: 'x', attrs: { role: 'cluster-admin' } } });
  assert.equal(d.verdict, 'require_approval');
  assert.deepEqual(d.obligations.approver_groups, ['security-officer']);
});
