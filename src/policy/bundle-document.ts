/**
 * The canonical bundle document: one JSON value that holds a whole policy bundle
 * (manifest, Cedar schema text, Cedar policy texts sorted by file name, decision test
 * cases). Its `policy_bundle_hash` is `sha256:` of its RFC 8785 canonical bytes, so the
 * hash names exactly what is evaluated (invariant 5).
 *
 * Cedar files enter verbatim (any byte change, comments included, changes the hash);
 * YAML files (`bundle.yaml`, `tests/*.yaml`) enter by their parsed value, with test
 * defaults already expanded, so YAML comments and formatting do not.
 *
 * @module
 */
import { hashCanonical, type Sha256Ref } from '../crypto/hash.ts';
import type { DenyCode, Risk, Verdict } from './decision.ts';
import type { Intent, PolicySignals } from './intent.ts';

/**
 * Format tag of a bundle document; bumped on any incompatible change of its shape.
 *
 * @example
 * ```ts
 * doc.format === BUNDLE_FORMAT; // 'writ.policy_bundle.v1'
 * ```
 */
export const BUNDLE_FORMAT = 'writ.policy_bundle.v1';

/**
 * `bundle.yaml`: what the bundle is.
 *
 * @example
 * ```ts
 * const m: BundleManifest = { id: 'writ-default', version: '1.0.0', description: 'Default Writ policy' };
 * ```
 */
export interface BundleManifest {
  id: string;
  version: string;
  description: string;
}

/**
 * One `policies/*.cedar` file, verbatim.
 *
 * @example
 * ```ts
 * const f: BundlePolicyFile = { file: 'promotion.cedar', text: '@id("p") permit (principal, action, resource);\n' };
 * ```
 */
export interface BundlePolicyFile {
  /** File name inside `policies/`. */
  file: string;
  text: string;
}

/**
 * What a decision test expects. Only the fields given are compared; `reasons` and
 * `approver_groups` compare as sets.
 *
 * @example
 * ```ts
 * const e: BundleTestExpectation = { verdict: 'require_approval', obligations: { approvals_required: 2 } };
 * ```
 */
export interface BundleTestExpectation {
  verdict: Verdict;
  reasons?: string[];
  deny_code?: DenyCode;
  obligations?: {
    approvals_required?: number;
    approver_groups?: string[];
    risk?: Risk | null;
    break_glass_allowed?: boolean;
  };
}

/**
 * One decision test case, with defaults expanded: the intent, the signals and the
 * instant to evaluate at (ISO 8601, UTC), and what to expect.
 *
 * @example
 * ```ts
 * const c: BundleTestCase = { name: 'staging promotion is allowed', intent, signals: NO_SIGNALS, now: '2025-01-01T00:00:00Z', expect: { verdict: 'allow' } };
 * ```
 */
export interface BundleTestCase {
  name: string;
  /**
   * The decision class this case demonstrates (e.g. `production_promotion`), when it is
   * one of the classes the policy lifecycle requires tests for
   * (`src/policy/lifecycle/required-classes.ts`). Optional; absent from the document
   * when not given.
   */
  class?: string;
  intent: Intent;
  signals: PolicySignals;
  now: string;
  expect: BundleTestExpectation;
}

/**
 * One `tests/*.yaml` file: its cases in file order.
 *
 * @example
 * ```ts
 * const t: BundleTestFile = { file: 'promotion.yaml', cases: [] };
 * ```
 */
export interface BundleTestFile {
  /** File name inside `tests/`. */
  file: string;
  cases: BundleTestCase[];
}

/**
 * The canonical document of a bundle. `policies` and `tests` are sorted by file name
 * (UTF-16 code unit order, as RFC 8785 sorts keys), so equal content gives one document.
 *
 * @example
 * ```ts
 * const doc: BundleDocument = { format: BUNDLE_FORMAT, manifest, schema: schemaText, policies: [], tests: [] };
 * ```
 */
export interface BundleDocument {
  format: typeof BUNDLE_FORMAT;
  manifest: BundleManifest;
  /** `schema.cedarschema`, verbatim (Cedar human-readable schema). */
  schema: string;
  policies: BundlePolicyFile[];
  tests: BundleTestFile[];
}

/**
 * `policy_bundle_hash` of a document: `sha256:` + hex SHA-256 of its JCS bytes.
 *
 * @throws {WritError} `JCS_INVALID_INPUT` when the value is not I-JSON.
 *
 * @example
 * ```ts
 * hashBundleDocument(doc); // 'sha256:4f1c…'
 * ```
 */
export function hashBundleDocument(doc: BundleDocument): Sha256Ref {
  return hashCanonical(doc);
}

/**
 * Orders file names as RFC 8785 orders object keys (UTF-16 code units), independent of
 * locale and of the order a directory listing returns.
 *
 * @example
 * ```ts
 * ['b.cedar', 'B.cedar', 'a.cedar'].sort(compareFileNames); // ['B.cedar', 'a.cedar', 'b.cedar']
 * ```
 */
export function compareFileNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
