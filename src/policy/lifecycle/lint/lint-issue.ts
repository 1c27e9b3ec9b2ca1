/**
 * Making lint issues (severity from the code table) and ordering them deterministically.
 *
 * @module
 */
import type { LintIssue } from '../artifacts.ts';
import type { CompiledBundle, CompiledPolicy } from '../../compile-bundle.ts';
import type { BundleProblem } from '../../problems.ts';
import { positionAt } from '../../source-position.ts';
import { LINT_CODES, type LintCode } from './lint-codes.ts';

/**
 * Where an issue is.
 *
 * @example
 * ```ts
 * const at: IssueLocation = { file: 'policies/promotion.cedar', line: 7, column: 1 };
 * ```
 */
export type IssueLocation = NonNullable<LintIssue['location']>;

/**
 * An issue with the severity its code has.
 *
 * @example
 * ```ts
 * lintIssue('TEST_FAILING', 'case "x": verdict: expected "allow", got "deny"', { location: { file: 'tests/a.yaml', line: 4, column: 5 } });
 * ```
 */
export function lintIssue(code: LintCode, message: string, at: { policy_id?: string | null; location?: IssueLocation | null } = {}): LintIssue {
  return { code, severity: LINT_CODES[code], policy_id: at.policy_id ?? null, message, location: at.location ?? null };
}

/**
 * The location of a bundle problem.
 *
 * @example
 * ```ts
 * problemLocation({ file: 'policies/a.cedar', line: 3, column: 1, message: '…' }); // { file: 'policies/a.cedar', line: 3, column: 1 }
 * ```
 */
export function problemLocation(p: BundleProblem): IssueLocation {
  return { file: p.file, line: p.line ?? null, column: p.column ?? null };
}

/**
 * The location of a policy: its file, and the line and column of its first annotation.
 *
 * @example
 * ```ts
 * policyLocation(bundle, bundle.policies.get('promotion.prod.approval')!); // { file: 'policies/promotion.cedar', line: 6, column: 1 }
 * ```
 */
export function policyLocation(bundle: CompiledBundle, p: CompiledPolicy): IssueLocation {
  const fileText = bundle.document.policies.find((f) => `policies/${f.file}` === p.file)?.text;
  const at = fileText ? fileText.indexOf(p.text) : -1;
  if (fileText === undefined || at < 0) return { file: p.file, line: p.line, column: null };
  const { line, column } = positionAt(fileText, at);
  return { file: p.file, line, column };
}

function compareNullable<T extends string | number>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Orders issues: blockers first, then by file, line, column, code, policy id, message.
 *
 * @example
 * ```ts
 * issues.sort(compareIssues);
 * ```
 */
export function compareIssues(a: LintIssue, b: LintIssue): number {
  if (a.severity !== b.severity) return a.severity === 'blocker' ? -1 : 1;
  return (
    compareNullable(a.location?.file ?? null, b.location?.file ?? null) ||
    compareNullable(a.location?.line ?? null, b.location?.line ?? null) ||
    compareNullable(a.location?.column ?? null, b.location?.column ?? null) ||
    compareNullable(a.code, b.code) ||
    compareNullable(a.policy_id, b.policy_id) ||
    compareNullable(a.message, b.message)
  );
}
