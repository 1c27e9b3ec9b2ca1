/**
 * JSON Schema (2020-12) of Writ's lifecycle packet (`writ.policy-lifecycle.packet.v1`,
 * the `LifecyclePacket` of `artifacts.ts`) and of the documents it carries inline. It
 * states the required fields and their types, the schema id of every document, and the
 * `sha256:` form of every hash; it leaves extra fields open, so a document may grow.
 * Readiness (`writ-readiness.ts`) reports every violation as a blocker with its JSON
 * pointer before it checks what the values mean.
 *
 * @module
 */
import { LIFECYCLE_SCHEMAS } from '../artifacts.ts';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const count = { type: 'integer', minimum: 0 } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'array', items: str } as const;
// `pattern` only applies to strings, so `type: ['string', 'null']` with a pattern is "this form, or null".
const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const SHA256 = '^sha256:[0-9a-f]{64}$';
const instant = { type: 'string', pattern: INSTANT } as const;
const instantOrNull = { type: ['string', 'null'], pattern: INSTANT } as const;
const sha256 = { type: 'string', pattern: SHA256 } as const;
const sha256OrNull = { type: ['string', 'null'], pattern: SHA256 } as const;
const verdict = { enum: ['allow', 'deny', 'require_approval'] } as const;
const denyCode = { enum: ['POLICY_FORBID', 'NO_PERMIT', 'INVALID_REQUEST', 'EVALUATION_ERROR'] } as const;
const risk = { enum: ['low', 'medium', 'high', 'critical'] } as const;
const effect = { enum: ['permit', 'forbid'] } as const;
const object = (required: readonly string[], properties: Record<string, unknown>) => ({ type: 'object', required, properties }) as const;
/** An object that may also be null (`required` and `properties` only apply to objects). */
const objectOrNull = (required: readonly string[], properties: Record<string, unknown>) => ({ type: ['object', 'null'], required, properties }) as const;

const bundleRefProps = { bundle_id: nonEmpty, version: nonEmpty, policy_bundle_hash: sha256 };
const policyRef = object(['policy_id', 'effect', 'file'], { policy_id: nonEmpty, effect, file: str });

/**
 * The packet schema (draft 2020-12), for Ajv's `Ajv2020`.
 *
 * @example
 * ```ts
 * const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(WRIT_PACKET_JSON_SCHEMA);
 * validate(packet); // true for a well-formed packet
 * ```
 */
