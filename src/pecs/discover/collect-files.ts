/**
 * Reads the files `writ pecs discover` analyses: the workflows of a GitHub directory (plus
 * the repository's local composite actions under `.github/actions/`) and a GitLab CI file,
 * with repository-relative paths — the paths the entry points and `writ pecs gate` use.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { DiscoveryInputFile } from './discover.ts';

/**
 * The files found, the repository root they are relative to, or why the input is unreadable.
 *
 * @example
 * ```ts
 * const c: CollectedFiles = { root: '/src/app', files: [] };
 * ```
 */
export type CollectedFiles = { root: string; files: DiscoveryInputFile[] } | { error: string };

const YAML_FILE = /\.ya?ml$/i;

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Action metadata files under `dir`, at most `depth` levels down. */
function actionFiles(dir: string, depth: number): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...actionFiles(full, depth - 1));
    else if (/^action\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Collects the input of discovery. `githubDir` may be `.github/workflows`, a repository
 * root holding it, or any directory of workflow files.
 *
 * @example
 * ```ts
 * const c = collectDiscoveryFiles('.github/workflows', '.gitlab-ci.yml');
 * if ('error' in c) console.error(c.error);
 * ```
 */
export function collectDiscoveryFiles(githubDir: string | undefined, gitlabFile: string | undefined): CollectedFiles {
  if (githubDir === undefined && gitlabFile === undefined) return { error: 'nothing to analyse: give --github DIR and/or --gitlab FILE' };
  const paths: string[] = [];
  let root = resolve(gitlabFile !== undefined ? dirname(gitlabFile) : '.');
  try {
    if (githubDir !== undefined) {
      const dir = resolve(githubDir);
      if (!statSync(dir).isDirectory()) return { error: `${githubDir}: not a directory` };
      let workflows = dir;
      if (basename(dir) === 'workflows' && basename(dirname(dir)) === '.github') root = dirname(dirname(dir));
      else if (existsSync(join(dir, '.github', 'workflows'))) {
        root = dir;
        workflows = join(dir, '.github', 'workflows');
      } else root = dir;
      paths.push(...readdirSync(workflows).filter((n) => YAML_FILE.test(n)).sort().map((n) => join(workflows, n)));
      paths.push(...actionFiles(join(root, '.github', 'actions'), 4));
    }
    if (gitlabFile !== undefined) {
      if (!statSync(gitlabFile).isFile()) return { error: `${gitlabFile}: not a file` };
      paths.push(resolve(gitlabFile));
    }
    const files = paths.map((p) => {
      const rel = relative(root, p);
      return { path: toPosix(rel.startsWith('..') ? basename(p) : rel), bytes: readFileSync(p) };
    });
    return { root, files };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
