/**
 * The readiness gate on Writ packets: a sound packet is ready; schema violations are
 * blockers with their JSON pointers; each meaning check blocks on its own defect; any
 * edit of an artifact after export breaks its digest; an artifact of another bundle
 * breaks the binding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sha256Ref } from '../../../../src/crypto/hash.ts';
import type { LifecyclePacket } from '../../../../src/policy/lifecycle/artifacts.ts';
import { WRIT_PACKET_ARTIFACTS } from '../../../../src/policy/lifecycle/readiness/artifact-integrity.ts';
import { checkLifecycleReadiness } from '../../../../src/policy/lifecycle/readiness/check-readiness.ts';
import { redigest, writPacket } from './writ-packet.ts';

const OTHER_HASH = `sha256:${'22'.repeat(32)}` as Sha256Ref;

function check(packet: unknown, requireLive = false) {
  return checkLifecycleReadiness(packet, { requireLive });
}

function blockers(packet: unknown, requireLive = false): string[] {
  return check(packet, requireLive)
    .checks.filter((c) => c.status === 'blocker')
    .map((c) => c.name);
}

function messages(packet: unknown, name: string): string[] {
  return check(packet)
    .checks.filter((c) => c.name === name && c.status === 'blocker')
    .map((c) => c.message);
}

/** The packet as an untyped record, for edits the types would refuse. */
function loose(p: LifecyclePacket): Record<string, Record<string, unknown>> {
  return p as unknown as Record<string, Record<string, unknown>>;
}

test('a sound sample packet: contract-ready with one warning (sample evidence), every check named', () => {
  const r = check(writPacket('sample'));
  assert.equal(r.packet_schema, 'writ.policy-lifecycle.packet.v1');
  assert.equal(r.product, 'Writ');
  assert.equal(r.status, 'ready_with_warnings', JSON.stringify(r.checks.filter((c) => c.status !== 'pass')));
  assert.equal(r.blocker_count, 0);
  assert.equal(r.warning_count, 1);
  assert.equal(r.ready_for_policy_lifecycle_contract, true);
  assert.equal(r.ready_for_live_policy_lifecycle, false);
  assert.deepEqual(
    r.checks.map((c) => `${c.name}:${c.status}`),
    [
      'schema_version:pass',
      'packet_schema:pass',
      'evidence_mode:warn',
      'lifecycle_capabilities:pass',
      'lint_report:pass',
      'version_manifest:pass',
      'shadow_mode_plan:pass',
      'dry_run_report:pass',
      'rollback_plan:pass',
      'approval_workflow:pass',
      'operating_evidence:pass',
      'artifact_digests:pass',
      'bundle_binding:pass',
    ],
  );
});

test('a sound live packet with --require-live is ready; a sample one is blocked on evidence_mode', () => {
  const live = check(writPacket('live'), true);
  assert.equal(live.status, 'ready');
  assert.equal(live.ready_for_live_policy_lifecycle, true);
  assert.deepEqual(blockers(writPacket('sample'), true), ['evidence_mode']);
});

test('schema violations are blockers with the JSON pointer of the value at fault', () => {
  const p = writPacket();
  loose(p).dry_run_report!.failed_count = '0';
  delete (p as Partial<LifecyclePacket>).operating_evidence;
  loose(p).shadow_summary!.non_enforcing = false;
  loose(p).rollback_plan!.current_policy_bundle_hash = 'sha256:NOTHEX';
  redigest(p);
  const schema = messages(p, 'packet_schema');
  assert.ok(schema.includes('/dry_run_report/failed_count: must be integer'), JSON.stringify(schema));
  assert.ok(schema.includes('/operating_evidence: is required'), JSON.stringify(schema));
  assert.ok(schema.includes('/shadow_summary/non_enforcing: must be equal to constant true'), JSON.stringify(schema));
  assert.ok(schema.some((m) => m.startsWith('/rollback_plan/current_policy_bundle_hash: must match pattern')), JSON.stringify(schema));
  assert.equal(schema.length, 4, JSON.stringify(schema));
  // The meaning checks still run and say what the values mean.
  assert.deepEqual(new Set(blockers(p)), new Set(['packet_schema', 'dry_run_report', 'operating_evidence', 'shadow_mode_plan', 'bundle_binding']));
});

test('a packet missing whole sections is blocked, not thrown on', () => {
  const r = check({ schema_version: 'writ.policy-lifecycle.packet.v1' });
  assert.equal(r.status, 'blocked');
  assert.ok(r.checks.some((c) => c.name === 'packet_schema' && c.message === '/product: is required'));
  for (const name of ['lifecycle_capabilities', 'lint_report', 'version_manifest', 'shadow_mode_plan', 'dry_run_report', 'rollback_plan', 'approval_workflow', 'operating_evidence', 'bundle_binding']) {
    assert.ok(r.checks.some((c) => c.name === name && c.status === 'blocker'), name);
  }
});

