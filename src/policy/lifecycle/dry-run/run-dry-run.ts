/**
 * `writ policy dry-run`: evaluates decision cases against a bundle and reports, per case,
 * expected against actual with the determining policies, and whether every required
 * decision class that applies to the bundle is demonstrated by a case.
 *
 * Without a case file the cases are the built-in fixture of every applicable class
 * (source `required`) and the bundle's own test cases that claim a class (source
 * `bundle`); with one, only its cases (source `file`). A class is *present* when a case
 * claims it, passing or not: a failing case is a failure, not a missing class (as CAVRA's
 * `required_cases_present` counts case ids, not outcomes).
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import type { PolicyDecision } from '../../decision.ts';
import { evaluateIntent } from '../../evaluate.ts';
import { LIFECYCLE_SCHEMAS, type DryRunReport, type DryRunResult } from '../artifacts.ts';
import { applicableClasses, decisionClass } from '../required-classes.ts';
import { bundleActionScopes, bundleClassCases, requiredClassCases } from './built-in-cases.ts';
import type { DryRunCaseInput } from './case-input.ts';
import { compareExpected } from './compare-expected.ts';

/**
 * Options of {@link runDryRun}.
 *
 * @example
 * ```ts
 * const opts: DryRunOptions = { cases: readDryRunCaseFile('cases.yaml') };
 * ```
 */
export interface DryRunOptions {
  /** Cases from a file; when given, only these run (source `file`). */
  cases?: readonly DryRunCaseInput[];
}

function determiningPolicies(bundle: CompiledBundle, d: PolicyDecision): DryRunResult['determining_policies'] {
  return d.reasons.map((id) => {
    const p = bundle.policies.get(id);
    // A reason always names a policy of the bundle; the fallback keeps the report total.
    return p ? { policy_id: id, effect: p.effect, file: p.file } : { policy_id: id, effect: 'forbid' as const, file: '(unknown)' };
  });
}

function runCase(bundle: CompiledBundle, c: DryRunCaseInput, source: DryRunResult['source']): DryRunResult {
  const klass = c.class === null ? undefined : decisionClass(c.class);
  const decision = evaluateIntent(bundle, { intent: c.intent, signals: c.signals, now: new Date(c.now) });
  // A bundle test case may claim a class id this version does not know (compilation only
  // checks its form): the case cannot demonstrate it, so it fails rather than the run.
  const mismatches = [
    ...(c.class !== null && !klass ? [`class: ${JSON.stringify(c.class)} is not a required decision class`] : []),
    ...compareExpected(c.expected, decision, klass),
  ];
  return {
    case_id: c.case_id,
    class: c.class,
    source,
    intent: c.intent,
    signals: c.signals,
    now: c.now,
    expected: c.expected,
    actual: { verdict: decision.verdict, deny_code: decision.deny_code, reasons: decision.reasons, obligations: decision.obligations },
    determining_policies: determiningPolicies(bundle, decision),
    passed: mismatches.length === 0,
    mismatches,
  };
}

/**
 * Runs a dry run of `bundle`: the given cases, or the required-class fixtures plus the
 * bundle's class-claiming test cases. Never throws: evaluation fails closed, and a case
 * that claims an unknown class or expects no verdict is a failing case.
 *
 * @example
 * ```ts
 * const report = runDryRun(loadBundleDir('policies/default'), {});
 * report.passed; // true
 * report.required_classes.length; // 8
 * ```
 */
export function runDryRun(bundle: CompiledBundle, opts: DryRunOptions = {}): DryRunReport {
  const results = opts.cases
    ? opts.cases.map((c) => runCase(bundle, c, 'file'))
    : [...requiredClassCases(bundle).map((c) => runCase(bundle, c, 'required')), ...bundleClassCases(bundle).map((c) => runCase(bundle, c, 'bundle'))];
  const required = applicableClasses(bundleActionScopes(bundle)).map((c) => c.id);
  const present = new Set(results.map((r) => r.class));
  const missing = required.filter((id) => !present.has(id));
  const passedCount = results.filter((r) => r.passed).length;
  const failedCount = results.length - passedCount;
  return {
    schema_version: LIFECYCLE_SCHEMAS.dry_run_report,
    bundle: { bundle_id: bundle.document.manifest.id, version: bundle.document.manifest.version, policy_bundle_hash: bundle.policy_bundle_hash },
    case_count: results.length,
    passed_count: passedCount,
    failed_count: failedCount,
    required_classes: required,
    missing_classes: missing,
    required_cases_present: missing.length === 0,
    passed: failedCount === 0 && missing.length === 0,
    results,
  };
}
