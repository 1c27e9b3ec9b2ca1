/**
 * `writ policy import-cavra PACK --out DIR [--packs-root DIR] [--force]`: converts a
 * CAVRA policy pack (a `policy.yaml`, or a pack directory) into a Writ Cedar bundle whose
 * decisions match CAVRA's (`docs/policy-cavra.md`). Offline: reads and writes files only.
 *
 * Exit codes: 0 imported; 2 the pack is invalid, or an inherited pack is missing or
 * inherits in a cycle (`BAD_REQUEST`); 6 no such pack file (`NOT_FOUND`); 7 `--out` is not
 * empty and `--force` was not given (`CONFLICT`). Errors are thrown as `WritError`s and
 * printed by `runCli`.
 *
 * @module
 */
import type { Command } from 'commander';
import { importCavraPack, type CavraImportReport } from '../../policy/lifecycle/cavra/import-cavra.ts';
import type { CliContext } from '../context.ts';

/**
 * Options of `writ policy import-cavra`.
 *
 * @example
 * ```ts
 * const o: PolicyImportCavraOptions = { out: 'policies/cavra-baseline', force: true };
 * ```
 */
export interface PolicyImportCavraOptions {
  out: string;
  packsRoot?: string;
  force?: boolean;
}

function reportText(r: CavraImportReport): string {
  const lines = [
    `imported CAVRA pack ${r.pack_id} (${r.source})`,
    `bundle   ${r.bundle_id} ${r.version} in ${r.out}`,
    `hash     ${r.policy_bundle_hash}`,
    `inherits ${r.inherits_resolved.length === 0 ? '(none)' : r.inherits_resolved.map((s) => `${s.id} ${s.digest}`).join(', ')}`,
    `policies ${r.policies}; ${r.test_cases} decision test cases, all passing`,
  ];
  if (r.warnings.length > 0) lines.push(`warnings: ${r.warnings.length}`, ...r.warnings.map((w) => `  ${w.field}: ${w.message} [${w.code}]`));
  return lines.join('\n');
}

/**
 * Runs `writ policy import-cavra`: imports, prints the report, returns the exit code (0;
 * failures throw).
 *
 * @example
 * ```ts
 * policyImportCavra('ref/policies/cavra-hipaa/policy.yaml', { out: '/tmp/hipaa' }, ctx()); // 0
 * ```
 */
export function policyImportCavra(pack: string, options: PolicyImportCavraOptions, c: CliContext): number {
  const report = importCavraPack(pack, {
    out: options.out,
    force: options.force ?? false,
    ...(options.packsRoot === undefined ? {} : { packsRoot: options.packsRoot }),
  });
  c.out.result(report, () => reportText(report));
  return 0;
}

/**
 * Registers `import-cavra` under `writ policy`.
 *
 * @example
 * ```ts
 * registerPolicyImportCavraCommand(registerPolicyCommands(program, context), context);
 * ```
 */
export function registerPolicyImportCavraCommand(policy: Command, ctx: () => CliContext): Command {
  return policy
    .command('import-cavra')
    .argument('<pack>', "a CAVRA policy pack: its policy.yaml, or the pack's directory")
    .requiredOption('--out <dir>', 'bundle directory to write (absent or empty, unless --force)')
    .option('--packs-root <dir>', 'where inherited packs are looked up (<root>/<id>/policy.yaml); default: the parent of the pack\'s directory')
    .option('--force', 'replace the bundle files (bundle.yaml, schema.cedarschema, policies/, tests/) in a non-empty --out')
    .description("convert a CAVRA policy pack into a Cedar bundle whose decisions match CAVRA's, with decision tests")
    .action((pack: string, options: PolicyImportCavraOptions) => {
      policyImportCavra(pack, options, ctx());
    });
}
