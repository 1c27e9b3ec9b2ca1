/**
 * Where a bundle directory sits in git, if anywhere: the repository's HEAD commit, the
 * directory's path inside the work tree, whether that path has uncommitted changes, and
 * whether every bundle file is tracked. Asks the `git` binary; no git, no repository, no
 * commit, or any git failure is "not in git" (null), never an error: a manifest is still
 * made, from the file path.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

/**
 * A bundle directory's git source.
 *
 * @example
 * ```ts
 * const g: GitSource = { top: '/repo', commit: '3f1c…', path: 'policies/default', dirty: false, tracked: true };
 * ```
 */
export interface GitSource {
  /** Root of the work tree. */
  top: string;
  /** Full object name of HEAD. */
  commit: string;
  /** The directory relative to `top`, with `/` separators (`.` for the root). */
  path: string;
  /** `git status --porcelain` shows changes (or untracked files) under `path`. */
  dirty: boolean;
  /** Every given bundle file is tracked. */
  tracked: boolean;
}

const GIT_TIMEOUT_MS = 10_000;

/** Runs git in `cwd`; its stdout, or null on any failure (no binary, not a repository, …). */
function git(cwd: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', ['-C', cwd, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: GIT_TIMEOUT_MS,
      // Reading status must not take the index lock a concurrent git command may hold.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch {
    return null;
  }
}

/**
 * The git source of `dir`, checking that `files` (relative to `dir`, `/`-separated) are
 * tracked; null when `dir` is not inside a git work tree with at least one commit.
 *
 * @example
 * ```ts
 * gitSource('policies/default', ['bundle.yaml', 'schema.cedarschema', 'policies/promotion.cedar'])?.path; // 'policies/default'
 * ```
 */
export function gitSource(dir: string, files: readonly string[]): GitSource | null {
  let abs: string;
  try {
    abs = realpathSync(resolve(dir));
  } catch {
    return null;
  }
  const topOut = git(abs, ['rev-parse', '--show-toplevel'])?.trim();
  if (!topOut) return null;
  const commit = git(abs, ['rev-parse', '--verify', '--quiet', 'HEAD'])?.trim();
  if (!commit) return null;
  let top: string;
  try {
    top = realpathSync(topOut);
  } catch {
    return null;
  }
  const path = relative(top, abs).split(sep).join('/') || '.';
  const status = git(top, ['status', '--porcelain', '--', path]);
  const prefix = path === '.' ? '' : `${path}/`;
  const listed = git(top, ['ls-files', '-z', '--', ...files.map((f) => `${prefix}${f}`)]);
  const trackedSet = new Set((listed ?? '').split('\0').filter((f) => f !== ''));
  return {
    top,
    commit,
    path,
    dirty: status === null || status.trim() !== '',
    tracked: listed !== null && files.every((f) => trackedSet.has(`${prefix}${f}`)),
  };
}
