/**
 * The cases a dry run uses when no case file is given: the built-in fixture of every
 * required decision class that applies to the bundle, and the bundle's own decision test
 * cases that claim a class (`class:` in `tests/*.yaml`).
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import { REQUIRED_FIXTURE_NOW, applicableClasses, classFixture } from '../required-classes.ts';
import type { DryRunCaseInput } from './case-input.ts';

/**
 * The action scopes a bundle's schema declares: what decides which classes apply.
 *
 * @example
 * ```ts
 * bundleActionScopes(loadBundleDir('policies/default')).has('promotion'); // true
 * ```
 */
export function bundleActionScopes(bundle: CompiledBundle): Set<string> {
  return new Set(bundle.model.actions.keys());
}

/**
 * One case per applicable required class: its built-in fixture, case id = class id,
 * expecting the class's verdicts, at {@link REQUIRED_FIXTURE_NOW}.
 *
 * @example
 * ```ts
 * requiredClassCases(loadBundleDir('policies/default')).map((c) => c.case_id); // ['sensitive_file_read', …, 'promotion_during_phase_hold']
 * ```
 */
export function requiredClassCases(bundle: CompiledBundle): DryRunCaseInput[] {
  const scopes = bundleActionScopes(bundle);
  const out: DryRunCaseInput[] = [];
  for (const c of applicableClasses(scopes)) {
    const fixture = classFixture(c, scopes);
    if (!fixture) continue;
    out.push({ case_id: c.id, class: c.id, intent: fixture.intent, signals: fixture.signals, now: REQUIRED_FIXTURE_NOW, expected: { verdicts: [...c.expected] } });
  }
  return out;
}

/**
 * The bundle's own decision test cases that claim a class, in file then case order;
 * case id `<file>#<name>`, expecting exactly what the test case states.
 *
 * @example
 * ```ts
 * bundleClassCases(loadBundleDir('policies/default'))[0]?.case_id; // 'files.yaml#…'
 * ```
 */
export function bundleClassCases(bundle: CompiledBundle): DryRunCaseInput[] {
  const out: DryRunCaseInput[] = [];
  for (const { file, cases } of bundle.document.tests) {
    for (const c of cases) {
      if (c.class === undefined) continue;
      const { verdict, ...rest } = c.expect;
      out.push({ case_id: `${file}#${c.name}`, class: c.class, intent: c.intent, signals: c.signals, now: c.now, expected: { verdicts: [verdict], ...rest } });
    }
  }
  return out;
}
