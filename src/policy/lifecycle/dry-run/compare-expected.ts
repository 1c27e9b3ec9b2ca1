/**
 * Whether a decision meets a dry-run expectation. A dry-run case may accept several
 * verdicts (terraform apply: deny or require_approval), so the verdict is compared here
 * and everything else (deny code, reasons, obligations) by the bundle tests'
 * {@link compareDecision}, so both report mismatches in the same words.
 *
 * @module
 */
import { compareDecision } from '../../bundle-tests.ts';
import type { PolicyDecision } from '../../decision.ts';
import type { RequiredDecisionClass } from '../required-classes.ts';
import type { DryRunExpectation } from './case-input.ts';

function verdictList(verdicts: readonly string[]): string {
  if (verdicts.length === 0) return 'a verdict, but the case lists none';
  return verdicts.length === 1 ? JSON.stringify(verdicts[0]) : `one of ${JSON.stringify(verdicts)}`;
}

function got(d: PolicyDecision): string {
  const why = d.deny_code ? ` (${d.deny_code}${d.errors.length ? `: ${d.errors.join('; ')}` : ''})` : '';
  return `${JSON.stringify(d.verdict)}${why}`;
}

/**
 * What differs between a decision and a dry-run expectation; empty when it matches.
 * When the case claims a class, its verdict must also be one the class accepts: a case
 * cannot demonstrate `sensitive_file_read` by expecting the read to be allowed.
 *
 * @example
 * ```ts
 * compareExpected({ verdicts: ['deny', 'require_approval'] }, decision, decisionClass('terraform_apply_gated'));
 * // [] or ['verdict: expected one of ["deny","require_approval"], got "allow"']
 * ```
 */
export function compareExpected(expected: DryRunExpectation, decision: PolicyDecision, decisionClass?: RequiredDecisionClass): string[] {
  const out: string[] = [];
  const { verdicts, ...rest } = expected;
  if (!verdicts.includes(decision.verdict)) out.push(`verdict: expected ${verdictList(verdicts)}, got ${got(decision)}`);
  else if (decisionClass && !decisionClass.expected.includes(decision.verdict)) {
    out.push(`class ${decisionClass.id}: a correct bundle gives ${verdictList(decisionClass.expected)}, got ${got(decision)}`);
  }
  // The verdict is settled above; compareDecision checks the remaining fields.
  out.push(...compareDecision({ ...rest, verdict: decision.verdict }, decision));
  return out;
}
