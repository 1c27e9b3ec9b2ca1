import type { Migration } from '../migration.ts';

/**
 * Revocations and epoch draining (DESIGN §3.8).
 *
 * - `revocations`: one row per revoked jti, kid or agent (agent_id or spiffe_id),
 *   unique per kind + value. Rows are never changed or deleted (a trigger refuses it):
 *   a revocation is permanent, and every replica's view relies on the table only
 *   growing (its completeness check compares row counts).
 * - Every new revocation, and every key the keyring marks revoked, is announced on
 *   the `writ_revocations` NOTIFY channel by a trigger, so the announcement commits
 *   with the change (payload: row id, kind and value; never a secret).
 * - `enforcement_epochs` gains `drain_until` (end of a draining epoch's grace) and
 *   `grace_seconds` (the grace it was given); at most one epoch is active.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, [...MIGRATIONS, revocationsMigration]);
 * ```
 */
export const revocationsMigration: Migration = {
  name: '007-revocations',
  statements: [
    `create table revocations (
       id bigserial primary key,
       kind text not null check (kind in ('jti', 'kid', 'agent')),
       value text not null check (length(value) between 1 and 2048),
       reason text not null check (length(reason) between 1 and 500),
       actor text not null,
       created_at timestamptz not null,
       unique (kind, value)
     )`,
    `create function writ_revocations_immutable() returns trigger language plpgsql as $$
     begin
       raise exception 'revocations are never changed or deleted' using errcode = 'WR001';
     end
     $$`,
    `create trigger revocations_immutable before update or delete on revocations for each row execute function writ_revocations_immutable()`,
    `create function writ_revocations_notify() returns trigger language plpgsql as $$
     begin
       perform pg_notify('writ_revocations', json_build_object('id', new.id, 'kind', new.kind, 'value', new.value)::text);
       return null;
     end
     $$`,
    `create trigger revocations_notify after insert on revocations for each row execute function writ_revocations_notify()`,
    `create function writ_keyring_revoked_notify() returns trigger language plpgsql as $$
     begin
       if new.status = 'revoked' and (tg_op = 'INSERT' or old.status is distinct from 'revoked') then
         perform pg_notify('writ_revocations', json_build_object('source', 'keyring', 'kind', 'kid', 'value', new.kid)::text);
       end if;
       return null;
     end
     $$`,
    `create trigger keyring_revoked_notify after insert or update of status on keyring_keys for each row execute function writ_keyring_revoked_notify()`,
    `alter table enforcement_epochs add column drain_until timestamptz`,
    `alter table enforcement_epochs add column grace_seconds integer check (grace_seconds >= 0)`,
    `alter table enforcement_epochs add constraint enforcement_epochs_drain_deadline check (state <> 'draining' or drain_until is not null)`,
    `create unique index enforcement_epochs_one_active on enforcement_epochs (state) where state = 'active'`,
  ],
};
