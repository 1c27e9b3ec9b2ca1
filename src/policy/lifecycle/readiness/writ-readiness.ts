/**
 * The readiness gate on Writ packets (`writ.policy-lifecycle.packet.v1`). First the
 * packet's structure against {@link WRIT_PACKET_JSON_SCHEMA} (each violation one
 * `packet_schema` blocker, with its JSON pointer), then what the values mean, with
 * CAVRA's check names where the check means the same:
 *
 * | check | passes when |
 * |---|---|
 * | `schema_version` | the packet is a Writ lifecycle packet |
 * | `packet_schema` | the packet matches the JSON Schema |
 * | `evidence_mode` | `live`; otherwise a warning, or a blocker when live is required |
 * | `lifecycle_capabilities` | every capability of {@link WRIT_LIFECYCLE_CAPABILITIES} is listed |
 * | `lint_report` | valid with no blocker |
 * | `version_manifest` | a bundle hash, a version, a source ref, and Git-versioned |
 * | `shadow_mode_plan` | the shadow summary is non-enforcing, states its promotion criteria, and they require approval |
 * | `dry_run_report` | passed, no failure, every required class present, counts consistent with the results |
 * | `rollback_plan` | approval required, at least 4 steps, and an activation request, or no target with a reason |
 * | `approval_workflow` | approval required, approver groups, a review workflow ref, the dry-run report among the required evidence |
 * | `operating_evidence` | CI run and policy review refs (Writ has no authoring UI, so no UI validation ref) |
 * | `artifact_digests` | every artifact has a digest and every digest matches (`artifact-integrity.ts`) |
 * | `bundle_binding` | every artifact is of the packet's bundle |
 *
 * The value checks read defensively, so a packet that fails the schema still gets every
 * check (a missing section is simply a blocker there too).
 *
 * @module
 */
import { LIFECYCLE_SCHEMAS, type ReadinessResult } from '../artifacts.ts';
import { checkArtifactDigests, checkBundleBinding } from './artifact-integrity.ts';
import { packetSchemaViolations } from './validate-packet-schema.ts';
import { list, section } from './packet-values.ts';
import { checkEvidenceMode, readinessResult, ReadinessChecks } from './readiness-checks.ts';

/**
 * The lifecycle capabilities a Writ packet must list: the artifacts it carries.
 *
 * @example
 * ```ts
 * packet.lifecycle_capabilities = [...WRIT_LIFECYCLE_CAPABILITIES];
 * ```
 */
export const WRIT_LIFECYCLE_CAPABILITIES: readonly string[] = [
  'approval_workflow',
  'dry_run_report',
  'lint_report',
  'rollback_plan',
  'semantic_diff',
  'shadow_summary',
  'version_manifest',
];

/** The minimum number of rollback steps (CAVRA's bar: freeze, restore, verify, approve). */
const MIN_ROLLBACK_STEPS = 4;

