/**
 * Reads a bundle directory as `BundleFiles` (path → content) so a test can write a
 * modified copy with `writeBundle(overrides, readBundleFiles(dir))`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleFiles } from '../../helpers/bundle-dir.ts';

export function readBundleFiles(dir: string, rel = ''): BundleFiles {
  const files: BundleFiles = {};
  for (const name of readdirSync(join(dir, rel))) {
    const path = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, path)).isDirectory()) Object.assign(files, readBundleFiles(dir, path));
    else files[path] = readFileSync(join(dir, path), 'utf8');
  }
  return files;
}

/** The text of `path` in `files`, with `from` replaced by `to`; fails the test when `from` is absent. */
export function edited(files: BundleFiles, path: string, from: string | RegExp, to: string): string {
  const text = files[path];
  if (typeof text !== 'string') throw new Error(`no text file ${path}`);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${String(from)} not found in ${path}`);
  return next;
}
