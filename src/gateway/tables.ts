import type { Kysely, Transaction } from 'kysely';
import type { Database, Timestamp } from '../store/schema.ts';
import type { EngineDatabase } from '../engine/tables.ts';

/** `authorizations`: one row per authorize_execution request. */
export interface AuthorizationsTable {
  authorization_id: string;
  verdict: 'ALLOW' | 'DENY';
  denial_code: string | null;
  reason: string | null;
  decision_id: string | null;
  decision_hash: string | null;
  token_jti: string | null;
  kid: string | null;
  action_scope: string | null;
  agent_id: string | null;
  spiffe_id: string | null;
  region: string | null;
  policy_bundle_hash: string | null;
  enforcement_epoch: number | null;
  outbox_id: number | null;
  evaluated_at: Timestamp;
  state: 'pending' | 'committed' | 'compensated' | 'denied';
  state_changed_at: Timestamp;
}

/** `consumed_jtis`: every token id used for an ALLOW (one-time use). */
export interface ConsumedJtisTable {
  jti: string;
  authorization_id: string;
  consumed_at: Timestamp;
}

/** `Database` with the engine's and the gateway's tables. */
export type GatewayDatabase = EngineDatabase & { authorizations: AuthorizationsTable; consumed_jtis: ConsumedJtisTable };

/**
 * Widens a store handle to the gateway tables (type-only; migration 006 creates them).
 *
 * @example
 * ```ts
 * await gatewayDb(store.db).selectFrom('authorizations').selectAll().execute();
 * ```
 */
export function gatewayDb<T extends Kysely<Database> | Transaction<Database>>(db: T): T extends Transaction<Database> ? Transaction<GatewayDatabase> : Kysely<GatewayDatabase> {
  return db as never;
}
