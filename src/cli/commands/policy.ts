/**
 * `writ policy validate DIR` and `writ policy test DIR`: offline checks of a policy
 * bundle directory (they read files only; no server, no store). `writ policy push`
 * needs the server's bundle route and is not here yet.
 *
 * Exit codes: `validate` 0 when the bundle is valid, 2 when it is not; `test` 0 when
 * every decision case passes, 1 when one fails, 2 when the bundle is invalid. A command
 * that prints a full report and still fails sets `process.exitCode` (see `runCli`).
 *
 * @module
 */
import type { Command } from 'commander';
import { runBundleTests, type BundleTestReport } from '../../policy/bundle-tests.ts';
import type { BundleCheck } from '../../policy/compile-bundle.ts';
import { inspectBundleDir } from '../../policy/load-bundle.ts';
import { formatProblem, type BundleProblem } from '../../policy/problems.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * What `writ policy validate --json` prints.
 *
 * @example
 * ```ts
 * const v: PolicyValidation = { dir: 'policies/default', valid: true, bundle_id: 'writ-default', version: '1.0.0', policy_bundle_hash: 'sha256:…', policies: 26, policy_files: 8, test_cases: 50, problems: [], warnings: [] };
 * ```
 */
export interface PolicyValidation {
  dir: string;
  valid: boolean;
  bundle_id: string | null;
  version: string | null;
  policy_bundle_hash: string | null;
  policies: number;
  policy_files: number;
  test_cases: number;
  problems: BundleProblem[];
  warnings: BundleProblem[];
}

function summarize(dir: string, r: BundleCheck): PolicyValidation {
  const m = r.document?.manifest;
  return {
    dir,
    valid: r.bundle !== null,
    bundle_id: typeof m?.id === 'string' ? m.id : null,
    version: typeof m?.version === 'string' ? m.version : null,
    policy_bundle_hash: r.policy_bundle_hash,
    policies: r.bundle?.policies.size ?? 0,
    policy_files: r.document?.policies.length ?? 0,
    test_cases: r.document?.tests.reduce((n, t) => n + t.cases.length, 0) ?? 0,
    problems: r.problems,
    warnings: r.warnings,
  };
}

function validationText(v: PolicyValidation): string {
  const lines = [
    `bundle   ${v.bundle_id ?? '?'} ${v.version ?? '?'}`,
    `hash     ${v.policy_bundle_hash ?? '(not computed: the files could not be read)'}`,
  ];
  if (v.valid) lines.push(`policies ${v.policies} in ${v.policy_files} files; ${v.test_cases} decision test cases`, 'valid');
  else lines.push(`INVALID: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`, ...v.problems.map((p) => `  ${formatProblem(p)}`));
  if (v.warnings.length > 0) lines.push(`warnings: ${v.warnings.length}`, ...v.warnings.map((p) => `  ${formatProblem(p)}`));
  return lines.join('\n');
}

function testText(r: BundleTestReport): string {
  const lines = [`bundle   ${r.bundle_id} ${r.version}`, `hash     ${r.policy_bundle_hash}`];
  for (const t of r.results) {
    lines.push(`${t.passed ? 'pass' : 'FAIL'}  ${t.file}  ${t.name}`);
    for (const m of t.mismatches) lines.push(`        ${m}`);
  }
  lines.push(`${r.total} cases: ${r.passed} passed, ${r.failed} failed`);
  return lines.join('\n');
}

/**
 * Runs `writ policy validate DIR`: prints the report and returns the exit code.
 *
 * @example
 * ```ts
 * const code = policyValidate('policies/default', ctx()); // 0
 * ```
 */
export function policyValidate(dir: string, c: CliContext): number {
  const v = summarize(dir, inspectBundleDir(dir));
  c.out.result(v, () => validationText(v));
  return v.valid ? EXIT.OK : EXIT.USAGE;
}

/**
 * Runs `writ policy test DIR`: prints one line per decision case and returns the exit code.
 *
 * @example
 * ```ts
 * const code = policyTest('policies/default', ctx()); // 0 when every case passes
 * ```
 */
export function policyTest(dir: string, c: CliContext): number {
  const r = inspectBundleDir(dir);
  if (!r.bundle) {
    const v = summarize(dir, r);
    c.out.result({ ...v, total: 0, passed: 0, failed: 0, results: [] }, () => validationText(v));
    return EXIT.USAGE;
  }
  const report = runBundleTests(r.bundle);
  c.out.result({ dir, ...report }, () => testText(report));
  return report.failed === 0 ? EXIT.OK : EXIT.ERROR;
}

function setExit(code: number): void {
  if (code !== EXIT.OK) process.exitCode = code;
}

/**
 * Registers `writ policy validate DIR` and `writ policy test DIR` (offline, files only).
 *
 * @example
 * ```ts
 * registerPolicyCommands(program, context); // in buildProgram, next to the other commands
 * ```
 */
export function registerPolicyCommands(program: Command, ctx: () => CliContext): Command {
  const policy = program.command('policy').description('policy bundles (validate and test run offline on a bundle directory)');
  policy
    .command('validate')
    .argument('<dir>', 'bundle directory (bundle.yaml, schema.cedarschema, policies/, tests/)')
    .description('check a bundle: parse, strict Cedar validation, annotations; print its policy_bundle_hash (exit 2 if invalid)')
    .action((dir: string) => setExit(policyValidate(dir, ctx())));
  policy
    .command('test')
    .argument('<dir>', 'bundle directory')
    .description("run the bundle's decision test cases (exit 1 if one fails, 2 if the bundle is invalid)")
    .action((dir: string) => setExit(policyTest(dir, ctx())));
  return policy;
}
