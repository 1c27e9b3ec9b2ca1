/**
 * Kysely row types of the tables created by migration `003-policy`. They belong in
 * `src/store/schema.ts` (`Database`); until they are there, `bundle-store.ts` widens
 * its handle with {@link PolicyTables}.
 *
 * @module
 */
import type { Generated } from 'kysely';
import type { Timestamp } from '../store/schema.ts';

/**
 * `policy_bundles`: immutable, hash-addressed bundle documents (append-only).
 *
 * @example
 * ```ts
 * const row: Selectable<PolicyBundlesTable> = { policy_bundle_hash: 'sha256:…', bundle_id: 'writ-default', version: '1.0.0', document_jcs: '{…}', stored_at: new Date() };
 * ```
 */
export interface PolicyBundlesTable {
  policy_bundle_hash: string;
  bundle_id: string;
  version: string;
  /** The RFC 8785 text whose SHA-256 is `policy_bundle_hash`. */
  document_jcs: string;
  stored_at: Timestamp;
}

/**
 * `policy_active`: the singleton row naming the active bundle.
 *
 * @example
 * ```ts
 * const row = await db.selectFrom('policy_active').selectAll().executeTakeFirst();
 * ```
 */
export interface PolicyActiveTable {
  singleton: Generated<boolean>;
  policy_bundle_hash: string;
  activated_at: Timestamp;
}

/**
 * The policy tables, to intersect with `Database`.
 *
 * @example
 * ```ts
 * const db = store.db as unknown as Kysely<Database & PolicyTables>;
 * ```
 */
export interface PolicyTables {
  policy_bundles: PolicyBundlesTable;
  policy_active: PolicyActiveTable;
}
