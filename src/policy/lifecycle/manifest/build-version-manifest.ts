/**
 * `writ policy manifest DIR`: the version manifest of a bundle — what it is (id,
 * version, `policy_bundle_hash`), what it replaces (the previous hash and the semantic
 * diff against it), and where it came from (a git commit and path when the directory is
 * in a repository, else the file path).
 *
 * @module
 */
import { resolve } from 'node:path';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { LIFECYCLE_SCHEMAS, type VersionManifest } from '../artifacts.ts';
import { diffBundles, type DiffOptions } from '../diff/diff-bundles.ts';
import { gitSource } from './git-source.ts';

/**
 * Options of {@link buildVersionManifest}.
 *
 * @example
 * ```ts
 * const opts: ManifestOptions = { dir: 'policies/default', previous: null, now: clock.now() };
 * ```
 */
export interface ManifestOptions {
  /** The directory the bundle was read from (its git source is looked up). */
  dir: string;
  /** The bundle this one replaces, if any. */
  previous: CompiledBundle | null;
  now: Date;
  diff?: DiffOptions;
}

/**
 * The files of a bundle directory, relative to it, as git lists them.
 *
 * @example
 * ```ts
 * bundleFiles(bundle); // ['bundle.yaml', 'schema.cedarschema', 'policies/promotion.cedar', 'tests/promotion.yaml', …]
 * ```
 */
export function bundleFiles(bundle: CompiledBundle): string[] {
  return [
    'bundle.yaml',
    'schema.cedarschema',
    ...bundle.document.policies.map((p) => `policies/${p.file}`),
    ...bundle.document.tests.map((t) => `tests/${t.file}`),
  ];
}

/**
 * Builds the version manifest of `bundle` read from `opts.dir`. Never throws for git
 * reasons (no git binary, not a repository): the source is then the file path and
 * `git_versioned` is false.
 *
 * @example
 * ```ts
 * const m = buildVersionManifest(loadBundleDir(dir), { dir, previous: null, now: new Date() });
 * m.source_ref; // 'git:3f1c…:policies/default' or 'file:/abs/path'
 * ```
 */
export function buildVersionManifest(bundle: CompiledBundle, opts: ManifestOptions): VersionManifest {
  const g = gitSource(opts.dir, bundleFiles(bundle));
  return {
    schema_version: LIFECYCLE_SCHEMAS.version_manifest,
    bundle_id: bundle.document.manifest.id,
    version: bundle.document.manifest.version,
    policy_bundle_hash: bundle.policy_bundle_hash,
    previous_policy_bundle_hash: opts.previous?.policy_bundle_hash ?? null,
    source_ref: g ? `git:${g.commit}:${g.path}` : `file:${resolve(opts.dir)}`,
    git_versioned: g !== null && g.tracked,
    git: g ? { commit: g.commit, path: g.path, dirty: g.dirty } : null,
    generated_at: opts.now.toISOString(),
    diff: opts.previous ? diffBundles(opts.previous, bundle, opts.diff) : null,
  };
}
