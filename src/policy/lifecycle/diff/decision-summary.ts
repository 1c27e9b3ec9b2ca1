/**
 * The decision-relevant part of a policy decision, and what differs between two.
 *
 * @module
 */
import { canonicalize } from '../../../crypto/jcs.ts';
import type { PolicyDecision } from '../../decision.ts';
import type { DecisionChange, DecisionSummary } from '../artifacts.ts';

/**
 * A decision without its bundle hash and error text (which differ between bundles
 * without the decision differing).
 *
 * @example
 * ```ts
 * summarizeDecision(evaluateIntent(bundle, input)); // { verdict: 'deny', deny_code: 'POLICY_FORBID', reasons: [...], obligations: {...} }
 * ```
 */
export function summarizeDecision(d: PolicyDecision): DecisionSummary {
  return {
    verdict: d.verdict,
    deny_code: d.deny_code,
    reasons: [...d.reasons].sort(),
    obligations: { ...d.obligations, approver_groups: [...d.obligations.approver_groups].sort() },
  };
}

/**
 * What differs between two summaries, in the order verdict, deny_code, obligations,
 * reasons (empty when they are the same decision).
 *
 * @example
 * ```ts
 * decisionDifferences(before, after); // ['verdict', 'deny_code', 'obligations', 'reasons']
 * ```
 */
export function decisionDifferences(a: DecisionSummary, b: DecisionSummary): DecisionChange['changed'] {
  const out: DecisionChange['changed'] = [];
  if (a.verdict !== b.verdict) out.push('verdict');
  if (a.deny_code !== b.deny_code) out.push('deny_code');
  if (canonicalize(a.obligations) !== canonicalize(b.obligations)) out.push('obligations');
  if (canonicalize(a.reasons) !== canonicalize(b.reasons)) out.push('reasons');
  return out;
}
