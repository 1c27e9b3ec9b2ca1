/**
 * Writing generated bundle files into an output directory, all or nothing: the files
 * are written to a fresh directory beside it, checked there by the caller, and only
 * then moved in. An output directory that is not empty is refused (`CONFLICT`, reason
 * `OUT_NOT_EMPTY`) unless forced; forced, the bundle's own entries in it
 * (`bundle.yaml`, `schema.cedarschema`, `policies/`, `tests/`) are replaced and
 * anything else is left alone.
 *
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { WritError } from '../../../errors/writ-error.ts';

/**
 * The entries of a bundle directory a forced import replaces.
 *
 * @example
 * ```ts
 * BUNDLE_ENTRIES.includes('policies'); // true
 * ```
 */
export const BUNDLE_ENTRIES = ['bundle.yaml', 'schema.cedarschema', 'policies', 'tests'] as const;

/**
 * Throws unless `out` can receive a bundle: absent, an empty directory, or (with
 * `force`) any directory.
 *
 * @example
 * ```ts
 * assertWritableOut('/tmp/new-bundle', false); // fine when absent or empty
 * ```
 */
export function assertWritableOut(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new WritError('BAD_REQUEST', `--out ${out} exists and is not a directory`, { reason: 'OUT_NOT_DIRECTORY' });
  if (!force && readdirSync(out).length > 0) {
    throw new WritError('CONFLICT', `--out ${out} is not empty; pass --force to replace the bundle in it`, { reason: 'OUT_NOT_EMPTY' });
  }
}

/**
 * Writes `files` (relative path → text) into a new staging directory beside `out` and
 * returns its path; the caller checks it, then {@link moveStagedBundle} or removes it.
 *
 * @example
 * ```ts
 * const staged = stageBundle('/tmp/out', { 'bundle.yaml': 'id: x\n' });
 * ```
 */
export function stageBundle(out: string, files: Readonly<Record<string, string>>): string {
  const abs = resolve(out);
  mkdirSync(dirname(abs), { recursive: true });
  const staged = mkdtempSync(join(dirname(abs), `.${basename(abs)}.import-`));
  for (const [rel, text] of Object.entries(files)) {
    const path = join(staged, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, 'utf8');
  }
  return staged;
}

/**
 * Moves a staged bundle into `out` (see the module doc for what `force` replaces) and
 * removes the staging directory.
 *
 * @example
 * ```ts
 * moveStagedBundle(staged, '/tmp/out', false);
 * ```
 */
export function moveStagedBundle(staged: string, out: string, force: boolean): void {
  assertWritableOut(out, force);
  const abs = resolve(out);
  if (!existsSync(abs) || readdirSync(abs).length === 0) {
    if (existsSync(abs)) rmSync(abs, { recursive: true });
    renameSync(staged, abs);
    return;
  }
  for (const entry of BUNDLE_ENTRIES) rmSync(join(abs, entry), { recursive: true, force: true });
  for (const entry of readdirSync(staged)) renameSync(join(staged, entry), join(abs, entry));
  rmSync(staged, { recursive: true, force: true });
}
