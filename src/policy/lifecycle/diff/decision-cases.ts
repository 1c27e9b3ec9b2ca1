/**
 * The cases a decision diff evaluates under both bundles: the required-class fixtures
 * (source `required`), both bundles' own test cases (source `test`), and the generated
 * corpus of both (source `corpus`). A case is listed once, under the first source that
 * has it (the corpus starts from the fixtures and test cases too).
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import type { Intent, PolicySignals } from '../../intent.ts';
import type { DecisionChange } from '../artifacts.ts';
import { corpusCaseId } from '../corpus/corpus-case.ts';
import { cloneJson } from '../corpus/corpus-ops.ts';
import { generateDecisionCorpus, type CorpusOptions } from '../corpus/generate-corpus.ts';
import { classFixture, REQUIRED_DECISION_CLASSES, REQUIRED_FIXTURE_NOW } from '../required-classes.ts';

/**
 * One case of a decision diff.
 *
 * @example
 * ```ts
 * const c: DiffCase = { source: 'required', case_id: 'promotion_during_phase_hold', intent, signals, now: '2025-01-01T00:00:00Z' };
 * ```
 */
export interface DiffCase {
  source: DecisionChange['source'];
  case_id: string;
  intent: Intent;
  signals: PolicySignals;
  now: string;
}

/**
 * Required fixtures: per class, its preferred fixture among the scopes either bundle
 * declares (case id = the class id), then its other declared fixtures
 * (`<class>@<scope>`).
 *
 * @example
 * ```ts
 * requiredCases(new Set(['promotion'])).map((c) => c.case_id); // ['production_promotion', 'promotion_during_phase_hold']
 * ```
 */
export function requiredCases(scopes: ReadonlySet<string>): DiffCase[] {
  const out: DiffCase[] = [];
  for (const cls of REQUIRED_DECISION_CLASSES) {
    const preferred = classFixture(cls, scopes);
    for (const scope of cls.action_scopes) {
      const f = cls.fixtures[scope];
      if (!f || !scopes.has(scope)) continue;
      const case_id = f === preferred ? cls.id : `${cls.id}@${scope}`;
      out.push({ source: 'required', case_id, ...cloneJson({ intent: f.intent, signals: f.signals }), now: REQUIRED_FIXTURE_NOW });
    }
  }
  return out;
}

function testCases(bundles: readonly CompiledBundle[]): DiffCase[] {
  const out: DiffCase[] = [];
  const ids = new Map<string, string>();
  for (const bundle of bundles) {
    for (const { file, cases } of bundle.document.tests) {
      for (const c of cases) {
        const content = corpusCaseId(c.intent, c.signals, c.now);
        let case_id = `${file}#${c.name}`;
        const taken = ids.get(case_id);
        if (taken === content) continue;
        if (taken !== undefined) case_id = `${case_id}@${content.slice(content.indexOf('#') + 1)}`;
        ids.set(case_id, content);
        out.push({ source: 'test', case_id, intent: c.intent, signals: c.signals, now: c.now });
      }
    }
  }
  return out;
}

/**
 * Every case of the decision diff of `a` → `b`, required first, then test cases, then
 * the corpus; no content twice.
 *
 * @example
 * ```ts
 * decisionDiffCases(before, after, {}).filter((c) => c.source === 'corpus').length;
 * ```
 */
export function decisionDiffCases(a: CompiledBundle, b: CompiledBundle, corpus: CorpusOptions): DiffCase[] {
  const scopes = new Set([...a.model.actions.keys(), ...b.model.actions.keys()]);
  const seen = new Set<string>();
  const out: DiffCase[] = [];
  const add = (c: DiffCase) => {
    const content = corpusCaseId(c.intent, c.signals, c.now);
    if (seen.has(content)) return;
    seen.add(content);
    out.push(c);
  };
  for (const c of requiredCases(scopes)) add(c);
  for (const c of testCases([a, b])) add(c);
  for (const c of generateDecisionCorpus([a, b], corpus)) add({ source: 'corpus', case_id: c.case_id, intent: c.intent, signals: c.signals, now: c.now });
  return out;
}
