/**
 * The approval workflow of a policy activation, derived from policy: the bundle that
 * decides the `policy.activate` intent (the active one) says how many approvals, from
 * which groups. A lifecycle plan shows it to reviewers before anything is requested.
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import { evaluateIntent } from '../../evaluate.ts';
import { policyActivationIntent } from '../activation-intent.ts';
import type { ApprovalWorkflow } from '../artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../artifacts.ts';
import { EVIDENCE_ORDER } from './evidence-order.ts';

/** What approvers check, in order. */
export const REVIEW_CHECKLIST: readonly string[] = [
  'Lint is valid: no blocker; warnings are understood.',
  'The semantic diff (policies, schema, decisions that change) is understood by the policy owner and a security reviewer.',
  'The dry run passes every required decision class.',
  'Shadow mode ran for the minimum observation time with no unexplained high or critical divergence.',
  'The rollback plan names a known-good bundle and the governed request that restores it.',
];

/**
 * The workflow for activating `candidate` when `decidingBundle` is active.
 *
 * @example
 * ```ts
 * approvalWorkflowFor(active, candidate, new Date()).approver_groups; // ['platform-security'] with the default bundle
 * ```
 */
export function approvalWorkflowFor(decidingBundle: CompiledBundle, candidate: CompiledBundle, now: Date): ApprovalWorkflow {
  const m = candidate.document.manifest;
  const d = evaluateIntent(decidingBundle, {
    intent: policyActivationIntent({ policy_bundle_hash: candidate.policy_bundle_hash, bundle_id: m.id, version: m.version }, 'lifecycle-plan'),
    signals: { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] },
    now,
  });
  return {
    schema_version: LIFECYCLE_SCHEMAS.approval_workflow,
    // A deny here means activation would be refused outright; it is never allowed without review.
    approval_required: d.verdict !== 'allow',
    approver_groups: d.obligations.approver_groups,
    approvals_required: d.obligations.approvals_required,
    review_workflow_ref: `writ://policy/activations?policy_bundle_hash=${candidate.policy_bundle_hash}`,
    required_evidence: [...EVIDENCE_ORDER],
    review_checklist: [...REVIEW_CHECKLIST],
  };
}
