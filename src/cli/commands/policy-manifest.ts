/**
 * `writ policy manifest DIR [--previous DIR|HASH]`: the version manifest of a bundle
 * directory (offline, files and git only): id, version, `policy_bundle_hash`, the
 * previous hash, the git commit and path (or the file path), whether the bundle files
 * are tracked and clean, and the semantic diff against the previous bundle
 * (`src/policy/lifecycle/manifest/`). `--json` prints the VersionManifest.
 *
 * Exit codes: 0 when the manifest is printed, 2 when a bundle is invalid.
 *
 * @module
 */
import type { Command } from 'commander';
import type { VersionManifest } from '../../policy/lifecycle/artifacts.ts';
import { buildVersionManifest } from '../../policy/lifecycle/manifest/build-version-manifest.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { bundleArgument } from './policy-diff.ts';

/**
 * Options of `writ policy manifest`.
 *
 * @example
 * ```ts
 * const o: ManifestCommandOptions = { previous: 'policies/released' };
 * ```
 */
export interface ManifestCommandOptions {
  /** Directory of the bundle this one replaces. */
  previous?: string;
}

/**
 * The human form of a manifest.
 *
 * @example
 * ```ts
 * manifestText(m).split('\n')[0]; // 'bundle    writ-default 1.0.0'
 * ```
 */
export function manifestText(m: VersionManifest): string {
  const lines = [
    `bundle    ${m.bundle_id} ${m.version}`,
    `hash      ${m.policy_bundle_hash}`,
    `previous  ${m.previous_policy_bundle_hash ?? '(none)'}`,
    `source    ${m.source_ref}${m.git?.dirty ? '  (uncommitted changes)' : ''}`,
    `git       ${m.git_versioned ? 'versioned (every bundle file is tracked)' : m.git ? 'in a repository, but not every bundle file is tracked' : 'not in a git repository'}`,
    `generated ${m.generated_at}`,
  ];
  const d = m.diff;
  if (d) {
    lines.push(
      `diff      ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed policies; schema ${d.schema.changed ? 'changed' : 'unchanged'}; ${d.decisions.changed_count} of ${d.decisions.case_count} decisions change`,
    );
  }
  return lines.join('\n');
}

/**
 * Runs `writ policy manifest DIR [--previous DIR]`: prints the manifest and returns the
 * exit code. `now` is the instant the manifest is generated at.
 *
 * @example
 * ```ts
 * const code = await policyManifest('policies/default', ctx(), {}, new Date()); // 0
 * ```
 */
export async function policyManifest(dir: string, c: CliContext, opts: ManifestCommandOptions, now: Date): Promise<number> {
  const bundle = await bundleArgument(dir, c);
  if (!bundle) return EXIT.USAGE;
  const previous = opts.previous === undefined ? null : await bundleArgument(opts.previous, c);
  if (opts.previous !== undefined && !previous) return EXIT.USAGE;
  const manifest = buildVersionManifest(bundle, { dir, previous, now });
  c.out.result(manifest, () => manifestText(manifest));
  return EXIT.OK;
}

/**
 * Registers `writ policy manifest DIR [--previous DIR]` under the `policy` command.
 *
 * @example
 * ```ts
 * registerPolicyManifestCommand(registerPolicyCommands(program, context), context);
 * ```
 */
export function registerPolicyManifestCommand(policy: Command, ctx: () => CliContext): Command {
  return policy
    .command('manifest')
    .argument('<dir>', 'bundle directory')
    .option('--previous <dir|hash>', 'the bundle this one replaces, a directory or the hash of a stored bundle (adds its hash and the semantic diff)')
    .description('version manifest of a bundle: hash, previous hash, git commit and path, git_versioned, semantic diff (exit 2 if invalid)')
    .action(async (dir: string, opts: ManifestCommandOptions) => {
      const code = await policyManifest(dir, ctx(), opts, new Date());
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
