/**
 * What `writ policy dry-run` evaluates: one case, already resolved (defaults merged, the
 * expected verdicts filled in from its class when the case names only a class).
 *
 * @module
 */
import type { DryRunResult } from '../artifacts.ts';
import type { Intent, PolicySignals } from '../../intent.ts';

/**
 * What a dry-run case expects: the verdicts it accepts, and optionally the deny code,
 * the determining policies (as a set) and obligation fields.
 *
 * @example
 * ```ts
 * const e: DryRunExpectation = { verdicts: ['deny', 'require_approval'] };
 * ```
 */
export type DryRunExpectation = DryRunResult['expected'];

/**
 * One dry-run case: an intent, the signals and instant it is evaluated under, what it
 * expects, and the required decision class it demonstrates (if any).
 *
 * @example
 * ```ts
 * const c: DryRunCaseInput = { case_id: 'block_env_read', class: 'sensitive_file_read', intent, signals, now: '2025-01-01T00:00:00Z', expected: { verdicts: ['deny'] } };
 * ```
 */
export interface DryRunCaseInput {
  case_id: string;
  /** A required decision class id (`required-classes.ts`), or null. */
  class: string | null;
  intent: Intent;
  signals: PolicySignals;
  /** ISO 8601 UTC instant the case is evaluated at. */
  now: string;
  expected: DryRunExpectation;
}
