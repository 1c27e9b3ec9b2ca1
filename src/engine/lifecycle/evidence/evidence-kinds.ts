/**
 * The kinds of evidence a `policy.activate` request carries, in review order.
 *
 * @example
 * ```ts
 * EVIDENCE_KINDS.includes('dry_run_report'); // true
 * ```
 */
export const EVIDENCE_KINDS = ['lint_report', 'version_manifest', 'semantic_diff', 'dry_run_report', 'shadow_summary', 'rollback_plan'] as const;

/** One evidence kind. */
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
