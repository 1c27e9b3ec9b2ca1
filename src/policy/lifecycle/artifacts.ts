/**
 * The documents of Writ's governed policy lifecycle, one interface each, with their
 * schema ids. Every document is plain JSON; where a document is hashed (approval
 * evidence, packets) the hash is `sha256:` of its RFC 8785 (JCS) bytes.
 *
 * CAVRA's equivalents are `cavra.policy-lifecycle.*.v1`; Writ's carry the same core
 * fields (`valid`, `blocker_count`, `case_count`, `failed_count`, `required_cases_present`,
 * `passed`, `approval_required`, `steps` …) so the readiness gate reads both.
 *
 * @module
 */
import type { Sha256Ref } from '../../crypto/hash.ts';
import type { DenyCode, Obligations, Verdict } from '../decision.ts';
import type { Intent, PolicySignals } from '../intent.ts';

/** Schema ids of Writ's lifecycle documents. */
export const LIFECYCLE_SCHEMAS = {
  lint_report: 'writ.policy-lifecycle.lint-report.v1',
  version_manifest: 'writ.policy-lifecycle.version-manifest.v1',
  semantic_diff: 'writ.policy-lifecycle.semantic-diff.v1',
  dry_run_report: 'writ.policy-lifecycle.dry-run-report.v1',
  shadow_summary: 'writ.policy-lifecycle.shadow-summary.v1',
  rollback_plan: 'writ.policy-lifecycle.rollback-plan.v1',
  approval_workflow: 'writ.policy-lifecycle.approval-workflow.v1',
  packet: 'writ.policy-lifecycle.packet.v1',
  readiness_result: 'writ.policy-lifecycle.readiness-result.v1',
  export: 'writ.policy-lifecycle.export.v1',
} as const;

/** The bundle a document is about. */
export interface BundleRef {
  bundle_id: string;
  version: string;
  policy_bundle_hash: Sha256Ref;
}

// ---------------------------------------------------------------- lint

/** `blocker` makes a bundle not valid; `warning` does not. */
export type LintSeverity = 'blocker' | 'warning';

/**
 * One lint finding. `code` is stable (documented in docs/policy-lifecycle.md).
 *
 * @example
 * ```ts
 * const i: LintIssue = { code: 'POLICY_SHADOWED_BY_FORBID', severity: 'warning', policy_id: 'file.read.allow', message: '…', location: { file: 'policies/files.cedar', line: 3, column: 1 } };
 * ```
 */
export interface LintIssue {
  code: string;
  severity: LintSeverity;
  policy_id: string | null;
  message: string;
  location: { file: string; line: number | null; column: number | null } | null;
}

/** `writ policy lint DIR --json`. */
export interface LintReport {
  schema_version: typeof LIFECYCLE_SCHEMAS.lint_report;
  bundle_id: string | null;
  version: string | null;
  policy_bundle_hash: Sha256Ref | null;
  valid: boolean;
  blocker_count: number;
  warning_count: number;
  issue_count: number;
  issues: LintIssue[];
  summary: {
    policy_count: number;
    test_case_count: number;
    action_scopes: string[];
    /** Required decision classes that apply to this bundle, and those a test case claims. */
    classes_required: string[];
    classes_covered: string[];
  };
}

// ---------------------------------------------------------------- semantic diff

/** One changed aspect of a policy present in both bundles. */
export interface PolicyChange {
  aspect: 'effect' | 'scope' | 'conditions' | 'annotations' | 'file';
  /** Human-readable before/after (Cedar text of the scope or condition, annotation values). */
  before: unknown;
  after: unknown;
}

/** A decision that differs between two bundles. */
export interface DecisionChange {
  /** Where the case came from. */
  source: 'required' | 'test' | 'corpus';
  case_id: string;
  intent: Intent;
  signals: PolicySignals;
  now: string;
  before: DecisionSummary;
  after: DecisionSummary;
  /** What changed: `verdict`, `deny_code`, `obligations`, `reasons`. */
  changed: Array<'verdict' | 'deny_code' | 'obligations' | 'reasons'>;
}

/** The decision-relevant part of a policy decision. */
export interface DecisionSummary {
  verdict: Verdict;
  deny_code: DenyCode | null;
  reasons: string[];
  obligations: Obligations;
}

/** `writ policy diff A B --json`. */
export interface SemanticDiff {
  schema_version: typeof LIFECYCLE_SCHEMAS.semantic_diff;
  from: BundleRef;
  to: BundleRef;
  /** CAVRA-compatible flat lists of policy ids. */
  added: string[];
  removed: string[];
  changed: string[];
  policies: {
    added: Array<{ policy_id: string; effect: 'permit' | 'forbid'; file: string }>;
    removed: Array<{ policy_id: string; effect: 'permit' | 'forbid'; file: string }>;
    changed: Array<{ policy_id: string; changes: PolicyChange[] }>;
  };
  schema: {
    changed: boolean;
    actions_added: string[];
    actions_removed: string[];
    actions_changed: string[];
    entity_types_added: string[];
    entity_types_removed: string[];
    entity_types_changed: string[];
    common_types_changed: string[];
  };
  decisions: {
    /** Cases evaluated under both bundles, by source. */
    case_count: number;
    required_case_count: number;
    test_case_count: number;
    corpus_case_count: number;
    changed_count: number;
    changes: DecisionChange[];
  };
}

// ---------------------------------------------------------------- version manifest

