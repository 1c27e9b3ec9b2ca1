/**
 * Obligation annotations on Cedar policies (DESIGN §4), parsed strictly: a typo in an
 * annotation must never silently turn an approval-gated permit into a plain allow, so
 * every annotation key outside {@link KNOWN_ANNOTATIONS} is a problem, and so is every
 * malformed value.
 *
 * | annotation | on | value |
 * |---|---|---|
 * | `@id("…")` | every policy, required, unique | `[A-Za-z0-9][A-Za-z0-9._:-]*` |
 * | `@approvals("N")` | permit | positive integer (1–99) |
 * | `@approver_groups("a,b")` | permit, with `@approvals` | comma-separated group names, no spaces |
 * | `@risk("…")` | permit or forbid | low, medium, high, critical |
 * | `@break_glass("allowed")` | permit, with `@approvals` | exactly `allowed` |
 * | `@description("…")` | any | free text |
 *
 * @module
 */
import { RISKS, type Risk } from './decision.ts';

/**
 * Annotation keys a bundle may use.
 *
 * @example
 * ```ts
 * KNOWN_ANNOTATIONS.includes('approvals'); // true
 * ```
 */
export const KNOWN_ANNOTATIONS: readonly string[] = ['id', 'approvals', 'approver_groups', 'risk', 'break_glass', 'description'];

/**
 * Pattern of a policy id (`@id`).
 *
 * @example
 * ```ts
 * POLICY_ID.test('promotion.prod.approval'); // true
 * ```
 */
export const POLICY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const GROUP = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;
const APPROVALS = /^[1-9][0-9]?$/;

/**
 * What one policy's annotations impose when it is determining.
 *
 * @example
 * ```ts
 * const o: PolicyObligations = { approvals: 2, approver_groups: ['platform-security'], risk: 'high', break_glass: false };
 * ```
 */
export interface PolicyObligations {
  /** `@approvals`, or null when the policy requires none. */
  approvals: number | null;
  approver_groups: string[];
  risk: Risk | null;
  /** `@break_glass("allowed")` was given. */
  break_glass: boolean;
}

/**
 * Reads the obligation annotations of one policy. Returns the obligations and the
 * problems (empty when well-formed). `@id` is checked by the caller (uniqueness spans files).
 *
 * @example
 * ```ts
 * readObligations('permit', { id: 'p', approvals: '2', approver_groups: 'a,b' });
 * // { obligations: { approvals: 2, approver_groups: ['a', 'b'], risk: null, break_glass: false }, problems: [] }
 * readObligations('permit', { id: 'p', approvals: 'two' }).problems;
 * // ['@approvals("two"): expected a positive integer (1-99)', '@approvals requires @approver_groups']
 * ```
 */
export function readObligations(
  effect: 'permit' | 'forbid',
  annotations: Readonly<Record<string, string | null>>,
): { obligations: PolicyObligations; problems: string[] } {
  const problems: string[] = [];
  const obligations: PolicyObligations = { approvals: null, approver_groups: [], risk: null, break_glass: false };
  for (const [key, value] of Object.entries(annotations)) {
    if (!KNOWN_ANNOTATIONS.includes(key)) {
      problems.push(`unknown annotation @${key} (known: ${KNOWN_ANNOTATIONS.map((k) => `@${k}`).join(', ')})`);
      continue;
    }
    if (value === null && key !== 'description') {
      problems.push(`@${key} needs a value, e.g. @${key}("…")`);
      continue;
    }
    const v = value ?? '';
    const permitOnly = key === 'approvals' || key === 'approver_groups' || key === 'break_glass';
    if (permitOnly && effect === 'forbid') {
      problems.push(`@${key} is an obligation of permit policies; it has no meaning on a forbid`);
      continue;
    }
    switch (key) {
      case 'approvals':
        if (APPROVALS.test(v)) obligations.approvals = Number(v);
        else problems.push(`@approvals(${JSON.stringify(v)}): expected a positive integer (1-99)`);
        break;
      case 'approver_groups': {
        const groups = v.split(',');
        const bad = groups.filter((g) => !GROUP.test(g));
        if (bad.length > 0) {
          problems.push(`@approver_groups(${JSON.stringify(v)}): expected comma-separated group names without spaces, e.g. "platform-security,release-management"`);
        } else if (new Set(groups).size !== groups.length) {
          problems.push(`@approver_groups(${JSON.stringify(v)}): a group is listed twice`);
        } else {
          obligations.approver_groups = [...groups].sort();
        }
        break;
      }
      case 'risk':
        if ((RISKS as readonly string[]).includes(v)) obligations.risk = v as Risk;
        else problems.push(`@risk(${JSON.stringify(v)}): expected one of ${RISKS.join(', ')}`);
        break;
      case 'break_glass':
        if (v === 'allowed') obligations.break_glass = true;
        else problems.push(`@break_glass(${JSON.stringify(v)}): the only value is "allowed" (omit the annotation to disallow)`);
        break;
      default:
        break; // id (checked by the caller), description (free text)
    }
  }
  const hasApprovals = 'approvals' in annotations;
  const hasGroups = 'approver_groups' in annotations;
  if (effect === 'permit') {
    if (hasApprovals && !hasGroups) problems.push('@approvals requires @approver_groups (who may approve)');
    if (hasGroups && !hasApprovals) problems.push('@approver_groups requires @approvals (how many approvers)');
    if ('break_glass' in annotations && !hasApprovals) problems.push('@break_glass only applies to a permit that requires @approvals');
  }
  return { obligations, problems };
}
