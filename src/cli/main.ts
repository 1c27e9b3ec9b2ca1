import { Command, CommanderError } from 'commander';
import { isWritError } from '../errors/writ-error.ts';
import { WRIT_VERSION } from '../version.ts';
import { ClientError } from './client.ts';
import { createContext, type CliContext, type GlobalOptions } from './context.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { registerConfigCommands } from './commands/config-check.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerKeysCommands } from './commands/keys.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerLedgerVerifyCommand } from './commands/ledger-verify.ts';
import { registerPecsCommands } from './commands/pecs.ts';
import { registerPolicyCommands } from './commands/policy.ts';
import { registerSignalCommands } from './commands/signals.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerDecisionCommands } from './commands/decisions.ts';
import { registerBreakGlassCommands } from './commands/break-glass.ts';
import { registerApprovalCommands } from './commands/approvals.ts';
import { registerExecCommands } from './commands/exec.ts';
import { registerSvidCommands } from './commands/svid.ts';
import { registerRevocationCommands } from './commands/revoke.ts';
import { registerDemoCommand } from './commands/demo.ts';

/**
 * Builds the `writ` command tree. Commands other than `init`, `serve`, `config check`
 * and offline verifiers are clients of the server's HTTP API (`WRIT_ADDR`).
 *
 * @example
 * ```ts
 * const code = await runCli(['node', 'writ', 'keys', 'list', '--json']);
 * ```
 */
export function buildProgram(env: NodeJS.ProcessEnv): { program: Command; context: () => CliContext } {
  const program = new Command('writ');
  let ctx: CliContext | undefined;
  const context = () => (ctx ??= createContext(program.opts<GlobalOptions>(), env));
  program
    .description('Writ: governance control plane for privileged execution')
    .version(WRIT_VERSION)
    .option('--json', 'print machine-readable JSON')
    .option('--debug', 'show stack traces on errors')
    .option('--addr <url>', 'server address for API commands (WRIT_ADDR; default http://127.0.0.1:8787)')
    .option('--home <dir>', 'Writ home directory (WRIT_HOME; default ./.writ)')
    .showHelpAfterError()
    .exitOverride();
  registerInitCommand(program, context);
  registerServeCommand(program, context);
  registerConfigCommands(program, context);
  registerKeysCommands(program, context);
  registerLedgerVerifyCommand(registerLedgerCommands(program, context), context);
  registerPolicyCommands(program, context);
  registerPecsCommands(program, context);
  registerSignalCommands(program, context);
  registerDecisionCommands(program, context);
  registerBreakGlassCommands(program, context);
  registerApprovalCommands(program, context);
  registerExecCommands(program, context);
  registerSvidCommands(program, context);
  registerRevocationCommands(program, context);
  registerDemoCommand(program, context);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return { program, context };
}

/** Runs the CLI and returns the exit code; errors are printed without stack traces unless --debug. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { program } = buildProgram(env);
  try {
    process.exitCode = undefined;
    await program.parseAsync(argv);
    // Commands that print a full report and still fail (policy validate/test) set process.exitCode.
    const requested = process.exitCode;
    process.exitCode = undefined;
    return typeof requested === 'number' ? requested : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    const opts = program.opts<GlobalOptions>();
    const code = isWritError(err) || err instanceof ClientError ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
    } else {
      process.stderr.write(`writ: ${message}${code !== 'INTERNAL' ? ` [${code}]` : ''}\n`);
    }
    if (opts.debug && err instanceof Error) process.stderr.write(`${err.stack}\n${err.cause ? `cause: ${String((err.cause as Error).stack ?? err.cause)}\n` : ''}`);
    return exitCodeFor(code);
  }
}
