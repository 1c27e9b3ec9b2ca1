import { diffBundles } from '../../../policy/lifecycle/diff/diff-bundles.ts';
import { runDryRun } from '../../../policy/lifecycle/dry-run/run-dry-run.ts';
import { lintCompiledBundle } from '../../../policy/lifecycle/lint/lint-bundle.ts';
import type { EvidenceAnalyzers } from './analyzers.ts';

/**
 * Writ's own analyses as {@link EvidenceAnalyzers}: lint with the configured approver
 * groups (null leaves groups unchecked, with a warning), the semantic diff, and the
 * dry run over the built-in required cases.
 *
 * @example
 * ```ts
 * const analyzers = defaultEvidenceAnalyzers(config.policyLifecycle.approverGroups);
 * ```
 */
export function defaultEvidenceAnalyzers(knownGroups: readonly string[] | null): EvidenceAnalyzers {
  return {
    lint: (candidate) => lintCompiledBundle(candidate, { knownGroups }),
    diff: (from, to) => diffBundles(from, to),
    dryRun: (candidate) => runDryRun(candidate, {}),
  };
}
