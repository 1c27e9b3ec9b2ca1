/**
 * The `expect` mapping of a dry-run case in a Writ case file, checked and resolved to a
 * {@link DryRunExpectation}. It is the bundle test format's `expect` with one addition:
 * `verdicts: [...]` for a case that accepts several verdicts; and it may be left out (or
 * give no verdict) when the case names a class, whose accepted verdicts then apply.
 *
 * @module
 */
import type { DenyCode, Verdict } from '../../decision.ts';
import { RISKS } from '../../decision.ts';
import type { RequiredDecisionClass } from '../required-classes.ts';
import type { DryRunExpectation } from './case-input.ts';
import { isPlainObject } from './case-file-error.ts';

/**
 * Every verdict, in the order messages list them.
 *
 * @example
 * ```ts
 * VERDICTS.includes('deny'); // true
 * ```
 */
export const VERDICTS: readonly Verdict[] = ['allow', 'deny', 'require_approval'];
const DENY_CODES: readonly DenyCode[] = ['POLICY_FORBID', 'NO_PERMIT', 'INVALID_REQUEST', 'EVALUATION_ERROR'];
const EXPECT_KEYS = ['verdict', 'verdicts', 'deny_code', 'reasons', 'obligations'];
const OBLIGATION_KEYS = ['approvals_required', 'approver_groups', 'risk', 'break_glass_allowed'];

function isVerdict(v: unknown): v is Verdict {
  return typeof v === 'string' && (VERDICTS as readonly string[]).includes(v);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function resolveVerdicts(expect: Record<string, unknown>, decisionClass: RequiredDecisionClass | undefined, say: (m: string) => void): Verdict[] | null {
  const { verdict, verdicts } = expect;
  if (verdict !== undefined && verdicts !== undefined) {
    say('expect: give verdict or verdicts, not both');
    return null;
  }
  if (verdict !== undefined) {
    if (isVerdict(verdict)) return [verdict];
    say(`expect.verdict: expected one of ${VERDICTS.join(', ')}`);
    return null;
  }
  if (verdicts !== undefined) {
    if (!Array.isArray(verdicts) || verdicts.length === 0 || !verdicts.every(isVerdict)) {
      say(`expect.verdicts: expected a non-empty list of ${VERDICTS.join(', ')}`);
      return null;
    }
    if (new Set(verdicts).size !== verdicts.length) {
      say('expect.verdicts: a verdict is listed twice');
      return null;
    }
    return [...verdicts];
  }
  if (decisionClass) return [...decisionClass.expected];
  say('expect.verdict: required when the case names no class (or give verdicts)');
  return null;
}

function checkObligations(o: unknown, say: (m: string) => void): DryRunExpectation['obligations'] | undefined {
  if (!isPlainObject(o)) {
    say('expect.obligations: expected a mapping');
    return undefined;
  }
  for (const k of Object.keys(o)) if (!OBLIGATION_KEYS.includes(k)) say(`expect.obligations.${k}: unknown field`);
  const out: NonNullable<DryRunExpectation['obligations']> = {};
  if (o.approvals_required !== undefined) {
    if (Number.isSafeInteger(o.approvals_required) && (o.approvals_required as number) >= 0) out.approvals_required = o.approvals_required as number;
    else say('expect.obligations.approvals_required: expected a non-negative integer');
  }
  if (o.approver_groups !== undefined) {
    if (isStringList(o.approver_groups)) out.approver_groups = o.approver_groups;
    else say('expect.obligations.approver_groups: expected a list of group names');
  }
  if (o.risk !== undefined) {
    if (o.risk === null || (RISKS as readonly unknown[]).includes(o.risk)) out.risk = o.risk as (typeof RISKS)[number] | null;
    else say(`expect.obligations.risk: expected one of ${RISKS.join(', ')} or null`);
  }
  if (o.break_glass_allowed !== undefined) {
    if (typeof o.break_glass_allowed === 'boolean') out.break_glass_allowed = o.break_glass_allowed;
    else say('expect.obligations.break_glass_allowed: expected true or false');
  }
  return out;
}

/**
 * Checks a case's `expect` (possibly undefined) and resolves its verdicts; problems go
 * to `say` (field path first) and the result is null when there was one.
 *
 * @example
 * ```ts
 * checkExpectation({ verdicts: ['deny', 'require_approval'] }, undefined, say); // { verdicts: ['deny', 'require_approval'] }
 * checkExpectation(undefined, decisionClass('mcp_server_trust'), say); // { verdicts: ['deny'] }
 * ```
 */
export function checkExpectation(expect: unknown, decisionClass: RequiredDecisionClass | undefined, say: (m: string) => void): DryRunExpectation | null {
  let failed = false;
  const note = (m: string) => {
    failed = true;
    say(m);
  };
  if (expect === undefined) {
    if (decisionClass) return { verdicts: [...decisionClass.expected] };
    note('expect: required when the case names no class');
    return null;
  }
  if (!isPlainObject(expect)) {
    note('expect: expected a mapping (verdict or verdicts, optional deny_code, reasons, obligations)');
    return null;
  }
  for (const k of Object.keys(expect)) if (!EXPECT_KEYS.includes(k)) note(`expect.${k}: unknown field`);
  const verdicts = resolveVerdicts(expect, decisionClass, note);
  const out: DryRunExpectation = { verdicts: verdicts ?? [] };
  if (expect.deny_code !== undefined) {
    if (typeof expect.deny_code === 'string' && (DENY_CODES as readonly string[]).includes(expect.deny_code)) out.deny_code = expect.deny_code as DenyCode;
    else note(`expect.deny_code: expected one of ${DENY_CODES.join(', ')}`);
  }
  if (expect.reasons !== undefined) {
    if (isStringList(expect.reasons)) out.reasons = expect.reasons;
    else note('expect.reasons: expected a list of policy ids');
  }
  if (expect.obligations !== undefined) {
    const o = checkObligations(expect.obligations, note);
    if (o) out.obligations = o;
  }
  return failed ? null : out;
}
