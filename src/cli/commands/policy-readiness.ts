/**
 * `writ policy lifecycle-readiness PACKET [--require-live]`: the readiness gate on a
 * policy lifecycle packet, Writ's (`writ.policy-lifecycle.packet.v1`) or CAVRA's
 * (`cavra.policy-lifecycle.readiness.v1`), read from a JSON or YAML file (offline).
 *
 * Exit codes: 0 when the packet is not blocked (ready, or ready with warnings), 1 when it
 * is blocked, 2 when the file cannot be read or parsed.
 *
 * @module
 */
import type { Command } from 'commander';
import type { ReadinessResult } from '../../policy/lifecycle/artifacts.ts';
import { checkLifecycleReadiness } from '../../policy/lifecycle/readiness/check-readiness.ts';
import { readLifecyclePacketFile } from '../../policy/lifecycle/readiness/read-packet-file.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ policy lifecycle-readiness`.
 *
 * @example
 * ```ts
 * const o: ReadinessCommandOptions = { requireLive: true };
 * ```
 */
export interface ReadinessCommandOptions {
  requireLive?: boolean;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/**
 * The human form of a readiness result: one line per check, then the status.
 *
 * @example
 * ```ts
 * readinessText(result).split('\n').at(-1); // 'status ready_with_warnings: 0 blockers, 1 warning; contract-ready yes, live-ready no'
 * ```
 */
export function readinessText(r: ReadinessResult): string {
  const width = Math.max(0, ...r.checks.map((c) => c.name.length));
  const lines = [`packet   ${r.packet_schema || '(unknown)'}  ${r.product || '?'}  ${r.evidence_mode} evidence`];
  for (const c of r.checks) lines.push(`${c.status.padEnd(7)}  ${c.name.padEnd(width)}  ${c.message}`);
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  lines.push(
    `status ${r.status}: ${n(r.blocker_count, 'blocker')}, ${n(r.warning_count, 'warning')}; contract-ready ${yesNo(r.ready_for_policy_lifecycle_contract)}, live-ready ${yesNo(r.ready_for_live_policy_lifecycle)}`,
  );
  return lines.join('\n');
}

/**
 * Runs `writ policy lifecycle-readiness PACKET`: prints the result and returns the exit
 * code. A file that cannot be read or parsed throws (`BAD_REQUEST`, exit 2 through `runCli`).
 *
 * @example
 * ```ts
 * const code = policyLifecycleReadiness('packet.json', ctx(), { requireLive: true }); // 0 when ready
 * ```
 */
export function policyLifecycleReadiness(file: string, c: CliContext, opts: ReadinessCommandOptions): number {
  const result = checkLifecycleReadiness(readLifecyclePacketFile(file), { requireLive: opts.requireLive === true });
  c.out.result(result, () => readinessText(result));
  return result.status === 'blocked' ? EXIT.ERROR : EXIT.OK;
}

/**
 * Registers `writ policy lifecycle-readiness PACKET [--require-live]` under `policy`.
 *
 * @example
 * ```ts
 * registerPolicyReadinessCommand(registerPolicyCommands(program, context), context);
 * ```
 */
export function registerPolicyReadinessCommand(policy: Command, ctx: () => CliContext): Command {
  return policy
    .command('lifecycle-readiness')
    .argument('<packet>', 'a lifecycle packet (JSON or YAML): Writ writ.policy-lifecycle.packet.v1 or CAVRA cavra.policy-lifecycle.readiness.v1')
    .option('--require-live', 'sample evidence is a blocker, not a warning')
    .description('check a policy lifecycle packet is ready for rollout (exit 1 if blocked, 2 if the file cannot be read)')
    .action((file: string, opts: ReadinessCommandOptions) => {
      const code = policyLifecycleReadiness(file, ctx(), opts);
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
