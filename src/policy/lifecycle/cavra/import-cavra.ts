/**
 * `writ policy import-cavra`: a CAVRA policy pack converted into a Writ Cedar bundle
 * whose decisions match CAVRA's for the same inputs (`docs/policy-cavra.md`).
 *
 * Resolve the pack's inherits → reduce it to what CAVRA decides on (warnings for the
 * rest) → generate the files → write them to a staging directory → check them as any
 * bundle is checked and run their decision tests → move them into `--out`. A bundle that
 * fails its own checks is a converter bug and is never written (`INTERNAL`).
 *
 * @module
 */
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import type { Sha256Ref } from '../../../crypto/hash.ts';
import { WritError } from '../../../errors/writ-error.ts';
import { runBundleTests } from '../../bundle-tests.ts';
import { inspectBundleDir } from '../../load-bundle.ts';
import { formatProblem } from '../../problems.ts';
import { cavraBundleFiles, type CavraBundleFiles } from './cavra-bundle-files.ts';
import type { CavraImportWarning, CavraPack, CavraPackSource } from './cavra-pack.ts';
import { normalizeCavraPack } from './normalize-cavra-pack.ts';
import { resolveCavraPack } from './resolve-cavra-pack.ts';
import { assertWritableOut, moveStagedBundle, stageBundle } from './write-bundle-out.ts';

/**
 * A pack converted in memory: the resolved pack and the bundle files.
 *
 * @example
 * ```ts
 * const c = convertCavraPack('policies/cavra-ai-agent-baseline/policy.yaml');
 * c.pack.mcp.block_unknown_servers; // true
 * ```
 */
export interface CavraConversion {
  pack: CavraPack;
  source: CavraPackSource;
  ancestors: CavraPackSource[];
  packs_root: string;
  bundle: CavraBundleFiles;
}

/**
 * Converts a pack (file or pack directory) without writing anything.
 *
 * @example
 * ```ts
 * convertCavraPack('ref/policies/community/starter-policy-1.yaml', { packsRoot: 'ref/policies' }).bundle.files['bundle.yaml'];
 * ```
 */
export function convertCavraPack(path: string, options: { packsRoot?: string } = {}): CavraConversion {
  const resolved = resolveCavraPack(path, options);
  const { pack, warnings } = normalizeCavraPack(resolved.merged);
  const bundle = cavraBundleFiles({ pack, source: resolved.source, ancestors: resolved.ancestors, warnings: [...resolved.warnings, ...warnings] });
  return { pack, source: resolved.source, ancestors: resolved.ancestors, packs_root: resolved.packs_root, bundle };
}

/**
 * What `writ policy import-cavra --json` prints.
 *
 * @example
 * ```ts
 * const r: CavraImportReport = { source: '/…/policy.yaml', pack_id: 'cavra-hipaa', bundle_id: 'cavra-hipaa', version: '0.1.0', inherits_resolved: [], out: '/…/out', policy_bundle_hash: 'sha256:…', policies: 17, test_cases: 30, warnings: [] };
 * ```
 */
export interface CavraImportReport {
  /** The pack file read (absolute). */
  source: string;
  /** The CAVRA `metadata.id`. */
  pack_id: string;
  /** The Writ bundle id (the pack id made valid) and version. */
  bundle_id: string;
  version: string;
  /** Every inherited pack file, in merge order, with its digest. */
  inherits_resolved: CavraPackSource[];
  /** The bundle directory written (absolute). */
  out: string;
  policy_bundle_hash: Sha256Ref;
  policies: number;
  test_cases: number;
  warnings: CavraImportWarning[];
}

/**
 * Imports a pack into `out`: refuses a non-empty `out` unless `force`, writes only a
 * bundle that validates and passes its own decision tests.
 *
 * @example
 * ```ts
 * importCavraPack('ref/policies/cavra-ai-agent-baseline/policy.yaml', { out: 'policies/cavra-baseline' }).policy_bundle_hash;
 * ```
 */
export function importCavraPack(path: string, options: { out: string; packsRoot?: string; force?: boolean }): CavraImportReport {
  const force = options.force ?? false;
  assertWritableOut(options.out, force);
  const c = convertCavraPack(path, options.packsRoot === undefined ? {} : { packsRoot: options.packsRoot });
  const staged = stageBundle(options.out, c.bundle.files);
  let hash: Sha256Ref;
  try {
    const check = inspectBundleDir(staged);
    if (!check.bundle || !check.policy_bundle_hash) {
      throw new WritError('INTERNAL', `the bundle converted from CAVRA pack ${c.source.id} is invalid (a converter bug):\n${check.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    }
    const report = runBundleTests(check.bundle);
    const failed = report.results.filter((r) => !r.passed);
    if (failed.length > 0) {
      const lines = failed.map((r) => `  ${r.file}: ${r.name}: ${r.mismatches.join('; ')}`);
      throw new WritError('INTERNAL', `the bundle converted from CAVRA pack ${c.source.id} fails ${failed.length} of its decision tests (a converter bug):\n${lines.join('\n')}`);
    }
    hash = check.policy_bundle_hash;
    moveStagedBundle(staged, options.out, force);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
  return {
    source: c.source.path,
    pack_id: c.source.id,
    bundle_id: c.bundle.bundle_id,
    version: c.bundle.version,
    inherits_resolved: c.ancestors,
    out: resolve(options.out),
    policy_bundle_hash: hash,
    policies: c.bundle.policies,
    test_cases: c.bundle.test_cases,
    warnings: c.bundle.warnings,
  };
}
