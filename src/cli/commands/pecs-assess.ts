/**
 * `writ pecs assess FILE [--json | --markdown]`: assesses a PECS document (JSON or YAML)
 * against Writ's maturity model (`src/pecs/assess/`, docs/pecs-maturity.md). Default: a
 * short human summary (overall and dimension levels, findings, first tasks); `--json` (the
 * global flag, accepted after the file too) prints the `pecs-assessment` document;
 * `--markdown` the full report (`--json` wins when both are given).
 *
 * Exit codes: 0 when assessed (findings do not fail the command), 1 when the input is not
 * a valid PECS document (the validation errors are printed), 2 when the file cannot be
 * read or parsed.
 *
 * @module
 */
import type { Command } from 'commander';
import type { PecsDocument } from '../../pecs/document.ts';
import { assessPecsDocument, renderAssessmentMarkdown } from '../../pecs/assess/assess-document.ts';
import { asArray, asRecord } from '../../pecs/assess/loose-access.ts';
import { readDocumentFile } from '../../pecs/assess/read-document-file.ts';
import { validatePecsDocument } from '../../pecs/validate/validate-document.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ pecs assess`.
 *
 * @example
 * ```ts
 * const o: AssessCommandOptions = { markdown: true, now: '2026-06-01T00:00:00Z' };
 * ```
 */
export interface AssessCommandOptions {
  markdown?: boolean;
  /** ISO timestamp to judge expiry against and stamp the assessment with; default: now. */
  now?: string;
}

/** How many tasks the human summary lists. */
const SUMMARY_TASKS = 5;

/**
 * The default human summary of an assessment.
 *
 * @example
 * ```ts
 * assessmentSummary(assessment).split('\n')[0]; // 'overall  level 0'
 * ```
 */
export function assessmentSummary(a: PecsDocument): string {
  const profile = asRecord(a.maturityProfile);
  const gap = asRecord(a.gapAnalysis);
  const lines = [`overall  level ${String(profile.overallLevel)}`];
  for (const d of asArray(profile.dimensions).map(asRecord)) lines.push(`  ${String(d.id).padEnd(26)} ${String(d.level)}`);
  const findings = asArray(gap.findings).map(asRecord);
  lines.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}`);
  for (const f of findings) lines.push(`  ${String(f.severity).padEnd(8)}  ${String(f.id)}  ${String(f.title)}`);
  const tasks = asArray(gap.tasks).map(asRecord);
  if (tasks.length > 0) lines.push('tasks by impact');
  for (const t of tasks.slice(0, SUMMARY_TASKS)) lines.push(`  ${String(t.priority)}. [${String(t.impact)}] ${String(t.title)}`);
  if (tasks.length > SUMMARY_TASKS) lines.push(`  … ${tasks.length - SUMMARY_TASKS} more (--markdown for the full report)`);
  return lines.join('\n');
}

/**
 * Runs `writ pecs assess FILE`: prints the result and returns the exit code.
 *
 * @example
 * ```ts
 * const code = pecsAssess('pecs/profile.json', ctx(), { markdown: true }); // 0, 1 or 2
 * ```
 */
export function pecsAssess(file: string, c: CliContext, opts: AssessCommandOptions): number {
  const now = opts.now === undefined ? new Date() : new Date(opts.now);
  if (Number.isNaN(now.getTime())) {
    c.out.result({ file, error: 'INVALID_ARGUMENT', message: `--now ${opts.now ?? ''} is not an ISO timestamp` }, () => `error: --now ${opts.now ?? ''} is not an ISO timestamp`);
    return EXIT.USAGE;
  }
  const read = readDocumentFile(file);
  if (!read.ok) {
    c.out.result({ file, error: read.kind === 'unreadable' ? 'FILE_UNREADABLE' : 'FILE_UNPARSABLE', message: read.message }, () => `error: ${read.message}`);
    return EXIT.USAGE;
  }
  const validation = validatePecsDocument(read.value);
  if (!validation.valid) {
    c.out.result({ file, valid: false, profile: validation.profile, errors: validation.errors }, () =>
      [`${file}: not a valid PECS document (${validation.errors.length} error${validation.errors.length === 1 ? '' : 's'})`, ...validation.errors.map((e) => `  ${e.pointer || '/'}: ${e.message}`)].join('\n'),
    );
    return EXIT.ERROR;
  }
  const assessment = assessPecsDocument(read.value as PecsDocument, { now });
  // With the global --json the output prints the document itself; otherwise Markdown or the summary.
  c.out.result(assessment, () => (opts.markdown === true ? renderAssessmentMarkdown(assessment).trimEnd() : assessmentSummary(assessment)));
  return EXIT.OK;
}

/**
 * Registers `writ pecs assess FILE [--json | --markdown] [--now ISO]` under the `pecs` command.
 *
 * @example
 * ```ts
 * registerPecsAssessCommand(program.command('pecs'), context);
 * ```
 */
export function registerPecsAssessCommand(pecs: Command, ctx: () => CliContext): Command {
  return pecs
    .command('assess')
    .argument('<file>', 'PECS document (JSON or YAML)')
    .option('--markdown', 'print the Markdown report')
    .option('--now <iso>', 'judge expiry at this time and stamp the assessment with it (default: now)')
    .description('assess a PECS document against the maturity model: levels per dimension and entry point, findings, remediation tasks (exit 1 if the document is invalid, 2 if unreadable)')
    .action((file: string, opts: AssessCommandOptions) => {
      const code = pecsAssess(file, ctx(), opts);
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