function nonEmptyString(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

function capabilities(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const have = new Set(list(packet, 'lifecycle_capabilities'));
  const absent = WRIT_LIFECYCLE_CAPABILITIES.filter((c) => !have.has(c));
  checks.require(absent.length === 0, 'lifecycle_capabilities', 'every required lifecycle capability is listed', `capabilities not listed: ${absent.join(', ')}`);
}

function lint(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const l = section(packet, 'lint_report');
  checks.require(l.valid === true && l.blocker_count === 0, 'lint_report', 'policy lint is valid with no blocker', `policy lint is not clean (valid ${JSON.stringify(l.valid ?? null)}, blocker_count ${JSON.stringify(l.blocker_count ?? null)})`);
}

function versionManifest(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const v = section(packet, 'version_manifest');
  const problems = [
    ...['policy_bundle_hash', 'version', 'source_ref'].filter((k) => !nonEmptyString(v[k])).map((k) => `the version manifest has no ${k}`),
    ...(v.git_versioned === true ? [] : ['the bundle is not Git-versioned']),
  ];
  checks.requireNone(problems, 'version_manifest', 'the version manifest is digest-backed and Git-versioned');
}

function shadow(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const s = section(packet, 'shadow_summary');
  const criteria = s.promotion_criteria;
  const problems = [
    ...(s.mode === 'shadow' && s.non_enforcing === true ? [] : ['the shadow summary is not non-enforcing shadow mode']),
    ...(typeof criteria === 'object' && criteria !== null ? [] : ['the shadow summary states no promotion criteria']),
    ...(section(s, 'promotion_criteria').approval_required === true ? [] : ['promotion out of shadow mode does not require approval']),
  ];
  checks.requireNone(problems, 'shadow_mode_plan', 'shadow mode is non-enforcing and promotion needs approval');
}

function dryRun(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const d = section(packet, 'dry_run_report');
  const results = list(d, 'results');
  const failedResults = results.filter((r) => !(typeof r === 'object' && r !== null && (r as Record<string, unknown>).passed === true)).length;
  const missing = list(d, 'missing_classes');
  const problems = [
    ...(d.required_cases_present === true && missing.length === 0 ? [] : [`required decision classes without a case: ${missing.join(', ') || '(required_cases_present is not true)'}`]),
    ...(d.failed_count === 0 ? [] : [`failed_count is ${JSON.stringify(d.failed_count ?? null)}`]),
    ...(d.passed === true ? [] : ['the dry run did not pass']),
    ...(d.case_count === results.length ? [] : [`case_count ${JSON.stringify(d.case_count ?? null)} but ${results.length} results`]),
    ...(failedResults === 0 ? [] : [`${failedResults} result${failedResults === 1 ? '' : 's'} not passed`]),
  ];
  checks.requireNone(problems.map((p) => `dry run: ${p}`), 'dry_run_report', 'the dry run covers every required decision class with no failure');
}

function rollback(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const r = section(packet, 'rollback_plan');
  const steps = list(r, 'steps').length;
  const executable = (r.activation_request !== null && typeof r.activation_request === 'object') || (r.target === null && nonEmptyString(r.reason));
  const problems = [
    ...(r.approval_required === true ? [] : ['the rollback does not require approval']),
    ...(steps >= MIN_ROLLBACK_STEPS ? [] : [`the rollback has ${steps} steps (at least ${MIN_ROLLBACK_STEPS})`]),
    ...(executable ? [] : ['the rollback has no activation request, and no reason why there is no target']),
  ];
  checks.requireNone(problems, 'rollback_plan', 'the rollback plan is approval-gated and executable');
}

function approval(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const a = section(packet, 'approval_workflow');
  const problems = [
    ...(a.approval_required === true ? [] : ['activation does not require approval']),
    ...(list(a, 'approver_groups').length > 0 ? [] : ['no approver group']),
    ...(nonEmptyString(a.review_workflow_ref) ? [] : ['no review_workflow_ref']),
    ...(list(a, 'required_evidence').includes('dry_run_report') ? [] : ['the dry-run report is not required evidence']),
  ];
  checks.requireNone(problems, 'approval_workflow', 'activation needs approvers and the lifecycle evidence');
}

function operating(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const o = section(packet, 'operating_evidence');
  const absent = ['ci_run_ref', 'policy_review_ref'].filter((k) => !nonEmptyString(o[k]));
  checks.require(absent.length === 0, 'operating_evidence', 'CI run and policy review evidence are referenced', `operating evidence lacks ${absent.join(', ')}`);
}

/**
 * Checks a Writ lifecycle packet (its `schema_version` already recognised by the caller).
 *
 * @example
 * ```ts
 * checkWritPacket(packet, { requireLive: true }).status; // 'ready' for a sound live packet
 * ```
 */
export function checkWritPacket(packet: Record<string, unknown>, opts: { requireLive: boolean }): ReadinessResult {
  const checks = new ReadinessChecks();
  checks.require(packet.schema_version === LIFECYCLE_SCHEMAS.packet, 'schema_version', `packet schema ${LIFECYCLE_SCHEMAS.packet}`, 'not a Writ lifecycle packet');
  const violations = packetSchemaViolations(packet);
  if (violations.length === 0) checks.pass('packet_schema', `the packet matches the ${LIFECYCLE_SCHEMAS.packet} JSON Schema`);
  for (const v of violations) checks.block('packet_schema', `${v.pointer}: ${v.message}`);
  const evidenceMode = typeof packet.evidence_mode === 'string' ? packet.evidence_mode : 'sample';
  checkEvidenceMode(checks, evidenceMode, opts.requireLive);
  capabilities(checks, packet);
  lint(checks, packet);
  versionManifest(checks, packet);
  shadow(checks, packet);
  dryRun(checks, packet);
  rollback(checks, packet);
  approval(checks, packet);
  operating(checks, packet);
  checkArtifactDigests(checks, packet);
  checkBundleBinding(checks, packet);
  return readinessResult({ packet_schema: LIFECYCLE_SCHEMAS.packet, product: typeof packet.product === 'string' ? packet.product : 'Writ', evidence_mode: evidenceMode }, checks.list);
}
