/**
 * The readiness gate on CAVRA packets (`cavra.policy-lifecycle.readiness.v1`), with the
 * same checks, names and outcomes as CAVRA's own `validate_policy_lifecycle_packet`
 * (written for Writ from its documented behaviour):
 *
 * | check | passes when |
 * |---|---|
 * | `schema_version` | the packet's schema id is CAVRA's readiness packet |
 * | `evidence_mode` | `live`; otherwise a warning, or a blocker when live is required |
 * | `lifecycle_capabilities` | all seven capabilities are listed |
 * | `authoring_ui_contract` | a review workflow ref and at least 6 UI surfaces |
 * | `lint_report` | valid with no blocker |
 * | `version_manifest` | a digest, a version, a source ref, and Git-versioned |
 * | `shadow_mode_plan` | mode shadow, non-enforcing, evidence refs, approval required to promote |
 * | `dry_run_report` | the six required cases present, at least 6 cases, no failure |
 * | `rollback_plan` | a rollback ref, approval required, at least 4 steps |
 * | `approval_workflow` | approval required, a review workflow, approver groups, dry-run evidence required |
 * | `operating_evidence` | CI run, policy review and UI validation refs |
 *
 * Values are read as Python reads them (`packet-values.ts`): an empty string or list is
 * false, a missing count is a failing count.
 *
 * @module
 */
import type { ReadinessResult } from '../artifacts.ts';
import { list, pythonInt, section, truthy } from './packet-values.ts';
import { checkEvidenceMode, readinessResult, ReadinessChecks } from './readiness-checks.ts';

/**
 * Schema id of a CAVRA policy lifecycle readiness packet.
 *
 * @example
 * ```ts
 * packet.schema_version === CAVRA_READINESS_PACKET_SCHEMA; // checked as CAVRA checks it
 * ```
 */
export const CAVRA_READINESS_PACKET_SCHEMA = 'cavra.policy-lifecycle.readiness.v1';

/**
 * The lifecycle capabilities a CAVRA packet must list.
 *
 * @example
 * ```ts
 * CAVRA_REQUIRED_CAPABILITIES.includes('authoring_ui_contract'); // true
 * ```
 */
export const CAVRA_REQUIRED_CAPABILITIES: readonly string[] = [
  'approval_workflow',
  'authoring_ui_contract',
  'dry_run_report',
  'lint_report',
  'rollback_plan',
  'shadow_mode_plan',
  'version_manifest',
];

/**
 * The case ids a CAVRA dry-run report must contain.
 *
 * @example
 * ```ts
 * CAVRA_REQUIRED_DRY_RUN_CASES.length; // 6
 * ```
 */
export const CAVRA_REQUIRED_DRY_RUN_CASES: readonly string[] = [
  'allow_terraform_plan',
  'approval_policy_write',
  'block_env_read',
  'block_protected_branch_push',
  'block_terraform_apply',
  'block_unknown_mcp_server',
];

function missing(required: readonly string[], have: ReadonlySet<string>): string[] {
  return required.filter((x) => !have.has(x));
}

function capabilities(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const have = new Set(list(packet, 'lifecycle_capabilities').map(String));
  const absent = missing(CAVRA_REQUIRED_CAPABILITIES, have);
  checks.require(absent.length === 0, 'lifecycle_capabilities', 'every required lifecycle capability is listed', `capabilities not listed: ${absent.join(', ')}`);
}

function authoringUi(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const ui = section(packet, 'authoring_ui_contract');
  checks.require(
    truthy(ui.review_workflow_ref) && list(ui, 'required_surfaces').length >= 6,
    'authoring_ui_contract',
    'the authoring UI contract names a review workflow and covers editing, lint, simulation, approval and rollback',
    'the authoring UI contract needs a review_workflow_ref and at least 6 required_surfaces',
  );
}

function lint(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const l = section(packet, 'lint_report');
  checks.require(truthy(l.valid) && pythonInt(l.blocker_count, 1) === 0, 'lint_report', 'policy lint is valid with no blocker', 'policy lint is not valid or has blockers');
}

