/**
 * Where the policy bundle that ships with Writ lives (`policies/default/` at the
 * package root), for `writ init`, tests and tooling.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the default bundle directory. Resolved from this module, so it is
 * right both from the sources (`src/policy/`) and from the build (`dist/policy/`).
 *
 * @example
 * ```ts
 * const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
 * ```
 */
export const DEFAULT_BUNDLE_DIR: string = fileURLToPath(new URL('../../policies/default/', import.meta.url));
