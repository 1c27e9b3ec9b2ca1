/**
 * The commit a discovered profile is bound to (`integrityBinding.gitRevision`).
 *
 * @module
 */
import { execFileSync } from 'node:child_process';

/**
 * `git -C dir rev-parse HEAD`, or null when `dir` is not in a git work tree (or git is
 * missing): the hash binding stands on its own then.
 *
 * @example
 * ```ts
 * gitRevisionOf('.'); // 'f4f4d2b1…' or null
 * ```
 */
export function gitRevisionOf(dir: string): string | null {
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', timeout: 10_000 }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}
