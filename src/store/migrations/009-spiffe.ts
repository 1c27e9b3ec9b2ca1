import type { Migration } from '../migration.ts';

/**
 * The built-in dev CA of SPIFFE workload identity (dev mode only): one row per CA
 * generation of a trust domain. Private keys are held only as references of the key
 * provider (for the local provider an AES-256-GCM envelope under the master key),
 * never as plaintext. Rows are never updated or deleted: a new generation replaces an
 * expired CA, and `(trust_domain, generation)` is unique, so two replicas creating
 * the first CA at once agree on one.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, [...MIGRATIONS, spiffeMigration]);
 * ```
 */
export const spiffeMigration: Migration = {
  name: '009-spiffe',
  statements: [
    `create table spiffe_dev_cas (
       ca_kid text primary key,
       trust_domain text not null check (length(trust_domain) between 1 and 255),
       generation integer not null check (generation >= 1),
       provider text not null,
       ca_private_ref text not null,
       ca_cert_pem text not null,
       jwt_kid text not null unique,
       jwt_public_jwk jsonb not null check (jsonb_typeof(jwt_public_jwk) = 'object'),
       jwt_private_ref text not null,
       created_at timestamptz not null,
       not_after timestamptz not null,
       check (not_after > created_at),
       unique (trust_domain, generation)
     )`,
    `create function writ_spiffe_dev_cas_guard() returns trigger language plpgsql as $$
     begin
       raise exception 'spiffe_dev_cas is append-only: % refused', tg_op using errcode = 'WS001';
     end
     $$`,
    `create trigger spiffe_dev_cas_guard before update or delete on spiffe_dev_cas for each row execute function writ_spiffe_dev_cas_guard()`,
  ],
};
