/**
 * How many required decision cases a candidate fails when its shadow run starts (a
 * promotion criterion).
 *
 * @module
 */
import type { CompiledBundle } from '../../../policy/compile-bundle.ts';
import { runDryRun } from '../../../policy/lifecycle/dry-run/run-dry-run.ts';

/**
 * The candidate's dry-run failures over the built-in required cases, counting a
 * required class it cannot demonstrate as a failure too.
 *
 * @example
 * ```ts
 * candidateDryRunFailures(loadBundleDir('policies/default')); // 0
 * ```
 */
export function candidateDryRunFailures(candidate: CompiledBundle): number {
  const report = runDryRun(candidate, {});
  return report.failed_count + report.missing_classes.length;
}