/** `writ policy manifest DIR --json`. */
export interface VersionManifest {
  schema_version: typeof LIFECYCLE_SCHEMAS.version_manifest;
  bundle_id: string;
  version: string;
  policy_bundle_hash: Sha256Ref;
  previous_policy_bundle_hash: Sha256Ref | null;
  /** `git:<commit>:<path>` inside a repository, else `file:<absolute path>`. */
  source_ref: string;
  git_versioned: boolean;
  git: { commit: string; path: string; dirty: boolean } | null;
  generated_at: string;
  /** Against the previous bundle; null when there is none. */
  diff: SemanticDiff | null;
}

// ---------------------------------------------------------------- dry run

/** One dry-run case outcome. */
export interface DryRunResult {
  case_id: string;
  /** The required decision class the case demonstrates, if any. */
  class: string | null;
  source: 'required' | 'bundle' | 'file';
  intent: Intent;
  signals: PolicySignals;
  now: string;
  expected: { verdicts: Verdict[]; deny_code?: DenyCode; reasons?: string[]; obligations?: Partial<Obligations> };
  actual: DecisionSummary;
  /** The determining policies (the decision's reasons), with their files. */
  determining_policies: Array<{ policy_id: string; effect: 'permit' | 'forbid'; file: string }>;
  passed: boolean;
  mismatches: string[];
}

/** `writ policy dry-run DIR --json`. */
export interface DryRunReport {
  schema_version: typeof LIFECYCLE_SCHEMAS.dry_run_report;
  bundle: BundleRef;
  case_count: number;
  passed_count: number;
  failed_count: number;
  required_classes: string[];
  missing_classes: string[];
  required_cases_present: boolean;
  passed: boolean;
  results: DryRunResult[];
}

// ---------------------------------------------------------------- shadow mode

/** Divergence severity: how bad it would be if the candidate were enforcing. */
export type DivergenceSeverity = 'low' | 'medium' | 'high' | 'critical';

/** Promotion criteria a shadow run must meet before its candidate may be activated. */
export interface ShadowPromotionCriteria {
  min_observation_hours: number;
  /** Unexplained divergences of severity high or critical allowed (always 0). */
  max_unexplained_high: number;
  dry_run_failed_count: number;
  approval_required: boolean;
}

/** `writ policy shadow status --json` (and the shadow part of activation evidence). */
export interface ShadowSummary {
  schema_version: typeof LIFECYCLE_SCHEMAS.shadow_summary;
  shadow_id: string | null;
  state: 'running' | 'stopped' | 'none';
  candidate_policy_bundle_hash: Sha256Ref | null;
  active_policy_bundle_hash: Sha256Ref | null;
  mode: 'shadow';
  non_enforcing: true;
  started_at: string | null;
  stopped_at: string | null;
  observation_hours: number;
  intents_observed: number;
  divergences: {
    total: number;
    by_severity: Record<DivergenceSeverity, number>;
    unexplained_high: number;
    explained: number;
  };
  promotion_criteria: ShadowPromotionCriteria;
  criteria_met: boolean;
  /** Which criteria are not met, one line each. */
  unmet: string[];
}

// ---------------------------------------------------------------- rollback

/** `writ policy rollback-plan --json`. */
export interface RollbackPlan {
  schema_version: typeof LIFECYCLE_SCHEMAS.rollback_plan;
  rollback_ref: string | null;
  current_policy_bundle_hash: Sha256Ref | null;
  target: (BundleRef & { active_from: string | null; active_until: string | null; why: string }) | null;
  approval_required: true;
  reason: string;
  steps: string[];
  /** The governed request that performs the rollback. */
  activation_request: { method: 'POST'; path: '/v1/policy/activations'; body: { policy_bundle_hash: Sha256Ref; justification: string } } | null;
  diff: SemanticDiff | null;
}

// ---------------------------------------------------------------- approval workflow and packets

/** How a `policy.activate` is approved, and what evidence it carries. */
export interface ApprovalWorkflow {
  schema_version: typeof LIFECYCLE_SCHEMAS.approval_workflow;
  approval_required: boolean;
  approver_groups: string[];
  approvals_required: number;
  review_workflow_ref: string;
  required_evidence: string[];
  review_checklist: string[];
}

/** Operating evidence references (CI run, review, UI validation). */
export interface OperatingEvidence {
  ci_run_ref: string;
  policy_review_ref: string;
  ui_validation_ref?: string;
}

/** `writ policy lifecycle-plan` output: every artifact inline plus their digests. */
export interface LifecyclePacket {
  schema_version: typeof LIFECYCLE_SCHEMAS.packet;
  product: 'Writ';
  evidence_mode: 'sample' | 'live';
  generated_at: string;
  bundle: BundleRef;
  lifecycle_capabilities: string[];
  lint_report: LintReport;
  version_manifest: VersionManifest;
  semantic_diff: SemanticDiff | null;
  dry_run_report: DryRunReport;
  shadow_summary: ShadowSummary;
  rollback_plan: RollbackPlan;
  approval_workflow: ApprovalWorkflow;
  operating_evidence: OperatingEvidence;
  /** `sha256:` of the JCS bytes of each artifact above, by key. */
  artifact_digests: Record<string, Sha256Ref>;
}

/** One readiness check. */
export interface ReadinessCheck {
  name: string;
  status: 'pass' | 'warn' | 'blocker';
  message: string;
}

/** `writ policy lifecycle-readiness PACKET --json`. */
export interface ReadinessResult {
  schema_version: typeof LIFECYCLE_SCHEMAS.readiness_result;
  /** The packet's own schema id (Writ or CAVRA). */
  packet_schema: string;
  product: string;
  evidence_mode: string;
  ready_for_policy_lifecycle_contract: boolean;
  ready_for_live_policy_lifecycle: boolean;
  status: 'ready' | 'ready_with_warnings' | 'blocked';
  blocker_count: number;
  warning_count: number;
  checks: ReadinessCheck[];
}
