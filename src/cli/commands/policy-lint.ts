/**
 * `writ policy lint DIR [--groups a,b,c]`: everything that makes a bundle unfit for
 * release, offline (files only): one line per issue with its location, then the counts
 * (`src/policy/lifecycle/lint/`, codes in its README). `--json` prints the LintReport.
 *
 * Exit codes: 0 when the bundle is valid (warnings allowed), 1 when there is a blocker,
 * 2 when the directory cannot be read at all.
 *
 * @module
 */
import type { Command } from 'commander';
import type { LintIssue, LintReport } from '../../policy/lifecycle/artifacts.ts';
import { lintBundleDir } from '../../policy/lifecycle/lint/lint-bundle.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ policy lint`.
 *
 * @example
 * ```ts
 * const o: LintCommandOptions = { groups: 'platform-security,release-management' };
 * ```
 */
export interface LintCommandOptions {
  /** Comma-separated approver groups policies may name; absent = the configured ones. */
  groups?: string;
}

/**
 * The approver groups of `--groups` (null when the flag is absent).
 *
 * @example
 * ```ts
 * parseGroups('a, b,,c'); // ['a', 'b', 'c']
 * parseGroups(undefined); // null
 * ```
 */
export function parseGroups(flag: string | undefined): string[] | null {
  if (flag === undefined) return null;
  return flag
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}

function where(i: LintIssue): string {
  const l = i.location;
  const at = l ? (l.line !== null ? `${l.file}:${l.line}${l.column !== null ? `:${l.column}` : ''}` : l.file) : '(bundle)';
  return `${at}${i.policy_id ? ` [${i.policy_id}]` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The human form of a lint report: one line per issue (`BLOCKER|warning  CODE  where:
 * message`), then the verdict with the counts.
 *
 * @example
 * ```ts
 * lintText(report).split('\n').at(-1); // 'valid: 0 blockers, 1 warning'
 * ```
 */
export function lintText(r: LintReport): string {
  const lines = [`bundle   ${r.bundle_id ?? '?'} ${r.version ?? '?'}`, `hash     ${r.policy_bundle_hash ?? '(not computed)'}`];
  for (const i of r.issues) lines.push(`${i.severity === 'blocker' ? 'BLOCKER' : 'warning'}  ${i.code}  ${where(i)}: ${i.message}`);
  const s = r.summary;
  lines.push(
    `${s.policy_count} policies, ${s.test_case_count} test cases; required classes covered ${s.classes_required.filter((c) => s.classes_covered.includes(c)).length}/${s.classes_required.length}`,
  );
  lines.push(`${r.valid ? 'valid' : 'INVALID'}: ${plural(r.blocker_count, 'blocker')}, ${plural(r.warning_count, 'warning')}`);
  return lines.join('\n');
}

/**
 * Runs `writ policy lint DIR`: prints the report and returns the exit code.
 *
 * @example
 * ```ts
 * const code = policyLint('policies/default', ctx(), { groups: 'platform-security' }); // 0 or 1
 * ```
 */
export function policyLint(dir: string, c: CliContext, opts: LintCommandOptions): number {
  // Without --groups, the configured approver groups (WRIT_POLICY_APPROVER_GROUPS) are the known ones.
  const report = lintBundleDir(dir, { knownGroups: parseGroups(opts.groups) ?? c.config().policyLifecycle.approverGroups });
  c.out.result(report, () => lintText(report));
  if (report.issues.some((i) => i.code === 'BUNDLE_DIR_UNREADABLE')) return EXIT.USAGE;
  return report.valid ? EXIT.OK : EXIT.ERROR;
}

/**
 * Registers `writ policy lint DIR [--groups a,b,c]` under the `policy` command.
 *
 * @example
 * ```ts
 * registerPolicyLintCommand(registerPolicyCommands(program, context), context);
 * ```
 */
export function registerPolicyLintCommand(policy: Command, ctx: () => CliContext): Command {
  return policy
    .command('lint')
    .argument('<dir>', 'bundle directory')
    .option('--groups <list>', 'comma-separated approver groups policies may name (unknown ones are blockers); default: the configured WRIT_POLICY_APPROVER_GROUPS')
    .description('lint a bundle for release: validation, metadata, approver groups, never-applying or shadowed permits (sampled), required decision classes, tests (exit 1 on a blocker, 2 if unreadable)')
    .action((dir: string, opts: LintCommandOptions) => {
      const code = policyLint(dir, ctx(), opts);
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
