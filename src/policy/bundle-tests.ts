/**
 * Running a bundle's own decision test cases (`tests/*.yaml`) against it.
 *
 * A case passes when the verdict is the expected one and every other expectation it
 * states holds: `reasons` (as a set), `deny_code`, and each obligation field given
 * (`approver_groups` as a set).
 *
 * @module
 */
import type { BundleTestCase, BundleTestExpectation } from './bundle-document.ts';
import type { CompiledBundle } from './compile-bundle.ts';
import type { PolicyDecision } from './decision.ts';
import { evaluateIntent } from './evaluate.ts';

/**
 * The outcome of one case.
 *
 * @example
 * ```ts
 * const r: BundleTestResult = { file: 'promotion.yaml', name: 'prod needs two approvals', passed: true, mismatches: [], expected, decision };
 * ```
 */
export interface BundleTestResult {
  file: string;
  name: string;
  passed: boolean;
  /** What differed, one line each; empty when passed. */
  mismatches: string[];
  expected: BundleTestExpectation;
  decision: PolicyDecision;
}

/**
 * The outcome of all cases of a bundle.
 *
 * @example
 * ```ts
 * const report = runBundleTests(bundle);
 * report.failed === 0; // all passed
 * ```
 */
export interface BundleTestReport {
  bundle_id: string;
  version: string;
  policy_bundle_hash: string;
  total: number;
  passed: number;
  failed: number;
  results: BundleTestResult[];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

/**
 * What differs between a decision and an expectation (empty when it matches).
 *
 * @example
 * ```ts
 * compareDecision({ verdict: 'allow' }, decision); // [] or ['verdict: expected "allow", got "deny" (NO_PERMIT)']
 * ```
 */
export function compareDecision(expect: BundleTestExpectation, d: PolicyDecision): string[] {
  const out: string[] = [];
  if (d.verdict !== expect.verdict) {
    const why = d.deny_code ? ` (${d.deny_code}${d.errors.length ? `: ${d.errors.join('; ')}` : ''})` : '';
    out.push(`verdict: expected ${show(expect.verdict)}, got ${show(d.verdict)}${why}`);
  }
  if (expect.reasons && !sameSet(expect.reasons, d.reasons)) out.push(`reasons: expected ${show([...expect.reasons].sort())}, got ${show(d.reasons)}`);
  if (expect.deny_code !== undefined && expect.deny_code !== d.deny_code) out.push(`deny_code: expected ${show(expect.deny_code)}, got ${show(d.deny_code)}`);
  const o = expect.obligations;
  if (o) {
    if (o.approvals_required !== undefined && o.approvals_required !== d.obligations.approvals_required) {
      out.push(`obligations.approvals_required: expected ${o.approvals_required}, got ${d.obligations.approvals_required}`);
    }
    if (o.approver_groups !== undefined && !sameSet(o.approver_groups, d.obligations.approver_groups)) {
      out.push(`obligations.approver_groups: expected ${show([...o.approver_groups].sort())}, got ${show(d.obligations.approver_groups)}`);
    }
    if (o.risk !== undefined && o.risk !== d.obligations.risk) out.push(`obligations.risk: expected ${show(o.risk)}, got ${show(d.obligations.risk)}`);
    if (o.break_glass_allowed !== undefined && o.break_glass_allowed !== d.obligations.break_glass_allowed) {
      out.push(`obligations.break_glass_allowed: expected ${o.break_glass_allowed}, got ${d.obligations.break_glass_allowed}`);
    }
  }
  return out;
}

/**
 * Evaluates one test case (at its own `now`, with its own signals).
 *
 * @example
 * ```ts
 * runTestCase(bundle, bundle.document.tests[0]!.cases[0]!).verdict;
 * ```
 */
export function runTestCase(bundle: CompiledBundle, c: BundleTestCase): PolicyDecision {
  return evaluateIntent(bundle, { intent: c.intent, signals: c.signals, now: new Date(c.now) });
}

/**
 * Runs every decision test case of the bundle, in file then case order.
 *
 * @example
 * ```ts
 * const report = runBundleTests(loadBundleDir('policies/default'));
 * for (const r of report.results) console.log(r.passed ? 'pass' : 'FAIL', r.name);
 * ```
 */
export function runBundleTests(bundle: CompiledBundle): BundleTestReport {
  const results: BundleTestResult[] = [];
  for (const { file, cases } of bundle.document.tests) {
    for (const c of cases) {
      const decision = runTestCase(bundle, c);
      const mismatches = compareDecision(c.expect, decision);
      results.push({ file, name: c.name, passed: mismatches.length === 0, mismatches, expected: c.expect, decision });
    }
  }
  const passed = results.filter((r) => r.passed).length;
  return {
    bundle_id: bundle.document.manifest.id,
    version: bundle.document.manifest.version,
    policy_bundle_hash: bundle.policy_bundle_hash,
    total: results.length,
    passed,
    failed: results.length - passed,
    results,
  };
}
