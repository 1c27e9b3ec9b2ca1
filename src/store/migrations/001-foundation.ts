import type { Migration } from '../migration.ts';

/** Store metadata, keyring and admin credentials. */
export const foundation: Migration = {
  name: '001-foundation',
  statements: [
    `create table writ_meta (
       key text primary key,
       value text not null
     )`,
    `create table keyring_keys (
       kid text primary key,
       alg text not null check (alg in ('EdDSA', 'ES256')),
       purpose text not null check (purpose in ('token', 'ledger')),
       status text not null check (status in ('active', 'retired', 'revoked')),
       provider text not null,
       public_jwk jsonb not null,
       private_ref text not null,
       created_at timestamptz not null,
       retired_at timestamptz,
       revoked_at timestamptz,
       revocation_reason text
     )`,
    // At most one active key per purpose: rotation retires the old one in the same transaction.
    `create unique index keyring_one_active_per_purpose on keyring_keys (purpose) where status = 'active'`,
    `create table admin_credentials (
       id text primary key,
       token_sha256 text not null unique,
       created_at timestamptz not null,
       revoked_at timestamptz
     )`,
    `create table writ_test_probe (
       id serial primary key,
       note text not null
     )`,
  ],
};
