/**
 * Comparing what a candidate bundle would decide with what the active one decided, and
 * how bad the difference would be if the candidate were enforcing. Pure; shadow mode
 * records the result for every live intent.
 *
 * A **divergence** is a different verdict, deny code or obligations (approvals,
 * approver groups, break-glass, risk). Reasons alone are not compared: two bundles may
 * name their policies differently and still decide the same.
 *
 * Severity (the worst matching rule wins):
 *
 * | active → candidate | severity | why |
 * |---|---|---|
 * | deny → allow | critical | would let through what is forbidden today |
 * | deny → require_approval, require_approval → allow | high | removes a gate |
 * | same `require_approval`, fewer approvals, a group dropped, break-glass newly allowed | high | weakens a gate |
 * | allow → deny, require_approval → deny | medium | would block work that runs today |
 * | allow → require_approval; stricter obligations; deny code or risk only | low | stricter, or bookkeeping |
 *
 * @module
 */
import type { DecisionSummary, DivergenceSeverity } from './artifacts.ts';
import type { PolicyDecision } from '../decision.ts';

/**
 * A divergence: its severity and the fields that differ.
 *
 * @example
 * ```ts
 * const d: Divergence = { severity: 'critical', changed: ['verdict'] };
 * ```
 */
export interface Divergence {
  severity: DivergenceSeverity;
  changed: Array<'verdict' | 'deny_code' | 'obligations'>;
}

const RANK: Record<DivergenceSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * The decision-relevant part of a decision (what shadow mode stores for each side).
 *
 * @example
 * ```ts
 * summarizeDecision(evaluateIntent(bundle, input)).verdict; // 'allow'
 * ```
 */
export function summarizeDecision(d: PolicyDecision): DecisionSummary {
  return { verdict: d.verdict, deny_code: d.deny_code, reasons: [...d.reasons], obligations: { ...d.obligations, approver_groups: [...d.obligations.approver_groups] } };
}

/**
 * Classifies the difference between two outcomes; null when they decide the same.
 *
 * @example
 * ```ts
 * classifyDivergence(activeSummary, candidateSummary); // { severity: 'critical', changed: ['verdict', 'deny_code', 'obligations'] } for deny → allow
 * ```
 */
export function classifyDivergence(active: DecisionSummary, candidate: DecisionSummary): Divergence | null {
  const changed: Divergence['changed'] = [];
  if (active.verdict !== candidate.verdict) changed.push('verdict');
  if (active.deny_code !== candidate.deny_code) changed.push('deny_code');
  if (!sameObligations(active, candidate)) changed.push('obligations');
  if (changed.length === 0) return null;
  return { severity: severityOf(active, candidate), changed };
}

function sameObligations(a: DecisionSummary, b: DecisionSummary): boolean {
  const x = a.obligations;
  const y = b.obligations;
  return (
    x.approvals_required === y.approvals_required &&
    x.break_glass_allowed === y.break_glass_allowed &&
    x.risk === y.risk &&
    x.approver_groups.length === y.approver_groups.length &&
    x.approver_groups.every((g) => y.approver_groups.includes(g))
  );
}

function severityOf(active: DecisionSummary, candidate: DecisionSummary): DivergenceSeverity {
  const a = active.verdict;
  const c = candidate.verdict;
  let worst: DivergenceSeverity = 'low';
  const raise = (s: DivergenceSeverity) => {
    if (RANK[s] > RANK[worst]) worst = s;
  };
  if (a === 'deny' && c === 'allow') raise('critical');
  if ((a === 'deny' && c === 'require_approval') || (a === 'require_approval' && c === 'allow')) raise('high');
  if (a === 'require_approval' && c === 'require_approval') {
    const x = active.obligations;
    const y = candidate.obligations;
    const groupDropped = x.approver_groups.some((g) => !y.approver_groups.includes(g));
    if (y.approvals_required < x.approvals_required || groupDropped || (y.break_glass_allowed && !x.break_glass_allowed)) raise('high');
  }
  if (c === 'deny' && a !== 'deny') raise('medium');
  return worst;
}
