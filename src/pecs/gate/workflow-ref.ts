/**
 * How the gate names the workflow it hashed, and when an authorization entry's
 * `pipelineBinding.workflowRef` names the same file.
 *
 * The repo-relative path is the path from the nearest ancestor directory holding `.git`
 * (the repository root; the current directory when there is none) to the workflow file,
 * with `/` separators, e.g. `.github/workflows/deploy.yml`. A `workflowRef` matches when,
 * after dropping a trailing `@<git ref>` (the `GITHUB_WORKFLOW_REF` form) and a leading
 * `./`, it equals that path or ends with `/` + that path (so `org/repo/.github/workflows/deploy.yml`
 * matches). A bare basename does not match: two directories may hold a `deploy.yml`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The repository root above a path: the nearest ancestor holding `.git`, or null.
 *
 * @example
 * ```ts
 * repositoryRootOf('/src/app/.github/workflows/deploy.yml'); // '/src/app'
 * ```
 */
export function repositoryRootOf(path: string): string | null {
  let dir = dirname(resolve(path));
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const normalize = (p: string) => p.split(sep).join('/').replace(/^(\.\/)+/, '');

/**
 * The repo-relative form of a workflow path (see the module doc).
 *
 * @example
 * ```ts
 * repoRelativeWorkflowPath('/src/app/.github/workflows/deploy.yml'); // '.github/workflows/deploy.yml'
 * ```
 */
export function repoRelativeWorkflowPath(path: string, cwd: string = process.cwd()): string {
  const base = repositoryRootOf(path) ?? cwd;
  const rel = relative(base, resolve(cwd, path));
  // Outside the base (or on another drive): keep the path as given.
  return rel.startsWith('..') || isAbsolute(rel) ? normalize(path) : normalize(rel);
}

/**
 * Whether a `pipelineBinding.workflowRef` names the workflow at a repo-relative path.
 *
 * @example
 * ```ts
 * workflowRefMatches('org/repo/.github/workflows/deploy.yml@refs/heads/main', '.github/workflows/deploy.yml'); // true
 * workflowRefMatches('deploy.yml', '.github/workflows/deploy.yml'); // false
 * ```
 */
export function workflowRefMatches(workflowRef: string, repoRelativePath: string): boolean {
  const at = workflowRef.lastIndexOf('@');
  const ref = normalize(at > 0 ? workflowRef.slice(0, at) : workflowRef);
  const path = normalize(repoRelativePath);
  return path !== '' && (ref === path || ref.endsWith(`/${path}`));
}
