/**
 * `writ pecs discover --github DIR [--gitlab FILE] [--repo NAME] [--out FILE]`: builds a
 * PECS CI/CD profile from GitHub Actions workflows and GitLab CI files
 * (`src/pecs/discover/`). The profile goes to `--out` or, without it, to stdout; the
 * dangerous patterns and unreadable files are listed after it (on stderr when the profile
 * is on stdout). `--json` prints `{ profile, findings, parseErrors, summary }`.
 *
 * Exit codes: 0 when discovery ran (findings and per-file parse errors included: they are
 * the report, not a failure), 2 when the input cannot be read at all.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { collectDiscoveryFiles } from '../../pecs/discover/collect-files.ts';
import { discoverCicdProfile, hasEntryPoints, type DiscoveryResult } from '../../pecs/discover/discover.ts';
import { gitRevisionOf } from '../../pecs/discover/git-revision.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ pecs discover`.
 *
 * @example
 * ```ts
 * const o: DiscoverCommandOptions = { github: '.github/workflows', repo: 'acme/app' };
 * ```
 */
export interface DiscoverCommandOptions {
  github?: string;
  gitlab?: string;
  repo?: string;
  out?: string;
}

/**
 * Counts of a discovery run.
 *
 * @example
 * ```ts
 * const s: DiscoverySummary = { files: 3, jobs: 7, entryPoints: 2, findings: 4, parseErrors: 0, gitRevision: null };
 * ```
 */
export interface DiscoverySummary {
  files: number;
  jobs: number;
  entryPoints: number;
  findings: number;
  parseErrors: number;
  gitRevision: string | null;
}

/**
 * The report lines of a discovery run: one per finding (`SEVERITY  ID  file:line [job]:
 * message`), one per parse error, then the counts.
 *
 * @example
 * ```ts
 * discoveryReportLines(result, summary).at(-1); // '3 files, 7 jobs, 2 entry points, 4 findings, 0 parse errors'
 * ```
 */
export function discoveryReportLines(r: DiscoveryResult, s: DiscoverySummary): string[] {
  const lines = r.findings.map((f) => `${f.severity.toUpperCase().padEnd(8)}  ${f.id}  ${f.file}:${f.line ?? '?'}${f.job ? ` [${f.job}]` : ''}: ${f.message}`);
  for (const e of r.parseErrors) lines.push(`PARSE-ERROR  ${e.file}:${e.line ?? '?'}: ${e.message}`);
  lines.push(`${s.files} files, ${s.jobs} jobs, ${s.entryPoints} entry points, ${s.findings} findings, ${s.parseErrors} parse errors`);
  return lines;
}

/**
 * Runs `writ pecs discover`: prints the profile (or writes `--out`) and the report; returns
 * the exit code.
 *
 * @example
 * ```ts
 * const code = pecsDiscover(ctx(), { github: '.github/workflows', out: 'pecs-profile.json' }); // 0
 * ```
 */
export function pecsDiscover(c: CliContext, opts: DiscoverCommandOptions): number {
  const collected = collectDiscoveryFiles(opts.github, opts.gitlab);
  if ('error' in collected) {
    c.out.result({ error: collected.error }, () => `cannot read the input: ${collected.error}`);
    return EXIT.USAGE;
  }
  const gitRevision = gitRevisionOf(collected.root);
  const result = discoverCicdProfile(collected.files, { repo: opts.repo ?? basename(collected.root), gitRevision });
  const summary: DiscoverySummary = {
    files: collected.files.length,
    jobs: result.jobs.length,
    entryPoints: result.profile.privilegedExecutionSurface.length,
    findings: result.findings.length,
    parseErrors: result.parseErrors.length,
    gitRevision,
  };
  const profileText = hasEntryPoints(result) ? `${JSON.stringify(result.profile, null, 2)}\n` : null;
  if (opts.out !== undefined && profileText !== null) {
    try {
      writeFileSync(opts.out, profileText);
    } catch (e) {
      c.out.result({ error: String(e) }, () => `cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT.USAGE;
    }
  }
  const report = discoveryReportLines(result, summary);
  const where = profileText === null ? 'no privileged job found: no profile written' : opts.out !== undefined ? `profile written to ${opts.out}` : null;
  if (c.out.json) {
    c.out.result({ profile: profileText === null ? null : result.profile, findings: result.findings, parseErrors: result.parseErrors, summary }, () => '');
  } else if (where === null) {
    // The profile is the output; the report goes to stderr so stdout stays valid JSON.
    c.out.result(result.profile, () => (profileText ?? '').trimEnd());
    for (const line of report) c.out.info(line);
  } else {
    c.out.result(summary, () => [...report, where].join('\n'));
  }
  return EXIT.OK;
}

/**
 * Registers `writ pecs discover` under the `pecs` command.
 *
 * @example
 * ```ts
 * registerPecsDiscoverCommand(program.command('pecs'), context);
 * ```
 */
export function registerPecsDiscoverCommand(pecs: Command, ctx: () => CliContext): Command {
  return pecs
    .command('discover')
    .option('--github <dir>', 'GitHub Actions workflows directory (.github/workflows, or the repository root)')
    .option('--gitlab <file>', 'GitLab CI file (.gitlab-ci.yml)')
    .option('--repo <name>', 'repository name for ids and scope (default: the directory name)')
    .option('--out <file>', 'write the profile here instead of stdout')
    .description('generate a PECS CI/CD profile from GitHub Actions / GitLab CI definitions and report dangerous patterns (exit 0 even with findings, 2 if the input is unreadable)')
    .action((opts: DiscoverCommandOptions) => {
      const code = pecsDiscover(ctx(), opts);
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
