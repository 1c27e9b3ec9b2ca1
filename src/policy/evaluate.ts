/**
 * Evaluating an intent against a compiled bundle: pure (time comes in `now`, signals
 * come in `signals`), pre-parsed (once per `policy_bundle_hash`), and fail-closed:
 * it never throws, and anything it cannot evaluate exactly is a `deny` with a code
 * and the error in `errors`.
 *
 * Steps: check the input's shape (`check-intent.ts`); map it onto the bundle's schema
 * and type-check every declared value (`cedar-request.ts`); send Cedar the action's
 * policy slice and only the attributes those policies read (`action-plan.ts`), as a
 * flat context when the slice allows it (`flat-slice.ts`); turn Cedar's answer into a
 * verdict and obligations (`verdict.ts`).
 *
 * @module
 */
import { cedar } from './cedar.ts';
import { mapIntent } from './cedar-request.ts';
import { isEvaluationInput } from './check-intent.ts';
import type { CompiledBundle } from './compile-bundle.ts';
import type { PolicyDecision } from './decision.ts';
import type { EvaluationInput } from './intent.ts';
import { decisionCall, prepareBundle } from './prepared-bundle.ts';
import { decide, denyDecision } from './verdict.ts';

/**
 * Decides one intent.
 *
 * @example
 * ```ts
 * const d = evaluateIntent(bundle, { intent, signals, now: clock.now() });
 * d.verdict;  // 'require_approval'
 * d.reasons;  // ['promotion.prod.approval']
 * d.obligations.approvals_required; // 2
 * ```
 */
export function evaluateIntent(bundle: CompiledBundle, input: EvaluationInput): PolicyDecision {
  const hash = typeof bundle?.policy_bundle_hash === 'string' ? bundle.policy_bundle_hash : '';
  try {
    const problems: string[] = [];
    if (!isEvaluationInput(input, problems)) return denyDecision(hash, 'INVALID_REQUEST', [], problems);
    const plans = prepareBundle(bundle);
    if (typeof plans === 'string') return denyDecision(hash, 'EVALUATION_ERROR', [], [plans]);
    const m = mapIntent(bundle.model, input);
    if ('errors' in m) return denyDecision(hash, 'INVALID_REQUEST', [], m.errors);
    const plan = plans.get(input.intent.action_scope);
    if (!plan) return denyDecision(hash, 'EVALUATION_ERROR', [], [`no evaluation plan for ${JSON.stringify(input.intent.action_scope)}`]);
    const answer = cedar.statefulIsAuthorized(decisionCall(plan, m.mapped));
    return decide(hash, bundle.policies, answer);
  } catch (err) {
    return denyDecision(hash, 'EVALUATION_ERROR', [], [`evaluation failed: ${err instanceof Error ? err.message : String(err)}`]);
  }
}