function versionManifest(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const v = section(packet, 'version_manifest');
  const absent = ['policy_digest', 'policy_version', 'source_ref', 'git_versioned'].filter((k) => !truthy(v[k]));
  checks.require(absent.length === 0, 'version_manifest', 'the version manifest is digest-backed and Git-versioned', `the version manifest lacks ${absent.join(', ')}`);
}

function shadowPlan(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const s = section(packet, 'shadow_mode_plan');
  const ok = s.mode === 'shadow' && truthy(s.non_enforcing) && truthy(s.evidence_refs) && truthy(section(s, 'promotion_criteria').approval_required);
  checks.require(
    ok,
    'shadow_mode_plan',
    'shadow mode is non-enforcing and promotion needs approval',
    'the shadow mode plan must be mode shadow, non-enforcing, with evidence refs and approval required for promotion',
  );
}

function dryRun(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const d = section(packet, 'dry_run_report');
  const ids = new Set(list(d, 'results').map((r) => (typeof r === 'object' && r !== null ? String((r as Record<string, unknown>).case_id) : '')));
  const absent = missing(CAVRA_REQUIRED_DRY_RUN_CASES, ids);
  const problems = [
    ...(absent.length ? [`dry run: required cases missing: ${absent.join(', ')}`] : []),
    ...(pythonInt(d.case_count, 0) >= CAVRA_REQUIRED_DRY_RUN_CASES.length ? [] : [`dry run: case_count is below ${CAVRA_REQUIRED_DRY_RUN_CASES.length}`]),
    ...(pythonInt(d.failed_count, 1) === 0 ? [] : ['dry run: failed_count is not 0']),
  ];
  checks.requireNone(problems, 'dry_run_report', 'the dry run covers every required decision with no failure');
}

function rollback(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const r = section(packet, 'rollback_plan');
  checks.require(
    truthy(r.rollback_ref) && truthy(r.approval_required) && list(r, 'steps').length >= 4,
    'rollback_plan',
    'the rollback plan is approval-gated and executable',
    'the rollback plan needs a rollback_ref, approval_required and at least 4 steps',
  );
}

function approval(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const a = section(packet, 'approval_workflow');
  const ok = truthy(a.approval_required) && truthy(a.review_workflow_ref) && truthy(a.approver_groups) && list(a, 'required_evidence').includes('dry_run_report');
  checks.require(
    ok,
    'approval_workflow',
    'publishing needs approvers and the lifecycle evidence',
    'the approval workflow needs approval_required, a review_workflow_ref, approver_groups and dry_run_report among required_evidence',
  );
}

function operating(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const o = section(packet, 'operating_evidence');
  const absent = ['ci_run_ref', 'policy_review_ref', 'ui_validation_ref'].filter((k) => !truthy(o[k]));
  checks.require(absent.length === 0, 'operating_evidence', 'CI run, policy review and UI validation evidence are referenced', `operating evidence lacks ${absent.join(', ')}`);
}

/**
 * Checks a CAVRA readiness packet (its `schema_version` already recognised by the caller).
 *
 * @example
 * ```ts
 * checkCavraPacket(JSON.parse(readFileSync('enterprise-policy-lifecycle.sample.json', 'utf8')), { requireLive: false }).status;
 * // 'ready_with_warnings'
 * ```
 */
export function checkCavraPacket(packet: Record<string, unknown>, opts: { requireLive: boolean }): ReadinessResult {
  const checks = new ReadinessChecks();
  checks.require(packet.schema_version === CAVRA_READINESS_PACKET_SCHEMA, 'schema_version', `packet schema ${CAVRA_READINESS_PACKET_SCHEMA}`, 'not a CAVRA readiness packet');
  const evidenceMode = packet.evidence_mode === undefined || packet.evidence_mode === null ? 'sample' : String(packet.evidence_mode);
  checkEvidenceMode(checks, evidenceMode, opts.requireLive);
  capabilities(checks, packet);
  authoringUi(checks, packet);
  lint(checks, packet);
  versionManifest(checks, packet);
  shadowPlan(checks, packet);
  dryRun(checks, packet);
  rollback(checks, packet);
  approval(checks, packet);
  operating(checks, packet);
  return readinessResult({ packet_schema: CAVRA_READINESS_PACKET_SCHEMA, product: typeof packet.product === 'string' ? packet.product : 'CAVRA', evidence_mode: evidenceMode }, checks.list);
}
