/**
 * Shared by the CAVRA import tests: where CAVRA's reference material is (read at run
 * time from ../shared/reference, never copied into the project), the reference packs,
 * temporary directories, and synthetic packs written for one test.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledBundle } from '../../../../src/policy/compile-bundle.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { convertCavraPack, type CavraConversion } from '../../../../src/policy/lifecycle/cavra/import-cavra.ts';

/** CAVRA's reference material (packs in `policies/`, packets in `examples/policy-lifecycle/`). */
export const REFERENCE = fileURLToPath(new URL('../../../../../shared/reference/cavra/', import.meta.url));
export const PACKS_ROOT = join(REFERENCE, 'policies');
export const SAMPLE_ACTIONS = join(REFERENCE, 'examples/policy-lifecycle/sample-actions.json');
export const DRY_RUN_REPORT = join(REFERENCE, 'examples/policy-lifecycle/generated/policy-dry-run-report.json');

/** `test(…, { skip })` value: false when the reference material is there, else why the test is skipped. */
export const SKIP_WITHOUT_REFERENCE: string | false = existsSync(PACKS_ROOT) ? false : `CAVRA reference material not found at ${REFERENCE} (CI has it)`;

/**
 * Every reference pack file: `policies/<id>/policy.yaml` and `policies/community/*.yaml`,
 * sorted; empty when the reference material is absent.
 */
export function referencePackFiles(): string[] {
  if (!existsSync(PACKS_ROOT)) return [];
  const files: string[] = [];
  for (const d of readdirSync(PACKS_ROOT).sort()) {
    const f = join(PACKS_ROOT, d, 'policy.yaml');
    if (existsSync(f)) files.push(f);
  }
  const community = join(PACKS_ROOT, 'community');
  if (existsSync(community)) for (const f of readdirSync(community).sort()) if (/\.ya?ml$/.test(f)) files.push(join(community, f));
  return files;
}

const made: string[] = [];

/** A new empty temporary directory, removed by {@link cleanupTemp}. */
export function tempDir(prefix = 'writ-cavra-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made. */
export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes files (relative path → text) under `root`; returns `root`. */
export function writeFiles(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Writes converted bundle files to a new temporary directory and loads them. */
export function loadFiles(files: Record<string, string>): CompiledBundle {
  return loadBundleDir(writeFiles(tempDir('writ-cavra-bundle-'), files));
}

/**
 * A pack converted and its bundle loaded (from a temporary directory).
 *
 * @example
 * ```ts
 * const { conversion, bundle } = convertAndLoad(join(PACKS_ROOT, 'cavra-hipaa/policy.yaml'));
 * ```
 */
export function convertAndLoad(file: string, packsRoot?: string): { conversion: CavraConversion; bundle: CompiledBundle } {
  const conversion = convertCavraPack(file, packsRoot === undefined ? {} : { packsRoot });
  return { conversion, bundle: loadFiles(conversion.bundle.files) };
}
