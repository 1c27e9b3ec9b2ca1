/**
 * Problems found in a policy bundle, and the typed error that refuses an invalid one.
 *
 * @module
 */
import { WritError } from '../errors/writ-error.ts';

/**
 * One problem (or warning) in a bundle, located as precisely as it can be: the file
 * relative to the bundle root, a 1-based line and column, and the policy id.
 *
 * @example
 * ```ts
 * const p: BundleProblem = { file: 'policies/promotion.cedar', line: 12, column: 1, policy_id: 'promotion.prod', message: '@approvals must be a positive integer' };
 * ```
 */
export interface BundleProblem {
  file: string;
  line?: number;
  column?: number;
  policy_id?: string;
  message: string;
}

/**
 * `file:line:col [policy id]: message`, the form the CLI prints.
 *
 * @example
 * ```ts
 * formatProblem({ file: 'policies/a.cedar', line: 3, column: 1, policy_id: 'a.x', message: 'missing @id' });
 * // 'policies/a.cedar:3:1 [a.x]: missing @id'
 * ```
 */
export function formatProblem(p: BundleProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : p.file;
  return `${where}${p.policy_id ? ` [${p.policy_id}]` : ''}: ${p.message}`;
}

/**
 * Thrown when an invalid bundle would be loaded, compiled or stored. Lists every
 * problem; its message names the first few. Code `BAD_REQUEST` (HTTP 400).
 *
 * @example
 * ```ts
 * try { loadBundleDir('policies/broken'); }
 * catch (err) { if (err instanceof PolicyBundleInvalidError) err.problems.forEach((p) => console.log(formatProblem(p))); }
 * ```
 */
export class PolicyBundleInvalidError extends WritError {
  readonly problems: readonly BundleProblem[];

  constructor(problems: readonly BundleProblem[], what = 'policy bundle') {
    const shown = problems.slice(0, 3).map(formatProblem).join('; ');
    const more = problems.length > 3 ? `; … ${problems.length - 3} more` : '';
    super('BAD_REQUEST', `${what} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${shown}${more}`);
    this.name = 'PolicyBundleInvalidError';
    this.problems = problems;
  }
}
