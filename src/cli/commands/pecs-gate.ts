/**
 * `writ pecs gate --profile FILE --entry-point ID --workflow PATH [--require-approval]
 * [--job JOB] [--environment ENV] [--now ISO]`: the first step of a privileged CI job.
 * Recomputes the workflow file's sha256 and checks it against the profile's authorization
 * entries for the entry point (`src/pecs/gate/`, reason codes in `gate-reasons.ts`).
 *
 * Exit codes: 0 only when allowed; 1 on every deny, including errors nobody foresaw
 * (fail-closed). `--job` defaults to `GITHUB_JOB`, `--environment` to `GITHUB_ENVIRONMENT`.
 * `--json` prints the decision `{allowed, reason, message, …}`.
 *
 * @module
 */
import type { Command } from 'commander';
import { gateDecision, type GateDecision } from '../../pecs/gate/evaluate-gate.ts';
import { runGate } from '../../pecs/gate/run-gate.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ pecs gate` as commander parses them.
 *
 * @example
 * ```ts
 * const o: GateCommandOptions = { profile: 'pecs.json', entryPoint: 'deploy', workflow: '.github/workflows/deploy.yml', requireApproval: true };
 * ```
 */
export interface GateCommandOptions {
  profile: string;
  entryPoint: string;
  workflow: string;
  requireApproval?: boolean;
  job?: string;
  environment?: string;
  /** ISO timestamp to judge expiry against (tests, replays); default: now. */
  now?: string;
}

/**
 * The human line of a decision: `ALLOW …` or `DENY REASON: …`.
 *
 * @example
 * ```ts
 * gateText(decision); // 'DENY DIGEST_MISMATCH: workflow … hashes to …'
 * ```
 */
export function gateText(d: GateDecision): string {
  return d.allowed ? `ALLOW ${d.entryPointId ?? '?'}: ${d.message}` : `DENY ${d.reason}: ${d.message}`;
}

/**
 * Runs `writ pecs gate`: prints the decision and returns the exit code (0 allow, 1 deny).
 *
 * @example
 * ```ts
 * const code = pecsGate(ctx(), { profile: 'pecs.json', entryPoint: 'deploy', workflow: '.github/workflows/deploy.yml' });
 * ```
 */
export function pecsGate(c: CliContext, opts: GateCommandOptions): number {
  let decision: GateDecision;
  try {
    const now = opts.now === undefined ? new Date() : new Date(opts.now);
    decision = runGate({
      profilePath: opts.profile,
      entryPointId: opts.entryPoint,
      workflowPath: opts.workflow,
      requireApproval: opts.requireApproval === true,
      job: opts.job ?? c.env.GITHUB_JOB ?? null,
      environment: opts.environment ?? c.env.GITHUB_ENVIRONMENT ?? null,
      now,
    });
  } catch (e) {
    decision = gateDecision('INTERNAL_ERROR', `unexpected error, denying: ${e instanceof Error ? e.message : String(e)}`, { entryPointId: opts.entryPoint, now: new Date() });
  }
  c.out.result(decision, () => gateText(decision));
  return decision.allowed ? EXIT.OK : EXIT.ERROR;
}

/**
 * Registers `writ pecs gate` under the `pecs` command.
 *
 * @example
 * ```ts
 * registerPecsGateCommand(program.command('pecs'), context);
 * ```
 */
export function registerPecsGateCommand(pecs: Command, ctx: () => CliContext): Command {
  return pecs
    .command('gate')
    .requiredOption('--profile <file>', 'PECS profile (JSON or YAML) holding the authorization entries')
    .requiredOption('--entry-point <id>', 'id of the privileged entry point this job runs as')
    .requiredOption('--workflow <path>', 'workflow file to hash (its repo-relative path must match the entry\'s workflowRef)')
    .option('--require-approval', 'accept only approvalStatus approved (not conditional)')
    .option('--job <job>', "job id to match the entry's jobRef (default: GITHUB_JOB)")
    .option('--environment <env>', "environment to match the entry's environmentRef (default: GITHUB_ENVIRONMENT)")
    .option('--now <iso>', 'judge expiry at this time instead of now')
    .description('fail-closed gate for a privileged CI job: exit 0 only when an in-force authorization entry approves this workflow\'s sha256 and pipeline; otherwise exit 1 with a reason code')
    .action((opts: GateCommandOptions) => {
      // Set before anything else can fail: an uncaught error must still leave a non-zero exit.
      process.exitCode = EXIT.ERROR;
      const code = pecsGate(ctx(), opts);
      process.exitCode = code === EXIT.OK ? undefined : code;
    });
}
