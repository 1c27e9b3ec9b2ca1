/**
 * From Cedar's answer to Writ's decision (DESIGN §4):
 *
 * - Cedar refuses the request (e.g. a value it cannot parse) ⇒ `deny` (`INVALID_REQUEST`);
 * - any policy's evaluation errors ⇒ `deny` (`EVALUATION_ERROR`): Cedar skips an
 *   erroring policy, and a skipped forbid must not turn into an allow;
 * - a determining forbid ⇒ `deny` (`POLICY_FORBID`), no permit ⇒ `deny` (`NO_PERMIT`);
 * - determining permits of which at least one has `@approvals` ⇒ `require_approval`,
 *   with the strictest obligations: the largest N, the union of approver groups, the
 *   highest risk, and break-glass only if every approval-requiring permit allows it;
 * - otherwise `allow`.
 *
 * `reasons` are the determining policy ids, sorted.
 *
 * @module
 */
import type { AuthorizationAnswer } from './cedar.ts';
import { cedarMessage } from './cedar.ts';
import type { CompiledPolicy } from './compile-bundle.ts';
import { RISKS, type DenyCode, type Obligations, type PolicyDecision, type Risk } from './decision.ts';

/**
 * The obligations of a decision that imposes none.
 *
 * @example
 * ```ts
 * NO_OBLIGATIONS.approvals_required; // 0
 * ```
 */
export const NO_OBLIGATIONS: Readonly<Obligations> = Object.freeze({
  approvals_required: 0,
  approver_groups: Object.freeze([]) as unknown as string[],
  risk: null,
  break_glass_allowed: false,
});

function maxRisk(policies: readonly CompiledPolicy[]): Risk | null {
  let best = -1;
  for (const p of policies) if (p.obligations.risk) best = Math.max(best, RISKS.indexOf(p.obligations.risk));
  return best < 0 ? null : RISKS[best]!;
}

/**
 * A deny decision with a code, reasons and errors.
 *
 * @example
 * ```ts
 * denyDecision(hash, 'INVALID_REQUEST', [], ['intent.resource.id: expected a non-empty string']);
 * ```
 */
export function denyDecision(hash: string, code: DenyCode, reasons: string[], errors: string[], risk: Risk | null = null): PolicyDecision {
  return { verdict: 'deny', reasons, deny_code: code, obligations: { ...NO_OBLIGATIONS, approver_groups: [], risk }, errors, policy_bundle_hash: hash };
}

/**
 * Turns Cedar's answer into a decision, using the bundle's policy index for obligations.
 *
 * @example
 * ```ts
 * const decision = decide(bundle.policy_bundle_hash, bundle.policies, cedar.statefulIsAuthorized(call));
 * ```
 */
export function decide(hash: string, policies: ReadonlyMap<string, CompiledPolicy>, answer: AuthorizationAnswer): PolicyDecision {
  // Cedar refuses a request it cannot parse (values were type-checked before the call).
  if (answer.type !== 'success') return denyDecision(hash, 'INVALID_REQUEST', [], answer.errors.map(cedarMessage));
  const { decision, diagnostics } = answer.response;
  const reasonIds = [...diagnostics.reason].sort();
  if (diagnostics.errors.length > 0) {
    const errors = diagnostics.errors.map((e) => `policy ${e.policyId}: ${cedarMessage(e.error)}`).sort();
    return denyDecision(hash, 'EVALUATION_ERROR', decision === 'deny' ? reasonIds : [], errors);
  }
  const determining: CompiledPolicy[] = [];
  for (const id of reasonIds) {
    const p = policies.get(id);
    if (!p) return denyDecision(hash, 'EVALUATION_ERROR', [], [`Cedar named policy ${JSON.stringify(id)}, which is not in the bundle`]);
    determining.push(p);
  }
  if (decision === 'deny') {
    return determining.length > 0
      ? denyDecision(hash, 'POLICY_FORBID', reasonIds, [], maxRisk(determining))
      : denyDecision(hash, 'NO_PERMIT', [], []);
  }
  if (determining.length === 0 || determining.some((p) => p.effect !== 'permit')) {
    return denyDecision(hash, 'EVALUATION_ERROR', [], ['Cedar allowed without a determining permit']);
  }
  const gated = determining.filter((p) => p.obligations.approvals !== null);
  if (gated.length === 0) {
    return {
      verdict: 'allow',
      reasons: reasonIds,
      deny_code: null,
      obligations: { ...NO_OBLIGATIONS, approver_groups: [], risk: maxRisk(determining) },
      errors: [],
      policy_bundle_hash: hash,
    };
  }
  const groups = new Set<string>();
  for (const p of gated) for (const g of p.obligations.approver_groups) groups.add(g);
  return {
    verdict: 'require_approval',
    reasons: reasonIds,
    deny_code: null,
    obligations: {
      approvals_required: Math.max(...gated.map((p) => p.obligations.approvals!)),
      approver_groups: [...groups].sort(),
      risk: maxRisk(determining),
      break_glass_allowed: gated.every((p) => p.obligations.break_glass),
    },
    errors: [],
    policy_bundle_hash: hash,
  };
}
