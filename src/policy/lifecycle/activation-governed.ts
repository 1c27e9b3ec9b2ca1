/**
 * Whether a bundle, once active, still lets policy change: a `policy.activate` request
 * for another bundle must not be denied outright (it may need approvals). A bundle that
 * denies it would make every later change — the rollback included — impossible, so lint
 * blocks it and governed activation refuses it.
 *
 * @module
 */
import type { CompiledBundle } from '../compile-bundle.ts';
import type { PolicyDecision } from '../decision.ts';
import { evaluateIntent } from '../evaluate.ts';
import { policyActivationIntent, POLICY_ACTIVATE } from './activation-intent.ts';

/** A stand-in for "some other bundle" (no real bundle has this hash). */
const OTHER_BUNDLE = { policy_bundle_hash: `sha256:${'0'.repeat(64)}`, bundle_id: 'next', version: '1.0.0' };

/**
 * How `bundle` decides a `policy.activate` request for `target` (by default a stand-in
 * for any other bundle), with no signals; null when the schema does not declare the action.
 *
 * @example
 * ```ts
 * activationDecisionUnder(loadBundleDir('policies/default'))?.verdict; // 'require_approval'
 * ```
 */
export function activationDecisionUnder(
  bundle: CompiledBundle,
  target: { policy_bundle_hash: string; bundle_id: string; version: string } = OTHER_BUNDLE,
  now: Date = new Date(0),
): PolicyDecision | null {
  if (!bundle.model.actions.has(POLICY_ACTIVATE)) return null;
  return evaluateIntent(bundle, { intent: policyActivationIntent(target, 'policy-owner'), signals: { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] }, now });
}

/**
 * Why policy could not change under `bundle` once active, or null when it can.
 *
 * @example
 * ```ts
 * activationUngovernedReason(cavraBundleWithoutGovernance); // 'the schema does not declare the action "policy.activate" …'
 * ```
 */
export function activationUngovernedReason(bundle: CompiledBundle, target?: { policy_bundle_hash: string; bundle_id: string; version: string }): string | null {
  const d = activationDecisionUnder(bundle, target);
  if (!d) return `the schema does not declare the action "${POLICY_ACTIVATE}": once active, every later policy change (the rollback included) would be denied`;
  if (d.verdict === 'deny') return `a ${POLICY_ACTIVATE} request is denied (${d.deny_code}${d.reasons.length ? `: ${d.reasons.join(', ')}` : ''}): once active, no later policy change (the rollback included) could be approved`;
  return null;
}
