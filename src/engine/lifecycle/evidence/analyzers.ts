import type { CompiledBundle } from '../../../policy/compile-bundle.ts';
import type { DryRunReport, LintReport, SemanticDiff } from '../../../policy/lifecycle/artifacts.ts';

/**
 * The pure analyses activation evidence is made of, injected so the engine depends on
 * their shape only (`default-analyzers.ts` wires Writ's own).
 *
 * @example
 * ```ts
 * const a: EvidenceAnalyzers = { lint: (b) => lintBundle(b, groups), diff: diffBundles, dryRun: (b) => runDryRun(b, {}) };
 * ```
 */
export interface EvidenceAnalyzers {
  lint(candidate: CompiledBundle): LintReport;
  diff(from: CompiledBundle, to: CompiledBundle): SemanticDiff;
  dryRun(candidate: CompiledBundle): DryRunReport;
}
