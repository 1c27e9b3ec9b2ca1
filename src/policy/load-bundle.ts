/**
 * Loading a bundle directory: read it ({@link readBundleDir}), then check and compile
 * the document ({@link checkBundleDocument}).
 *
 * @module
 */
import { checkBundleDocument, type BundleCheck, type CompiledBundle } from './compile-bundle.ts';
import { PolicyBundleInvalidError } from './problems.ts';
import { readBundleDir } from './read-bundle-dir.ts';

/**
 * Reads and checks a bundle directory without throwing: problems from reading the
 * files and from checking the document, the hash when the files could be read, and
 * the compiled bundle when there is no problem.
 *
 * @example
 * ```ts
 * const r = inspectBundleDir('policies/default');
 * console.log(r.policy_bundle_hash, r.problems.length);
 * ```
 */
export function inspectBundleDir(dir: string): BundleCheck {
  const read = readBundleDir(dir);
  if (!read.document) return { document: null, policy_bundle_hash: null, problems: read.problems, warnings: [], bundle: null };
  return checkBundleDocument(read.document);
}

/**
 * Loads a bundle directory into a {@link CompiledBundle}, or throws
 * {@link PolicyBundleInvalidError} listing every problem (file, line, policy id).
 *
 * @example
 * ```ts
 * const bundle = loadBundleDir('policies/default');
 * bundle.document.manifest.id; // 'writ-default'
 * ```
 */
export function loadBundleDir(dir: string): CompiledBundle {
  const r = inspectBundleDir(dir);
  if (!r.bundle) throw new PolicyBundleInvalidError(r.problems, `policy bundle ${dir}`);
  return r.bundle;
}
