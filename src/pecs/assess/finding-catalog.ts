/**
 * The fixed table of assessment rules: each has a stable id (`PECS-A-NNN`, never reused or
 * renumbered), a severity, the maturity dimension it lowers, a title and a remediation.
 * docs/pecs-maturity.md prints the same table; a test keeps the two in step.
 *
 * @module
 */
import type { MaturityDimension } from './maturity-model.ts';

/** Severity of a finding, as the `gapFinding.severity` enum of the base schema. */
export type FindingSeverity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/** One rule of the catalog. */
export interface FindingRule {
  /** Stable id, `PECS-A-NNN`. */
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly dimension: MaturityDimension;
  readonly title: string;
  readonly remediation: string;
  /** Rough effort of the remediation (`gapTask.effort`). */
  readonly effort: 'small' | 'medium' | 'large';
}

/**
 * Every rule, in id order.
 *
 * @example
 * ```ts
 * FINDING_RULES.find((r) => r.id === 'PECS-A-001')?.severity; // 'critical'
 * ```
 */
export const FINDING_RULES = [
  { id: 'PECS-A-001', severity: 'critical', dimension: 'runtime-enforcement', effort: 'small', title: 'Critical entry point fails open (failureMode best-effort)', remediation: 'Set invocationContract.failureMode to fail-closed and make every startup check abort the job when it fails.' },
  { id: 'PECS-A-002', severity: 'high', dimension: 'identity-and-credentials', effort: 'medium', title: 'Static secret used for a production target', remediation: 'Replace the static secret with OIDC federation or workload identity scoped to the production environment.' },
  { id: 'PECS-A-003', severity: 'high', dimension: 'isolation', effort: 'medium', title: 'High or critical work runs on shared runners', remediation: 'Move the job to dedicated or ephemeral runners reserved for privileged work and mark the runners restricted (runnerRestricted).' },
  { id: 'PECS-A-004', severity: 'high', dimension: 'authorization-and-review', effort: 'small', title: 'Critical entry point without two-person review', remediation: "Require two-person review of the definition (requiresTwoPersonReview in the entry point's controls) and record two approvers on its authorization entry." },
  { id: 'PECS-A-005', severity: 'high', dimension: 'integrity-binding', effort: 'small', title: 'Authorization digest differs from the entry point digest: review renewal required', remediation: 'Review the changed definition and renew the authorization entry with the current digest, or revert the definition.' },
  { id: 'PECS-A-006', severity: 'high', dimension: 'authorization-and-review', effort: 'small', title: 'Expired or draft approval in use', remediation: 'Renew the approval (approvalStatus approved, expiresAt in the future) or remove the entry point from service.' },
  { id: 'PECS-A-007', severity: 'moderate', dimension: 'authorization-and-review', effort: 'medium', title: 'Authorization artifact is not signed', remediation: 'Sign the authorization artifact (e.g. cosign) and record signed: true with its signatureRef.' },
  { id: 'PECS-A-008', severity: 'high', dimension: 'authorization-and-review', effort: 'small', title: 'Production target without environment approval', remediation: 'Protect the production environment with required reviewers and declare it (environmentApprovalRequired, or an approval gate in approvalGateRefs).' },
  { id: 'PECS-A-009', severity: 'moderate', dimension: 'integrity-binding', effort: 'medium', title: 'Artifact signing declared but not verified before execution', remediation: 'Verify the artifact signature or provenance before deploying: add check-artifact-digest or check-provenance-attestation and set verifiedBeforeExecution.' },
  { id: 'PECS-A-010', severity: 'high', dimension: 'integrity-binding', effort: 'small', title: 'High or critical entry point without an integrity binding', remediation: 'Bind the entry point to its definition (e.g. workflow-definition-hash with the sha256 digest) and verify it before execution.' },
  { id: 'PECS-A-011', severity: 'high', dimension: 'authorization-and-review', effort: 'medium', title: 'High or critical entry point without an in-force authorization', remediation: 'Add an approved authorization entry for the entry point, bound to its digest and pipeline.' },
] as const satisfies readonly FindingRule[];

/** The id of a rule of {@link FINDING_RULES}. */
export type FindingRuleId = (typeof FINDING_RULES)[number]['id'];

/**
 * The rule with an id.
 *
 * @example
 * ```ts
 * findingRule('PECS-A-007').title; // 'Authorization artifact is not signed'
 * ```
 */
export function findingRule(id: FindingRuleId): FindingRule {
  const rule = FINDING_RULES.find((r) => r.id === id);
  if (rule === undefined) throw new Error(`unknown finding rule ${id}`);
  return rule;
}
