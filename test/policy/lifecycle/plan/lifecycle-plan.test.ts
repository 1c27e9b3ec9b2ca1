/**
 * `writ policy lifecycle-plan` offline: the files, the packet the readiness gate accepts
 * (sample evidence), the approval workflow policy derives, and tamper detection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { policyLifecyclePlan } from '../../../../src/cli/commands/policy-lifecycle-plan.ts';
import { hashCanonical } from '../../../../src/crypto/hash.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { approvalWorkflowFor } from '../../../../src/policy/lifecycle/plan/approval-workflow.ts';
import { checkLifecycleReadiness } from '../../../../src/policy/lifecycle/readiness/check-readiness.ts';
import { commitAll, prodOnlyHoldCandidate, writeBundleDocument } from '../../../engine/lifecycle/helpers.ts';
import { captureContext } from '../../helpers/capture-context.ts';

const work = mkdtempSync(join(tmpdir(), 'writ-lifecycle-plan-'));
after(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

/** JSON output; the default configuration (an offline plan never calls the server). */
const context = () => captureContext(true);

test('an offline plan writes every artifact and a packet that is contract-ready with one warning', async () => {
  const dir = writeBundleDocument(prodOnlyHoldCandidate('2.0.0'), join(work, 'candidate'));
  commitAll(dir);
  const out = join(work, 'out');
  const { ctx, stdout } = context();
  assert.equal(await policyLifecyclePlan(ctx, { bundle: dir, outputDir: out, previous: DEFAULT_BUNDLE_DIR }), 0);
  const result = JSON.parse(stdout());
  assert.deepEqual(Object.keys(result.export.artifacts).sort(), ['approval_workflow', 'dry_run_report', 'lint_report', 'rollback_plan', 'semantic_diff', 'shadow_summary', 'version_manifest']);
  const packet = JSON.parse(readFileSync(result.export.packet, 'utf8'));
  assert.equal(packet.schema_version, 'writ.policy-lifecycle.packet.v1');
  assert.equal(packet.evidence_mode, 'sample');
  assert.deepEqual(packet.semantic_diff.changed, ['promotion.forbid.phase_hold']);
  assert.equal(packet.rollback_plan.target.policy_bundle_hash, loadBundleDir(DEFAULT_BUNDLE_DIR).policy_bundle_hash);
  assert.equal(packet.shadow_summary.state, 'none');
  for (const [key, file] of Object.entries(result.export.artifacts as Record<string, string>)) assert.equal(hashCanonical(JSON.parse(readFileSync(file, 'utf8'))), packet.artifact_digests[key]);

  const r = checkLifecycleReadiness(packet, { requireLive: false });
  assert.deepEqual([r.ready_for_policy_lifecycle_contract, r.ready_for_live_policy_lifecycle, r.status, r.warning_count, r.blocker_count], [true, false, 'ready_with_warnings', 1, 0]);

  // Any change to an artifact after export is caught by its digest.
  const tampered = structuredClone(packet);
  tampered.dry_run_report.results[0].actual.verdict = 'allow';
  const t = checkLifecycleReadiness(tampered, { requireLive: false });
  assert.equal(t.status, 'blocked');
  assert.equal(t.checks.find((c) => c.name === 'artifact_digests')?.status, 'blocker');
});

test('an invalid bundle writes nothing and exits 2', async () => {
  const dir = join(work, 'empty');
  const { ctx, stdout } = context();
  assert.equal(await policyLifecyclePlan(ctx, { bundle: dir, outputDir: join(work, 'never') }), 2);
  assert.equal(JSON.parse(stdout()).lint_report.valid, false);
  assert.throws(() => readFileSync(join(work, 'never', 'policy-lifecycle-packet.json')));
});

test('the approval workflow is what the deciding bundle requires for policy.activate', () => {
  const active = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const w = approvalWorkflowFor(active, active, new Date('2026-01-01T00:00:00Z'));
  assert.equal(w.approval_required, true);
  assert.equal(w.approvals_required, 2);
  assert.deepEqual(w.approver_groups, ['platform-security']);
  assert.ok(w.required_evidence.includes('dry_run_report'));
});