export const WRIT_PACKET_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://writ.dev/schemas/${LIFECYCLE_SCHEMAS.packet}.json`,
  title: 'Writ policy lifecycle packet',
  $defs: {
    bundleRef: object(['bundle_id', 'version', 'policy_bundle_hash'], bundleRefProps),
    obligations: object(['approvals_required', 'approver_groups', 'risk', 'break_glass_allowed'], {
      approvals_required: count,
      approver_groups: strings,
      risk: { enum: [...risk.enum, null] },
      break_glass_allowed: bool,
    }),
    decisionSummary: object(['verdict', 'deny_code', 'reasons', 'obligations'], {
      verdict,
      deny_code: { enum: [...denyCode.enum, null] },
      reasons: strings,
      obligations: { $ref: '#/$defs/obligations' },
    }),
    intent: object(['action_scope', 'principal', 'resource', 'execution_identity'], {
      action_scope: nonEmpty,
      principal: object(['type', 'id'], { type: nonEmpty, id: nonEmpty }),
      resource: object(['type', 'id'], { type: nonEmpty, id: nonEmpty }),
      execution_identity: { type: 'object' },
    }),
    signals: object(['phase_holds', 'active_incidents', 'trusted_mcp_servers'], {
      phase_holds: { type: 'array' },
      active_incidents: { type: 'array' },
      trusted_mcp_servers: strings,
    }),
    semanticDiff: objectOrNull(['schema_version', 'from', 'to', 'added', 'removed', 'changed', 'policies', 'schema', 'decisions'], {
      schema_version: { const: LIFECYCLE_SCHEMAS.semantic_diff },
      from: { $ref: '#/$defs/bundleRef' },
      to: { $ref: '#/$defs/bundleRef' },
      added: strings,
      removed: strings,
      changed: strings,
      policies: object(['added', 'removed', 'changed'], {
        added: { type: 'array', items: policyRef },
        removed: { type: 'array', items: policyRef },
        changed: { type: 'array', items: object(['policy_id', 'changes'], { policy_id: nonEmpty, changes: { type: 'array', items: object(['aspect'], { aspect: { enum: ['effect', 'scope', 'conditions', 'annotations', 'file'] } }) } }) },
      }),
      schema: object(['changed'], { changed: bool }),
      decisions: object(['case_count', 'changed_count', 'changes'], {
        case_count: count,
        required_case_count: count,
        test_case_count: count,
        corpus_case_count: count,
        changed_count: count,
        changes: {
          type: 'array',
          items: object(['source', 'case_id', 'before', 'after', 'changed'], {
            source: { enum: ['required', 'test', 'corpus'] },
            case_id: nonEmpty,
            intent: { $ref: '#/$defs/intent' },
            signals: { $ref: '#/$defs/signals' },
            before: { $ref: '#/$defs/decisionSummary' },
            after: { $ref: '#/$defs/decisionSummary' },
            changed: { type: 'array', items: { enum: ['verdict', 'deny_code', 'obligations', 'reasons'] } },
          }),
        },
      }),
    }),
    lintReport: object(['schema_version', 'bundle_id', 'version', 'policy_bundle_hash', 'valid', 'blocker_count', 'warning_count', 'issue_count', 'issues', 'summary'], {
      schema_version: { const: LIFECYCLE_SCHEMAS.lint_report },
      bundle_id: strOrNull,
      version: strOrNull,
      policy_bundle_hash: sha256OrNull,
      valid: bool,
      blocker_count: count,
      warning_count: count,
      issue_count: count,
      issues: {
        type: 'array',
        items: object(['code', 'severity', 'policy_id', 'message', 'location'], {
          code: nonEmpty,
          severity: { enum: ['blocker', 'warning'] },
          policy_id: strOrNull,
          message: str,
          location: objectOrNull(['file'], { file: str }),
        }),
      },
      summary: object(['policy_count', 'test_case_count', 'action_scopes', 'classes_required', 'classes_covered'], {
        policy_count: count,
        test_case_count: count,
        action_scopes: strings,
        classes_required: strings,
        classes_covered: strings,
      }),
    }),
    versionManifest: object(['schema_version', 'bundle_id', 'version', 'policy_bundle_hash', 'previous_policy_bundle_hash', 'source_ref', 'git_versioned', 'git', 'generated_at', 'diff'], {
      schema_version: { const: LIFECYCLE_SCHEMAS.version_manifest },
      bundle_id: nonEmpty,
      version: nonEmpty,
      policy_bundle_hash: sha256,
      previous_policy_bundle_hash: sha256OrNull,
      source_ref: str,
      git_versioned: bool,
      git: objectOrNull(['commit', 'path', 'dirty'], { commit: str, path: str, dirty: bool }),
      generated_at: instant,
      diff: { $ref: '#/$defs/semanticDiff' },
    }),
    dryRunReport: object(
      ['schema_version', 'bundle', 'case_count', 'passed_count', 'failed_count', 'required_classes', 'missing_classes', 'required_cases_present', 'passed', 'results'],
      {
        schema_version: { const: LIFECYCLE_SCHEMAS.dry_run_report },
        bundle: { $ref: '#/$defs/bundleRef' },
        case_count: count,
        passed_count: count,
        failed_count: count,
        required_classes: strings,
        missing_classes: strings,
        required_cases_present: bool,
        passed: bool,
        results: {
          type: 'array',
          items: object(['case_id', 'class', 'source', 'intent', 'signals', 'now', 'expected', 'actual', 'determining_policies', 'passed', 'mismatches'], {
            case_id: nonEmpty,
            class: strOrNull,
            source: { enum: ['required', 'bundle', 'file'] },
            intent: { $ref: '#/$defs/intent' },
            signals: { $ref: '#/$defs/signals' },
            now: instant,
            expected: object(['verdicts'], { verdicts: { type: 'array', minItems: 1, items: verdict }, deny_code: denyCode, reasons: strings, obligations: { type: 'object' } }),
            actual: { $ref: '#/$defs/decisionSummary' },
            determining_policies: { type: 'array', items: policyRef },
            passed: bool,
            mismatches: strings,
          }),
        },
      },
    ),
    shadowSummary: object(
      [
        'schema_version',
        'shadow_id',
        'state',
        'candidate_policy_bundle_hash',
        'active_policy_bundle_hash',
        'mode',
        'non_enforcing',
        'started_at',
        'stopped_at',
        'observation_hours',
        'intents_observed',
        'divergences',
        'promotion_criteria',
        'criteria_met',
        'unmet',
      ],
      {
        schema_version: { const: LIFECYCLE_SCHEMAS.shadow_summary },
        shadow_id: strOrNull,
        state: { enum: ['running', 'stopped', 'none'] },
        candidate_policy_bundle_hash: sha256OrNull,
        active_policy_bundle_hash: sha256OrNull,
        mode: { const: 'shadow' },
        non_enforcing: { const: true },
        started_at: instantOrNull,
        stopped_at: instantOrNull,
        observation_hours: { type: 'number', minimum: 0 },
        intents_observed: count,
        divergences: object(['total', 'by_severity', 'unexplained_high', 'explained'], {
          total: count,
          by_severity: object(['low', 'medium', 'high', 'critical'], { low: count, medium: count, high: count, critical: count }),
          unexplained_high: count,
          explained: count,
        }),
        promotion_criteria: object(['min_observation_hours', 'max_unexplained_high', 'dry_run_failed_count', 'approval_required'], {
          min_observation_hours: { type: 'number', minimum: 0 },
          max_unexplained_high: count,
          dry_run_failed_count: count,
          approval_required: bool,
        }),
        criteria_met: bool,
        unmet: strings,
      },
    ),
    rollbackPlan: object(['schema_version', 'rollback_ref', 'current_policy_bundle_hash', 'target', 'approval_required', 'reason', 'steps', 'activation_request', 'diff'], {
      schema_version: { const: LIFECYCLE_SCHEMAS.rollback_plan },
      rollback_ref: strOrNull,
      current_policy_bundle_hash: sha256OrNull,
      target: objectOrNull(['bundle_id', 'version', 'policy_bundle_hash', 'active_from', 'active_until', 'why'], {
        ...bundleRefProps,
        active_from: instantOrNull,
        active_until: instantOrNull,
        why: str,
      }),
      approval_required: { const: true },
      reason: str,
      steps: strings,
      activation_request: objectOrNull(['method', 'path', 'body'], {
        method: { const: 'POST' },
        path: { const: '/v1/policy/activations' },
        body: object(['policy_bundle_hash', 'justification'], { policy_bundle_hash: sha256, justification: str }),
      }),
      diff: { $ref: '#/$defs/semanticDiff' },
    }),
    approvalWorkflow: object(['schema_version', 'approval_required', 'approver_groups', 'approvals_required', 'review_workflow_ref', 'required_evidence', 'review_checklist'], {
      schema_version: { const: LIFECYCLE_SCHEMAS.approval_workflow },
      approval_required: bool,
      approver_groups: strings,
      approvals_required: count,
      review_workflow_ref: str,
      required_evidence: strings,
      review_checklist: strings,
    }),
  },
  type: 'object',
  required: [
    'schema_version',
    'product',
    'evidence_mode',
    'generated_at',
    'bundle',
    'lifecycle_capabilities',
    'lint_report',
    'version_manifest',
    'semantic_diff',
    'dry_run_report',
    'shadow_summary',
    'rollback_plan',
    'approval_workflow',
    'operating_evidence',
    'artifact_digests',
  ],
  properties: {
    schema_version: { const: LIFECYCLE_SCHEMAS.packet },
    product: { const: 'Writ' },
    evidence_mode: { enum: ['sample', 'live'] },
    generated_at: instant,
    bundle: { $ref: '#/$defs/bundleRef' },
    lifecycle_capabilities: strings,
    lint_report: { $ref: '#/$defs/lintReport' },
    version_manifest: { $ref: '#/$defs/versionManifest' },
    semantic_diff: { $ref: '#/$defs/semanticDiff' },
    dry_run_report: { $ref: '#/$defs/dryRunReport' },
    shadow_summary: { $ref: '#/$defs/shadowSummary' },
    rollback_plan: { $ref: '#/$defs/rollbackPlan' },
    approval_workflow: { $ref: '#/$defs/approvalWorkflow' },
    operating_evidence: object(['ci_run_ref', 'policy_review_ref'], { ci_run_ref: str, policy_review_ref: str, ui_validation_ref: str }),
    artifact_digests: { type: 'object', additionalProperties: sha256 },
  },
} as const;
