/**
 * Lint of the bundle's own decision tests: a case that fails is a blocker, since the
 * bundle does not do what its authors say it does.
 *
 * @module
 */
import type { LintIssue } from '../artifacts.ts';
import { runBundleTests } from '../../bundle-tests.ts';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { lintIssue } from './lint-issue.ts';
import type { TestCaseLines } from './test-case-lines.ts';

/**
 * One `TEST_FAILING` issue per failing case, with what differed.
 *
 * @example
 * ```ts
 * failingTestIssues(bundle, fileOnlyTestCaseLines).length; // 0 when every case passes
 * ```
 */
export function failingTestIssues(bundle: CompiledBundle, at: TestCaseLines): LintIssue[] {
  const report = runBundleTests(bundle);
  const indexInFile = new Map<string, number>();
  const out: LintIssue[] = [];
  for (const r of report.results) {
    const index = indexInFile.get(r.file) ?? 0;
    indexInFile.set(r.file, index + 1);
    if (r.passed) continue;
    out.push(lintIssue('TEST_FAILING', `case ${JSON.stringify(r.name)} fails: ${r.mismatches.join('; ')}`, { location: at(r.file, index) }));
  }
  return out;
}
