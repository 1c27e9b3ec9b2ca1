/**
 * The lifecycle artifacts an activation is reviewed on, in review order (the same kinds
 * the server attaches to a `policy.activate` request).
 *
 * @example
 * ```ts
 * EVIDENCE_ORDER[0]; // 'lint_report'
 * ```
 */
export const EVIDENCE_ORDER = ['lint_report', 'version_manifest', 'semantic_diff', 'dry_run_report', 'shadow_summary', 'rollback_plan'] as const;
