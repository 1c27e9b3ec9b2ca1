/**
 * Lint of the required decision classes (`required-classes.ts`): every class that
 * applies to the bundle (its schema declares one of the class's action scopes) must be
 * claimed by a test case (`class: <id>`), and every claim must be sound — a known
 * class, an action scope of that class, an expected verdict the class accepts.
 *
 * @module
 */
import type { LintIssue } from '../artifacts.ts';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { applicableClasses, decisionClass, REQUIRED_DECISION_CLASSES } from '../required-classes.ts';
import { lintIssue } from './lint-issue.ts';
import type { TestCaseLines } from './test-case-lines.ts';

/**
 * The class issues, and the classes required and covered (in the classes' order).
 *
 * @example
 * ```ts
 * const { issues, required, covered } = classCoverage(bundle, fileOnlyTestCaseLines);
 * required.filter((c) => !covered.includes(c)); // the untested ones
 * ```
 */
export function classCoverage(bundle: CompiledBundle, at: TestCaseLines): { issues: LintIssue[]; required: string[]; covered: string[] } {
  const issues: LintIssue[] = [];
  const claimed = new Set<string>();
  const known = REQUIRED_DECISION_CLASSES.map((c) => c.id).join(', ');
  for (const { file, cases } of bundle.document.tests) {
    cases.forEach((c, index) => {
      if (c.class === undefined) return;
      const location = at(file, index);
      const label = `case ${JSON.stringify(c.name)}`;
      const cls = decisionClass(c.class);
      if (!cls) {
        issues.push(lintIssue('DECISION_CLASS_UNKNOWN', `${label} claims class ${JSON.stringify(c.class)}, which is not a required decision class (known: ${known})`, { location }));
        return;
      }
      if (!cls.action_scopes.includes(c.intent.action_scope)) {
        issues.push(
          lintIssue(
            'DECISION_CLASS_SCOPE_MISMATCH',
            `${label} claims class ${cls.id} but its action scope ${JSON.stringify(c.intent.action_scope)} is not one of the class's (${cls.action_scopes.join(', ')})`,
            { location },
          ),
        );
        return;
      }
      claimed.add(cls.id);
      if (!cls.expected.includes(c.expect.verdict)) {
        issues.push(
          lintIssue(
            'DECISION_CLASS_EXPECTATION_MISMATCH',
            `${label} claims class ${cls.id} (${cls.title}) but expects ${c.expect.verdict}; the class accepts ${cls.expected.join(' or ')}`,
            { location },
          ),
        );
      }
    });
  }
  const scopes = new Set(bundle.model.actions.keys());
  const required = applicableClasses(scopes);
  for (const cls of required) {
    if (claimed.has(cls.id)) continue;
    const declared = cls.action_scopes.filter((s) => scopes.has(s));
    issues.push(
      lintIssue(
        'REQUIRED_CLASS_UNTESTED',
        `no test case claims required decision class ${cls.id} (${cls.title}); add a ${declared.join(' or ')} case with "class: ${cls.id}" expecting ${cls.expected.join(' or ')}`,
        { location: { file: 'tests', line: null, column: null } },
      ),
    );
  }
  return {
    issues,
    required: required.map((c) => c.id),
    covered: REQUIRED_DECISION_CLASSES.filter((c) => claimed.has(c.id)).map((c) => c.id),
  };
}
