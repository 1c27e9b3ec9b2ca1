import { EVIDENCE_ORDER } from '../../../policy/lifecycle/plan/evidence-order.ts';

/**
 * The kinds of evidence a `policy.activate` request carries, in review order (the
 * lifecycle's evidence order).
 *
 * @example
 * ```ts
 * EVIDENCE_KINDS.includes('dry_run_report'); // true
 * ```
 */
export const EVIDENCE_KINDS = EVIDENCE_ORDER;

/** One evidence kind. */
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
