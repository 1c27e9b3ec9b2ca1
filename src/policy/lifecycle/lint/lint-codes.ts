/**
 * The stable codes of `writ policy lint`, each with its severity. The table in
 * `README.md` (next to this file) documents them; a code never changes meaning once
 * released (add a new one instead).
 *
 * @module
 */
import type { LintSeverity } from '../artifacts.ts';

/**
 * Every lint code and its severity.
 *
 * @example
 * ```ts
 * LINT_CODES.APPROVER_GROUP_UNKNOWN; // 'blocker'
 * ```
 */
export const LINT_CODES = {
  BUNDLE_DIR_UNREADABLE: 'blocker',
  BUNDLE_INVALID: 'blocker',
  APPROVER_GROUP_UNKNOWN: 'blocker',
  REQUIRED_CLASS_UNTESTED: 'blocker',
  DECISION_CLASS_UNKNOWN: 'blocker',
  DECISION_CLASS_SCOPE_MISMATCH: 'blocker',
  DECISION_CLASS_EXPECTATION_MISMATCH: 'blocker',
  TEST_FAILING: 'blocker',
  POLICY_ACTIVATE_UNGOVERNED: 'blocker',
  POLICY_IMPOSSIBLE: 'warning',
  POLICY_NO_APPLICABLE_ACTION: 'warning',
  CEDAR_VALIDATION_WARNING: 'warning',
  TEST_CASE_ACTION_UNDECLARED: 'warning',
  SCHEMA_NO_ACTION: 'warning',
  BUNDLE_WARNING: 'warning',
  MANIFEST_DESCRIPTION_MISSING: 'warning',
  MANIFEST_VERSION_NOT_SEMVER: 'warning',
  APPROVER_GROUPS_UNCHECKED: 'warning',
  TESTS_MISSING: 'warning',
  POLICY_NEVER_APPLIES_SAMPLED: 'warning',
  POLICY_SHADOWED_BY_FORBID: 'warning',
} as const satisfies Record<string, LintSeverity>;

/**
 * A lint code.
 *
 * @example
 * ```ts
 * const code: LintCode = 'POLICY_SHADOWED_BY_FORBID';
 * ```
 */
export type LintCode = keyof typeof LINT_CODES;
