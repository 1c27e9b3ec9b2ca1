/**
 * Lint of the bundle manifest (`bundle.yaml`) beyond what compiling checks: a release
 * reviewers can identify has a description and a semantic version.
 *
 * @module
 */
import type { LintIssue } from '../artifacts.ts';
import type { BundleManifest } from '../../bundle-document.ts';
import { lintIssue } from './lint-issue.ts';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const AT = { location: { file: 'bundle.yaml', line: null, column: null } };

/**
 * The manifest issues (empty when the metadata is complete).
 *
 * @example
 * ```ts
 * manifestIssues({ id: 'x', version: '1', description: '' }).map((i) => i.code);
 * // ['MANIFEST_DESCRIPTION_MISSING', 'MANIFEST_VERSION_NOT_SEMVER']
 * ```
 */
export function manifestIssues(m: BundleManifest): LintIssue[] {
  const out: LintIssue[] = [];
  if (typeof m.description !== 'string' || m.description.trim() === '') {
    out.push(lintIssue('MANIFEST_DESCRIPTION_MISSING', 'bundle.yaml has no description: say what the bundle governs, for reviewers and the version manifest', AT));
  }
  if (typeof m.version === 'string' && !SEMVER.test(m.version)) {
    out.push(lintIssue('MANIFEST_VERSION_NOT_SEMVER', `version ${JSON.stringify(m.version)} is not a semantic version (MAJOR.MINOR.PATCH, e.g. "1.2.0")`, AT));
  }
  return out;
}
