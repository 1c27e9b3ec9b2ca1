/**
 * `writ policy diff A B`: what a policy change means. Policies by `@id` (added,
 * removed, changed — effect, scope, conditions, annotations, file), the schema by
 * definition, and the decisions: required fixtures, both bundles' test cases and a
 * generated corpus evaluated under both, every case that decides differently listed.
 * Works on compiled bundles from anywhere (directories, the store).
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import { LIFECYCLE_SCHEMAS, type BundleRef, type SemanticDiff } from '../artifacts.ts';
import type { CorpusOptions } from '../corpus/generate-corpus.ts';
import { diffDecisions } from './decision-diff.ts';
import { diffPolicies } from './policy-diff.ts';
import { diffSchemas, type SchemaDiff } from './schema-diff.ts';

/**
 * A semantic diff whose schema part also lists common types added and removed.
 *
 * @example
 * ```ts
 * const d: BundleDiff = diffBundles(before, after);
 * d.schema.common_types_added; // []
 * ```
 */
export interface BundleDiff extends SemanticDiff {
  schema: SchemaDiff;
}

/**
 * Options of {@link diffBundles}.
 *
 * @example
 * ```ts
 * const opts: DiffOptions = { corpus: { seed: 1, perAction: 100 } };
 * ```
 */
export interface DiffOptions {
  corpus?: CorpusOptions;
}

/**
 * The bundle reference of a compiled bundle.
 *
 * @example
 * ```ts
 * bundleRef(bundle); // { bundle_id: 'writ-default', version: '1.0.0', policy_bundle_hash: 'sha256:…' }
 * ```
 */
export function bundleRef(b: CompiledBundle): BundleRef {
  return { bundle_id: b.document.manifest.id, version: b.document.manifest.version, policy_bundle_hash: b.policy_bundle_hash };
}

/**
 * True when the diff shows no semantic change (the hashes may still differ: comments,
 * formatting, test cases, manifest).
 *
 * @example
 * ```ts
 * hasSemanticChange(diffBundles(a, a)); // false
 * ```
 */
export function hasSemanticChange(d: SemanticDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length > 0 || d.schema.changed || d.decisions.changed_count > 0;
}

/**
 * Diffs bundle `a` (before) against `b` (after).
 *
 * @example
 * ```ts
 * const d = diffBundles(loadBundleDir('policies/default'), loadBundleDir('candidate'));
 * d.removed;                                   // ['promotion.forbid.phase_hold']
 * d.decisions.changes[0]?.after.verdict;       // 'require_approval'
 * ```
 */
export function diffBundles(a: CompiledBundle, b: CompiledBundle, opts: DiffOptions = {}): BundleDiff {
  const policies = diffPolicies(a, b);
  return {
    schema_version: LIFECYCLE_SCHEMAS.semantic_diff,
    from: bundleRef(a),
    to: bundleRef(b),
    added: policies.added.map((p) => p.policy_id),
    removed: policies.removed.map((p) => p.policy_id),
    changed: policies.changed.map((p) => p.policy_id),
    policies,
    schema: diffSchemas(a, b),
    decisions: diffDecisions(a, b, opts.corpus ?? {}),
  };
}
