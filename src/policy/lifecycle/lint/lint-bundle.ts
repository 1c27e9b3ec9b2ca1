/**
 * `writ policy lint`: everything that makes a bundle unfit for release, as one report
 * with stable codes (`lint-codes.ts`, documented in `README.md`):
 *
 * - the bundle check (Cedar parse, strict validation against the schema, annotations,
 *   test case shapes) — every problem a `BUNDLE_INVALID` blocker, Cedar's analysis
 *   warnings (impossible policies …) classified;
 * - manifest metadata; approver groups against the configured ones;
 * - sampled analysis over a generated corpus: permits that never apply or are always
 *   overridden by a forbid;
 * - required decision classes claimed by test cases, and the claims sound;
 * - the bundle's own test cases passing.
 *
 * `valid` is true when there is no blocker; warnings do not block.
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import type { BundleCheck, CompiledBundle } from '../../compile-bundle.ts';
import { inspectBundleDir } from '../../load-bundle.ts';
import { LIFECYCLE_SCHEMAS, type LintIssue, type LintReport } from '../artifacts.ts';
import { generateDecisionCorpus, type CorpusOptions } from '../corpus/generate-corpus.ts';
import { approverGroupIssues } from './approver-groups.ts';
import { bundleCheckIssues } from './bundle-check-issues.ts';
import { classCoverage } from './class-coverage.ts';
import { failingTestIssues } from './failing-tests.ts';
import { compareIssues, lintIssue } from './lint-issue.ts';
import { manifestIssues } from './manifest-metadata.ts';
import { sampledPermitIssues } from './sampled-coverage.ts';
import { fileOnlyTestCaseLines, readTestCaseLines, type TestCaseLines } from './test-case-lines.ts';
import { activationGovernedIssues } from './activation-governed-issues.ts';

/**
 * Options of {@link lintBundle} and {@link lintBundleDir}.
 *
 * @example
 * ```ts
 * const opts: LintOptions = { knownGroups: ['platform-security', 'release-management'] };
 * ```
 */
export interface LintOptions {
  /** Approver groups known to configuration; null when not known (then one warning). */
  knownGroups: readonly string[] | null;
  /** The corpus of the sampled analysis (seed, size). */
  corpus?: CorpusOptions;
  /** Where test cases start in their files (default: file only). */
  testCaseLines?: TestCaseLines;
}

/** Codes of Cedar's own proof that a policy cannot apply: no sampled finding is added on top. */
const PROVEN_INAPPLICABLE = new Set(['POLICY_IMPOSSIBLE', 'POLICY_NO_APPLICABLE_ACTION']);

function report(check: BundleCheck | null, issues: LintIssue[], classes: { required: string[]; covered: string[] }): LintReport {
  issues.sort(compareIssues);
  const blockers = issues.filter((i) => i.severity === 'blocker').length;
  const manifest = check?.document?.manifest;
  return {
    schema_version: LIFECYCLE_SCHEMAS.lint_report,
    bundle_id: manifest?.id ?? null,
    version: manifest?.version ?? null,
    policy_bundle_hash: check?.policy_bundle_hash ?? null,
    valid: blockers === 0,
    blocker_count: blockers,
    warning_count: issues.length - blockers,
    issue_count: issues.length,
    issues,
    summary: {
      policy_count: check?.bundle?.policies.size ?? 0,
      test_case_count: check?.document?.tests.reduce((n, t) => n + t.cases.length, 0) ?? 0,
      action_scopes: check?.bundle ? [...check.bundle.model.actions.keys()].sort() : [],
      classes_required: classes.required,
      classes_covered: classes.covered,
    },
  };
}

/**
 * Lints a checked bundle (from a directory, the store, the wire).
 *
 * @example
 * ```ts
 * const r = lintBundle(checkBundleDocument(doc), { knownGroups: null });
 * r.valid; // false when any blocker
 * ```
 */
export function lintBundle(check: BundleCheck, opts: LintOptions): LintReport {
  const at = opts.testCaseLines ?? fileOnlyTestCaseLines;
  const issues = bundleCheckIssues(check);
  if (check.document) issues.push(...manifestIssues(check.document.manifest));
  const bundle = check.bundle;
  if (!bundle) return report(check, issues, { required: [], covered: [] });
  issues.push(...approverGroupIssues(bundle, opts.knownGroups), ...activationGovernedIssues(bundle));
  if (bundle.document.tests.every((t) => t.cases.length === 0)) {
    issues.push(lintIssue('TESTS_MISSING', 'the bundle has no decision test cases (tests/*.yaml)', { location: { file: 'tests', line: null, column: null } }));
  }
  const classes = classCoverage(bundle, at);
  issues.push(...classes.issues, ...failingTestIssues(bundle, at));
  const proven = new Set(issues.filter((i) => PROVEN_INAPPLICABLE.has(i.code) && i.policy_id).map((i) => i.policy_id!));
  issues.push(...sampledPermitIssues(bundle, generateDecisionCorpus([bundle], opts.corpus), proven));
  return report(check, issues, classes);
}

/**
 * Lints a bundle that is already compiled (e.g. read back from the store): it has no
 * problem by construction; its warnings are those it was compiled with.
 *
 * @example
 * ```ts
 * lintCompiledBundle(await getBundle(db, hash), { knownGroups: config.policyLifecycle.approverGroups }).valid;
 * ```
 */
export function lintCompiledBundle(bundle: CompiledBundle, opts: LintOptions): LintReport {
  return lintBundle(
    { document: bundle.document, policy_bundle_hash: bundle.policy_bundle_hash, problems: [], warnings: [...bundle.warnings], bundle },
    opts,
  );
}

function unreadable(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return 'not a directory';
    readdirSync(dir);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : `cannot read: ${(err as Error).message}`;
  }
}

/**
 * Lints a bundle directory. A directory that cannot be read at all gives a report with
 * one `BUNDLE_DIR_UNREADABLE` blocker (the CLI exits 2 on it).
 *
 * @example
 * ```ts
 * const r = lintBundleDir('policies/default', { knownGroups: ['platform-security', 'release-management', 'platform-engineering', 'security-officer'] });
 * r.blocker_count; // 0
 * ```
 */
export function lintBundleDir(dir: string, opts: LintOptions): LintReport {
  const why = unreadable(dir);
  if (why) return report(null, [lintIssue('BUNDLE_DIR_UNREADABLE', `${dir}: ${why}`, { location: { file: dir, line: null, column: null } })], { required: [], covered: [] });
  const check = inspectBundleDir(dir);
  const testCaseLines = opts.testCaseLines ?? (check.document ? readTestCaseLines(dir, check.document.tests.map((t) => t.file)) : undefined);
  return lintBundle(check, { ...opts, ...(testCaseLines ? { testCaseLines } : {}) });
}
