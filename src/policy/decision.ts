/**
 * What policy evaluation returns: a verdict, the determining policy ids, the
 * obligations the determining permits impose, and on a deny a stable code.
 *
 * @module
 */

/**
 * The three outcomes of policy (DESIGN §3.2).
 *
 * @example
 * ```ts
 * const v: Verdict = 'require_approval';
 * ```
 */
export type Verdict = 'allow' | 'deny' | 'require_approval';

/**
 * Risk grade a policy attaches with `@risk(...)`, ordered low < medium < high < critical.
 *
 * @example
 * ```ts
 * const r: Risk = 'critical';
 * ```
 */
export type Risk = 'low' | 'medium' | 'high' | 'critical';

/**
 * Every risk grade, weakest first; the index is the grade's strength.
 *
 * @example
 * ```ts
 * RISKS.indexOf('high') > RISKS.indexOf('medium'); // true
 * ```
 */
export const RISKS: readonly Risk[] = ['low', 'medium', 'high', 'critical'];

/**
 * Why a decision is `deny` (invariant 8: every deny carries a stable code).
 * - `POLICY_FORBID`: a forbid policy determined the decision (its id is in `reasons`);
 * - `NO_PERMIT`: no permit applied (default deny);
 * - `INVALID_REQUEST`: the input is malformed or does not fit the bundle's schema;
 * - `EVALUATION_ERROR`: Cedar reported an error; the decision fails closed.
 *
 * @example
 * ```ts
 * const code: DenyCode = 'NO_PERMIT';
 * ```
 */
export type DenyCode = 'POLICY_FORBID' | 'NO_PERMIT' | 'INVALID_REQUEST' | 'EVALUATION_ERROR';

/**
 * What the determining permits require before execution; strictest wins.
 *
 * @example
 * ```ts
 * const o: Obligations = { approvals_required: 2, approver_groups: ['platform-security', 'release-management'], risk: 'high', break_glass_allowed: true };
 * ```
 */
export interface Obligations {
  /** Distinct approvers needed: the largest `@approvals` among determining permits; 0 unless `require_approval`. */
  approvals_required: number;
  /** Union of the `@approver_groups` of determining permits that require approvals, sorted. */
  approver_groups: string[];
  /** Highest `@risk` among the determining policies, or null when none is annotated. */
  risk: Risk | null;
  /** True only for `require_approval` when every approval-requiring determining permit says `@break_glass("allowed")`. */
  break_glass_allowed: boolean;
}

/**
 * The outcome of evaluating one intent against one bundle.
 *
 * @example
 * ```ts
 * const d = evaluateIntent(bundle, { intent, signals, now });
 * if (d.verdict === 'deny') console.log(d.deny_code, d.reasons, d.errors);
 * ```
 */
export interface PolicyDecision {
  verdict: Verdict;
  /** Ids (`@id`) of the determining policies, sorted. */
  reasons: string[];
  /** Set exactly when `verdict` is `deny`. */
  deny_code: DenyCode | null;
  obligations: Obligations;
  /** Why evaluation failed closed (`INVALID_REQUEST`, `EVALUATION_ERROR`); empty otherwise. */
  errors: string[];
  policy_bundle_hash: string;
}
