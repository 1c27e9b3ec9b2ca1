/**
 * `writ policy dry-run DIR [--cases FILE]`: evaluates decision cases against a bundle
 * directory (offline, files only) and reports per case expected against actual with the
 * determining policies, and whether every required decision class that applies to the
 * bundle is demonstrated (`src/policy/lifecycle/dry-run/`).
 *
 * Exit codes: 0 when the dry run passed, 1 when a case failed or a required class has no
 * case, 2 when the bundle is invalid or the case file cannot be read or has a problem.
 *
 * @module
 */
import type { Command } from 'commander';
import { inspectBundleDir } from '../../policy/load-bundle.ts';
import type { DryRunReport, DryRunResult } from '../../policy/lifecycle/artifacts.ts';
import { readDryRunCaseFile } from '../../policy/lifecycle/dry-run/read-case-file.ts';
import { runDryRun } from '../../policy/lifecycle/dry-run/run-dry-run.ts';
import { formatProblem } from '../../policy/problems.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ policy dry-run`.
 *
 * @example
 * ```ts
 * const o: DryRunCommandOptions = { cases: 'sample-actions.json' };
 * ```
 */
export interface DryRunCommandOptions {
  cases?: string;
}

function expectedText(r: DryRunResult): string {
  return r.expected.verdicts.join('|');
}

function caseLine(r: DryRunResult): string {
  const by = r.determining_policies.map((p) => p.policy_id).join(', ') || (r.actual.deny_code ?? 'no policy');
  return `${r.passed ? 'pass' : 'FAIL'}  ${r.source.padEnd(8)}  ${r.case_id}  ${r.actual.verdict} (expected ${expectedText(r)})  by ${by}`;
}

/**
 * The human form of a dry-run report: one line per case (mismatches indented under a
 * failing one), then the summary.
 *
 * @example
 * ```ts
 * dryRunText(runDryRun(bundle)).split('\n').at(-1); // 'PASSED'
 * ```
 */
export function dryRunText(r: DryRunReport): string {
  const lines = [`bundle   ${r.bundle.bundle_id} ${r.bundle.version}`, `hash     ${r.bundle.policy_bundle_hash}`];
  for (const c of r.results) {
    lines.push(caseLine(c));
    for (const m of c.mismatches) lines.push(`        ${m}`);
  }
  const present = r.required_classes.length - r.missing_classes.length;
  lines.push(`required classes: ${present}/${r.required_classes.length} present${r.missing_classes.length ? `; missing: ${r.missing_classes.join(', ')}` : ''}`);
  lines.push(`${r.case_count} cases: ${r.passed_count} passed, ${r.failed_count} failed`);
  const why = [
    ...(r.failed_count > 0 ? [`${r.failed_count} case${r.failed_count === 1 ? '' : 's'} failed`] : []),
    ...(r.missing_classes.length > 0 ? [`${r.missing_classes.length} required class${r.missing_classes.length === 1 ? ' has' : 'es have'} no case`] : []),
  ];
  lines.push(r.passed ? 'PASSED' : `FAILED: ${why.join('; ')}`);
  return lines.join('\n');
}

/**
 * Runs `writ policy dry-run DIR [--cases FILE]`: prints the report and returns the exit
 * code. A bad case file throws (`BAD_REQUEST`, exit 2 through `runCli`).
 *
 * @example
 * ```ts
 * const code = policyDryRun('policies/default', ctx(), {}); // 0
 * ```
 */
export function policyDryRun(dir: string, c: CliContext, opts: DryRunCommandOptions): number {
  const check = inspectBundleDir(dir);
  if (!check.bundle) {
    const invalid = { dir, valid: false, policy_bundle_hash: check.policy_bundle_hash, problems: check.problems, warnings: check.warnings };
    c.out.result(invalid, () =>
      [`INVALID bundle ${dir}: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}`, ...check.problems.map((p) => `  ${formatProblem(p)}`)].join('\n'),
    );
    return EXIT.USAGE;
  }
  const cases = opts.cases === undefined ? undefined : readDryRunCaseFile(opts.cases);
  const report = runDryRun(check.bundle, cases ? { cases } : {});
  c.out.result(report, () => dryRunText(report));
  return report.passed ? EXIT.OK : EXIT.ERROR;
}

/**
 * Registers `writ policy dry-run DIR [--cases FILE]` under the `policy` command.
 *
 * @example
 * ```ts
 * registerPolicyDryRunCommand(registerPolicyCommands(program, context), context);
 * ```
 */
export function registerPolicyDryRunCommand(policy: Command, ctx: () => CliContext): Command {
  return policy
    .command('dry-run')
    .argument('<dir>', 'bundle directory')
    .option('--cases <file>', 'cases to run instead of the built-in ones: a Writ case file (YAML/JSON) or CAVRA sample actions')
    .description('evaluate the required decision classes (or a case file) against a bundle (exit 1 if a case fails or a class is missing, 2 if invalid)')
    .action((dir: string, opts: DryRunCommandOptions) => {
      const code = policyDryRun(dir, ctx(), opts);
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