/** One defect per meaning check, each keeping the packet schema-valid and its digests current. */
const DEFECTS: Record<string, (p: LifecyclePacket) => void> = {
  lifecycle_capabilities: (p) => {
    p.lifecycle_capabilities = p.lifecycle_capabilities.filter((c) => c !== 'shadow_summary');
  },
  lint_report: (p) => {
    p.lint_report.valid = false;
    p.lint_report.blocker_count = 1;
  },
  version_manifest: (p) => {
    p.version_manifest.git_versioned = false;
  },
  shadow_mode_plan: (p) => {
    p.shadow_summary.promotion_criteria.approval_required = false;
  },
  dry_run_report: (p) => {
    p.dry_run_report.failed_count = 1;
  },
  rollback_plan: (p) => {
    p.rollback_plan.steps = p.rollback_plan.steps.slice(0, 3);
  },
  approval_workflow: (p) => {
    p.approval_workflow.required_evidence = p.approval_workflow.required_evidence.filter((e) => e !== 'dry_run_report');
  },
  operating_evidence: (p) => {
    p.operating_evidence.ci_run_ref = '';
  },
};

for (const [name, defect] of Object.entries(DEFECTS)) {
  test(`${name}: its defect alone makes exactly that check a blocker`, () => {
    const p = writPacket('live');
    defect(p);
    redigest(p);
    assert.deepEqual(blockers(p, true), [name]);
  });
}

test('the dry-run report must be consistent with its results and name no missing class', () => {
  const missing = writPacket();
  missing.dry_run_report.missing_classes = ['production_promotion'];
  redigest(missing);
  assert.match(messages(missing, 'dry_run_report')[0]!, /required decision classes without a case: production_promotion/);
  const hidden = writPacket();
  hidden.dry_run_report.results[0]!.passed = false;
  redigest(hidden);
  assert.match(messages(hidden, 'dry_run_report')[0]!, /1 result not passed/);
});

test('a rollback without a target is executable only with a reason', () => {
  const p = writPacket();
  p.rollback_plan.target = null;
  p.rollback_plan.activation_request = null;
  p.rollback_plan.reason = 'no earlier bundle was ever active';
  redigest(p);
  assert.deepEqual(blockers(p), []);
  p.rollback_plan.reason = ' ';
  redigest(p);
  assert.deepEqual(blockers(p), ['rollback_plan']);
});

for (const key of WRIT_PACKET_ARTIFACTS) {
  test(`tampering with ${key} after export breaks its digest`, () => {
    const p = writPacket();
    const artifact = loose(p)[key]!;
    assert.ok(artifact, `${key} is in the sound packet`);
    artifact.reviewed_by = 'someone-else';
    assert.deepEqual(blockers(p), ['artifact_digests']);
    assert.match(messages(p, 'artifact_digests')[0]!, new RegExp(`^${key}: digest mismatch`));
  });
}

test('an artifact without a digest, or a digest of nothing, is a blocker', () => {
  const p = writPacket();
  delete p.artifact_digests.lint_report;
  p.artifact_digests.extra_report = OTHER_HASH;
  assert.deepEqual(messages(p, 'artifact_digests'), ['lint_report: no digest; extra_report: a digest for something the packet does not carry']);
  const noDiff = writPacket();
  noDiff.semantic_diff = null;
  noDiff.version_manifest.diff = null;
  redigest(noDiff);
  assert.deepEqual(blockers(noDiff), [], 'a null semantic diff needs no digest');
});

test('an artifact of another bundle breaks the binding', () => {
  const p = writPacket();
  p.dry_run_report.bundle.policy_bundle_hash = OTHER_HASH;
  p.shadow_summary.candidate_policy_bundle_hash = OTHER_HASH;
  redigest(p);
  assert.deepEqual(blockers(p), ['bundle_binding']);
  const [m] = messages(p, 'bundle_binding');
  assert.match(m!, /dry_run_report\.bundle\.policy_bundle_hash is "sha256:2{64}", not the packet's bundle/);
  assert.match(m!, /shadow_summary\.candidate_policy_bundle_hash is "sha256:2{64}"/);
  const unnamed = writPacket();
  unnamed.shadow_summary.candidate_policy_bundle_hash = null;
  redigest(unnamed);
  assert.deepEqual(blockers(unnamed), [], 'a shadow summary naming no candidate makes no claim');
});
