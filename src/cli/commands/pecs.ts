/**
 * `writ pecs …`: the Privileged Execution Control Standard (PECS) — validate documents
 * against the shipped schemas, assess their maturity, discover CI/CD profiles from
 * workflow definitions, and gate a privileged job on its approved workflow hash.
 * See docs/pecs.md.
 *
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerPecsAssessCommand } from './pecs-assess.ts';
import { registerPecsDiscoverCommand } from './pecs-discover.ts';
import { registerPecsGateCommand } from './pecs-gate.ts';
import { registerPecsValidateCommand } from './pecs-validate.ts';

/**
 * Registers the `pecs` command group.
 *
 * @example
 * ```ts
 * registerPecsCommands(program, context); // in buildProgram, next to the other commands
 * ```
 */
export function registerPecsCommands(program: Command, ctx: () => CliContext): Command {
  const pecs = program.command('pecs').description('privileged execution profiles (PECS): validate, assess, discover from CI/CD definitions, gate on the workflow hash');
  registerPecsValidateCommand(pecs, ctx);
  registerPecsAssessCommand(pecs, ctx);
  registerPecsDiscoverCommand(pecs, ctx);
  registerPecsGateCommand(pecs, ctx);
  return pecs;
}
