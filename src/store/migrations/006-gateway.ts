import type { Migration } from '../migration.ts';

/**
 * The execution gateway: every authorize_execution request, allowed or denied, and
 * the one-time use of token ids.
 *
 * - `authorizations`: one row per request. `state` is `denied` for a DENY; an ALLOW
 *   starts `pending` and becomes `committed` once its ledger entry is integrated, or
 *   `compensated` when it was not within the commit timeout (the jti is then revoked).
 * - `consumed_jtis`: the primary key makes the one-time use atomic across every
 *   replica on the same database; written in the transaction of the ALLOW record.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, MIGRATIONS);
 * ```
 */
export const gatewayMigration: Migration = {
  name: '006-gateway',
  statements: [
    `create table authorizations (
       authorization_id text primary key,
       verdict text not null check (verdict in ('ALLOW', 'DENY')),
       denial_code text,
       reason text,
       decision_id text,
       decision_hash text,
       token_jti text,
       kid text,
       action_scope text,
       agent_id text,
       spiffe_id text,
       region text,
       policy_bundle_hash text,
       enforcement_epoch integer,
       outbox_id bigint,
       evaluated_at timestamptz not null,
       state text not null check (state in ('pending', 'committed', 'compensated', 'denied')),
       state_changed_at timestamptz not null,
       check ((verdict = 'DENY') = (denial_code is not null)),
       check ((verdict = 'DENY') = (state = 'denied'))
     )`,
    `create index authorizations_pending on authorizations (evaluated_at) where state = 'pending'`,
    `create index authorizations_by_decision on authorizations (decision_hash)`,
    `create table consumed_jtis (
       jti text primary key,
       authorization_id text not null,
       consumed_at timestamptz not null
     )`,
  ],
};
