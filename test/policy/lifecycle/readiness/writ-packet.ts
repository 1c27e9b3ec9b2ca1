/**
 * A sound Writ lifecycle packet for readiness tests, built as plain objects of the
 * `artifacts.ts` shapes (the dry-run report is a real one of the default bundle), with
 * digests computed over the artifacts as the exporter computes them.
 */
import { hashCanonical, type Sha256Ref } from '../../../../src/crypto/hash.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import {
  LIFECYCLE_SCHEMAS,
  type ApprovalWorkflow,
  type BundleRef,
  type LifecyclePacket,
  type LintReport,
  type RollbackPlan,
  type SemanticDiff,
  type ShadowSummary,
  type VersionManifest,
} from '../../../../src/policy/lifecycle/artifacts.ts';
import { runDryRun } from '../../../../src/policy/lifecycle/dry-run/run-dry-run.ts';
import { WRIT_PACKET_ARTIFACTS } from '../../../../src/policy/lifecycle/readiness/artifact-integrity.ts';
import { WRIT_LIFECYCLE_CAPABILITIES } from '../../../../src/policy/lifecycle/readiness/writ-readiness.ts';

const NOW = '2026-03-01T12:00:00Z';
const PREVIOUS: BundleRef = { bundle_id: 'writ-default', version: '0.9.0', policy_bundle_hash: `sha256:${'11'.repeat(32)}` as Sha256Ref };

let cached: LifecyclePacket | undefined;

function build(): LifecyclePacket {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const ref: BundleRef = { bundle_id: bundle.document.manifest.id, version: bundle.document.manifest.version, policy_bundle_hash: bundle.policy_bundle_hash };
  const dry = runDryRun(bundle, {});
  const lint: LintReport = {
    schema_version: LIFECYCLE_SCHEMAS.lint_report,
    bundle_id: ref.bundle_id,
    version: ref.version,
    policy_bundle_hash: ref.policy_bundle_hash,
    valid: true,
    blocker_count: 0,
    warning_count: 1,
    issue_count: 1,
    issues: [{ code: 'POLICY_SHADOWED_BY_FORBID', severity: 'warning', policy_id: 'file.read.allow', message: 'partly shadowed', location: { file: 'policies/files.cedar', line: 3, column: 1 } }],
    summary: { policy_count: bundle.policies.size, test_case_count: 50, action_scopes: [...bundle.model.actions.keys()].sort(), classes_required: dry.required_classes, classes_covered: dry.required_classes },
  };
  const diff: SemanticDiff = {
    schema_version: LIFECYCLE_SCHEMAS.semantic_diff,
    from: PREVIOUS,
    to: ref,
    added: ['promotion.forbid.incident'],
    removed: [],
    changed: [],
    policies: { added: [{ policy_id: 'promotion.forbid.incident', effect: 'forbid', file: 'policies/promotion.cedar' }], removed: [], changed: [] },
    schema: { changed: false, actions_added: [], actions_removed: [], actions_changed: [], entity_types_added: [], entity_types_removed: [], entity_types_changed: [], common_types_changed: [] },
    decisions: { case_count: 16, required_case_count: 8, test_case_count: 8, corpus_case_count: 0, changed_count: 0, changes: [] },
  };
  const manifest: VersionManifest = {
    schema_version: LIFECYCLE_SCHEMAS.version_manifest,
    bundle_id: ref.bundle_id,
    version: ref.version,
    policy_bundle_hash: ref.policy_bundle_hash,
    previous_policy_bundle_hash: PREVIOUS.policy_bundle_hash,
    source_ref: `git:${'a'.repeat(40)}:policies/default`,
    git_versioned: true,
    git: { commit: 'a'.repeat(40), path: 'policies/default', dirty: false },
    generated_at: NOW,
    diff,
  };
  const shadow: ShadowSummary = {
    schema_version: LIFECYCLE_SCHEMAS.shadow_summary,
    shadow_id: 'shadow-1',
    state: 'stopped',
    candidate_policy_bundle_hash: ref.policy_bundle_hash,
    active_policy_bundle_hash: PREVIOUS.policy_bundle_hash,
    mode: 'shadow',
    non_enforcing: true,
    started_at: '2026-02-27T12:00:00Z',
    stopped_at: NOW,
    observation_hours: 48,
    intents_observed: 1200,
    divergences: { total: 1, by_severity: { low: 1, medium: 0, high: 0, critical: 0 }, unexplained_high: 0, explained: 1 },
    promotion_criteria: { min_observation_hours: 24, max_unexplained_high: 0, dry_run_failed_count: 0, approval_required: true },
    criteria_met: true,
    unmet: [],
  };
  const rollback: RollbackPlan = {
    schema_version: LIFECYCLE_SCHEMAS.rollback_plan,
    rollback_ref: `policy-rollback://writ-default/${PREVIOUS.policy_bundle_hash.slice(7, 19)}`,
    current_policy_bundle_hash: ref.policy_bundle_hash,
    target: { ...PREVIOUS, active_from: '2026-01-01T00:00:00Z', active_until: NOW, why: 'last bundle active without incident' },
    approval_required: true,
    reason: 'known-good rollback path',
    steps: ['freeze policy activations', 'dry-run the target bundle', 'request policy.activate of the target', 'collect approvals', 'apply the activation'],
    activation_request: { method: 'POST', path: '/v1/policy/activations', body: { policy_bundle_hash: PREVIOUS.policy_bundle_hash, justification: 'rollback' } },
    diff: null,
  };
  const approval: ApprovalWorkflow = {
    schema_version: LIFECYCLE_SCHEMAS.approval_workflow,
    approval_required: true,
    approver_groups: ['platform-security', 'release-management'],
    approvals_required: 2,
    review_workflow_ref: 'writ://approvals/policy.activate',
    required_evidence: ['lint_report', 'version_manifest', 'semantic_diff', 'dry_run_report', 'shadow_summary', 'rollback_plan'],
    review_checklist: ['lint is clean', 'the diff is understood', 'dry run passed', 'no unexplained high divergence', 'rollback target is known-good'],
  };
  const packet: LifecyclePacket = {
    schema_version: LIFECYCLE_SCHEMAS.packet,
    product: 'Writ',
    evidence_mode: 'sample',
    generated_at: NOW,
    bundle: ref,
    lifecycle_capabilities: [...WRIT_LIFECYCLE_CAPABILITIES],
    lint_report: lint,
    version_manifest: manifest,
    semantic_diff: diff,
    dry_run_report: dry,
    shadow_summary: shadow,
    rollback_plan: rollback,
    approval_workflow: approval,
    operating_evidence: { ci_run_ref: 'ci://writ/runs/1', policy_review_ref: 'review://writ/pr/7' },
    artifact_digests: {},
  };
  return redigest(packet);
}

/** Recomputes every artifact digest (after a deliberate, consistent change). */
export function redigest<T extends Record<string, unknown> | LifecyclePacket>(packet: T): T {
  const p = packet as unknown as Record<string, unknown>;
  const digests: Record<string, Sha256Ref> = {};
  for (const key of WRIT_PACKET_ARTIFACTS) if (p[key] !== null && p[key] !== undefined) digests[key] = hashCanonical(p[key]);
  p.artifact_digests = digests;
  return packet;
}

/** A fresh deep copy of the sound packet, as JSON (what the gate reads from a file). */
export function writPacket(evidenceMode: 'sample' | 'live' = 'sample'): LifecyclePacket {
  cached ??= build();
  const copy = JSON.parse(JSON.stringify(cached)) as LifecyclePacket;
  copy.evidence_mode = evidenceMode;
  return copy;
}
