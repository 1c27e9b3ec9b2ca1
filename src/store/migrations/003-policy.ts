import type { Migration } from '../migration.ts';

/**
 * Policy bundles, immutable and hash-addressed (invariant 5), and the one active bundle.
 *
 * - `policy_bundles`: one row per bundle; `document_jcs` is exactly the RFC 8785 text
 *   whose SHA-256 is `policy_bundle_hash`. Append-only: triggers refuse UPDATE, DELETE
 *   and TRUNCATE, so a hash always names the same content.
 * - `policy_active`: a singleton row naming the active bundle and since when. Changing
 *   it is a governed action (`policy.activate`); it references a stored bundle.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, [...MIGRATIONS, policy]);
 * ```
 */
export const policy: Migration = {
  name: '003-policy',
  statements: [
    `create table policy_bundles (
       policy_bundle_hash text primary key check (policy_bundle_hash ~ '^sha256:[0-9a-f]{64}$'),
       bundle_id text not null,
       version text not null,
       document_jcs text not null,
       stored_at timestamptz not null
     )`,
    `create index policy_bundles_by_id on policy_bundles (bundle_id, stored_at)`,
    `create table policy_active (
       singleton boolean primary key default true check (singleton),
       policy_bundle_hash text not null references policy_bundles (policy_bundle_hash),
       activated_at timestamptz not null
     )`,
    `create function writ_policy_bundles_immutable() returns trigger language plpgsql as $$
     begin
       raise exception 'policy bundles are immutable: % on % refused', tg_op, tg_table_name using errcode = 'WP001';
     end
     $$`,
    `create trigger policy_bundles_no_update_delete before update or delete on policy_bundles for each row execute function writ_policy_bundles_immutable()`,
    `create trigger policy_bundles_no_truncate before truncate on policy_bundles for each statement execute function writ_policy_bundles_immutable()`,
  ],
};
