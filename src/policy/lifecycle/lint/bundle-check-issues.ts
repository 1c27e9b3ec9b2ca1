/**
 * Issues from checking a bundle (`checkBundleDocument`): every problem is a
 * `BUNDLE_INVALID` blocker with its location; every warning is classified by what it
 * is. Cedar's validator reports its analysis (an impossible policy, a scope no action
 * matches) as warnings with no code, so they are told apart by Cedar's wording.
 *
 * @module
 */
import type { LintIssue } from '../artifacts.ts';
import type { BundleCheck } from '../../compile-bundle.ts';
import type { BundleProblem } from '../../problems.ts';
import type { LintCode } from './lint-codes.ts';
import { lintIssue, problemLocation } from './lint-issue.ts';

/** Cedar's wording for its analysis results, and the lint code each becomes. */
const CEDAR_ANALYSIS: ReadonlyArray<[RegExp, LintCode]> = [
  [/policy is impossible/i, 'POLICY_IMPOSSIBLE'],
  [/unable to find an applicable action/i, 'POLICY_NO_APPLICABLE_ACTION'],
];

function warningCode(w: BundleProblem): LintCode {
  if (w.file.startsWith('policies') && w.policy_id) {
    return CEDAR_ANALYSIS.find(([pattern]) => pattern.test(w.message))?.[1] ?? 'CEDAR_VALIDATION_WARNING';
  }
  if (w.file.startsWith('tests/') && /is not an action of the schema/.test(w.message)) return 'TEST_CASE_ACTION_UNDECLARED';
  if (/declares no action/.test(w.message)) return 'SCHEMA_NO_ACTION';
  return 'BUNDLE_WARNING';
}

/**
 * The issues of a bundle check's problems and warnings.
 *
 * @example
 * ```ts
 * bundleCheckIssues(inspectBundleDir(dir)).filter((i) => i.code === 'BUNDLE_INVALID');
 * ```
 */
export function bundleCheckIssues(check: Pick<BundleCheck, 'problems' | 'warnings'>): LintIssue[] {
  return [
    ...check.problems.map((p) => lintIssue('BUNDLE_INVALID', p.message, { policy_id: p.policy_id ?? null, location: problemLocation(p) })),
    ...check.warnings.map((w) => lintIssue(warningCode(w), w.message, { policy_id: w.policy_id ?? null, location: problemLocation(w) })),
  ];
}
