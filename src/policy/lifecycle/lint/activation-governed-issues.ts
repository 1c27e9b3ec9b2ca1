import type { CompiledBundle } from '../../compile-bundle.ts';
import { activationUngovernedReason } from '../activation-governed.ts';
import type { LintIssue } from '../artifacts.ts';
import { lintIssue } from './lint-issue.ts';

/**
 * `POLICY_ACTIVATE_UNGOVERNED` when the bundle, once active, would deny every later
 * policy change (`../activation-governed.ts`).
 *
 * @example
 * ```ts
 * activationGovernedIssues(loadBundleDir('policies/default')); // []
 * ```
 */
export function activationGovernedIssues(bundle: CompiledBundle): LintIssue[] {
  const why = activationUngovernedReason(bundle);
  return why ? [lintIssue('POLICY_ACTIVATE_UNGOVERNED', why, { location: { file: 'schema.cedarschema', line: null, column: null } })] : [];
}
