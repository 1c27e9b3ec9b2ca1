/**
 * The decision diff: every case evaluated under both bundles, and the cases whose
 * verdict, deny code, obligations or determining policies differ.
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import { evaluateIntent } from '../../evaluate.ts';
import type { DecisionChange, SemanticDiff } from '../artifacts.ts';
import type { CorpusOptions } from '../corpus/generate-corpus.ts';
import { decisionDiffCases } from './decision-cases.ts';
import { decisionDifferences, summarizeDecision } from './decision-summary.ts';

/**
 * Evaluates the cases of `a` → `b` (`decision-cases.ts`) under both and lists the
 * changes, in case order (required, test, corpus). Two bundles with the same hash
 * decide everything alike, so they are not evaluated.
 *
 * @example
 * ```ts
 * const d = diffDecisions(before, after, {});
 * d.changes.filter((c) => c.changed.includes('verdict')).length;
 * ```
 */
export function diffDecisions(a: CompiledBundle, b: CompiledBundle, corpus: CorpusOptions): SemanticDiff['decisions'] {
  const cases = decisionDiffCases(a, b, corpus);
  const changes: DecisionChange[] = [];
  if (a.policy_bundle_hash !== b.policy_bundle_hash) {
    for (const c of cases) {
      const input = { intent: c.intent, signals: c.signals, now: new Date(c.now) };
      const before = summarizeDecision(evaluateIntent(a, input));
      const after = summarizeDecision(evaluateIntent(b, input));
      const changed = decisionDifferences(before, after);
      if (changed.length > 0) changes.push({ ...c, before, after, changed });
    }
  }
  const count = (source: DecisionChange['source']) => cases.filter((c) => c.source === source).length;
  return {
    case_count: cases.length,
    required_case_count: count('required'),
    test_case_count: count('test'),
    corpus_case_count: count('corpus'),
    changed_count: changes.length,
    changes,
  };
}
