import type { Migration } from '../migration.ts';

/**
 * The ledger: entries (the exact RFC 8785 bytes each leaf hash covers), complete
 * subtree hashes (level ≥ 1; level 0 is `ledger_entries.leaf_hash`), signed
 * checkpoints, and the outbox other transactions enqueue into. Entries, nodes and
 * checkpoints are append-only: triggers refuse UPDATE, DELETE and TRUNCATE.
 */
export const ledger: Migration = {
  name: '002-ledger',
  statements: [
    `create table ledger_entries (
       seq bigint primary key check (seq >= 0),
       stream_id text not null,
       entry_type text not null,
       entry_jcs text not null,
       leaf_hash bytea not null check (length(leaf_hash) = 32),
       outbox_id bigint unique,
       recorded_at timestamptz not null
     )`,
    `create index ledger_entries_by_stream on ledger_entries (stream_id, seq)`,
    `create table ledger_nodes (
       level smallint not null check (level >= 1),
       idx bigint not null check (idx >= 0),
       hash bytea not null check (length(hash) = 32),
       primary key (level, idx)
     )`,
    `create table ledger_checkpoints (
       tree_size bigint primary key check (tree_size >= 0),
       root_hash bytea not null check (length(root_hash) = 32),
       note text not null,
       kid text not null,
       created_at timestamptz not null
     )`,
    `create table ledger_outbox (
       id bigserial primary key,
       stream_id text not null,
       entry_type text not null,
       payload jsonb not null,
       enqueued_at timestamptz not null default now()
     )`,
    `create function writ_ledger_append_only() returns trigger language plpgsql as $$
     begin
       raise exception 'ledger table % is append-only: % refused', tg_table_name, tg_op using errcode = 'WL001';
     end
     $$`,
    ...['ledger_entries', 'ledger_nodes', 'ledger_checkpoints'].flatMap((t) => [
      `create trigger ${t}_no_update_delete before update or delete on ${t} for each row execute function writ_ledger_append_only()`,
      `create trigger ${t}_no_truncate before truncate on ${t} for each statement execute function writ_ledger_append_only()`,
    ]),
  ],
};
