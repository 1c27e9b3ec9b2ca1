/** Reads the discovery fixture repository (`fixtures/repo`) as discovery input files. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiscoveryInputFile } from '../../../src/pecs/discover/discover.ts';

/** Absolute path of the fixture repository. */
export const FIXTURE_REPO = fileURLToPath(new URL('./fixtures/repo/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every fixture file with its repository-relative path, optionally only those matching `filter`. */
export function fixtureFiles(filter: (path: string) => boolean = () => true): DiscoveryInputFile[] {
  return walk(FIXTURE_REPO)
    .map((p) => ({ path: relative(FIXTURE_REPO, p).split('\\').join('/'), bytes: readFileSync(p) }))
    .filter((f) => filter(f.path));
}

/** One in-memory file. */
export function textFile(path: string, text: string): DiscoveryInputFile {
  return { path, bytes: new TextEncoder().encode(text) };
}
