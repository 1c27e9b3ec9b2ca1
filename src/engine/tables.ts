import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database, Timestamp } from '../store/schema.ts';
import type { SignalTables } from './signals/tables.ts';

type JsonArray = ColumnType<string[], string, string>;

/** `decisions`: one row per decision; only `status` and `status_changed_at` ever change. */
export interface DecisionsTable {
  decision_id: string;
  decision_hash: string;
  /** RFC 8785 text of the decision body `decision_hash` is the SHA-256 of. */
  body_jcs: string;
  /** RFC 8785 text of the intent; `intent_digest` is its SHA-256. */
  intent_jcs: string;
  intent_digest: string;
  idempotency_key: string | null;
  action_scope: string;
  principal_type: string;
  principal_id: string;
  resource_id: string;
  exec_identity_hash: string;
  spiffe_id: string | null;
  agent_id: string | null;
  pipeline_id: string | null;
  verdict: 'allow' | 'deny' | 'require_approval';
  approver_groups: JsonArray;
  approvals_required: number;
  policy_bundle_hash: string;
  enforcement_epoch: number;
  break_glass: ColumnType<boolean, boolean | undefined, boolean>;
  status: 'pending_approval' | 'approved' | 'rejected' | 'allowed' | 'denied' | 'expired' | 'revoked';
  created_at: Timestamp;
  expires_at: Timestamp;
  status_changed_at: Timestamp;
}

/** `approvals`: accepted approvals and rejections, one per approver per decision. */
export interface ApprovalsTable {
  approval_id: string;
  decision_id: string;
  decision_hash: string;
  approver_iss: string;
  approver_sub: string;
  approver_groups: JsonArray;
  verdict: 'approve' | 'reject';
  method: 'jws' | 'oidc';
  signature_ref: string;
  nonce: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
  recorded_at: Timestamp;
}

/** `approval_nonces`: every nonce ever presented (single use). */
export interface ApprovalNoncesTable {
  nonce: string;
  decision_id: string;
  seen_at: Timestamp;
}

/** `approver_keys`: approvers' public JWS keys, bound to the OIDC identity that registered them. */
export interface ApproverKeysTable {
  kid: string;
  approver_iss: string;
  approver_sub: string;
  approver_groups: JsonArray;
  alg: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  registered_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** `workload_credentials`: interim workload bearer credentials (hash of the secret only). */
export interface WorkloadCredentialsTable {
  credential_id: string;
  secret_hash: string;
  spiffe_id: string | null;
  agent_id: string | null;
  pipeline_id: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** `issued_tokens`: one row per attestation token (never the token itself). */
export interface IssuedTokensTable {
  jti: string;
  decision_id: string;
  token_hash: string;
  kid: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
}

/** `break_glass`: one row per break-glass decision, with its review state. */
export interface BreakGlassTable {
  decision_id: string;
  requested_by_iss: string;
  requested_by_sub: string;
  level: 'L4' | 'L5';
  reason_category: string;
  reason_summary: string;
  incident_ref: string | null;
  ttl_seconds: number;
  used_at: Timestamp;
  review_due_at: Timestamp;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  review_outcome: string | null;
  review_notes: string | null;
}

/** `enforcement_epochs`: epoch states (the gateway moves them). */
export interface EnforcementEpochsTable {
  epoch: number;
  state: 'active' | 'draining' | 'deprecated';
  changed_at: Timestamp;
}

/** The engine's tables. */
export interface EngineTables {
  decisions: DecisionsTable;
  approvals: ApprovalsTable;
  approval_nonces: ApprovalNoncesTable;
  approver_keys: ApproverKeysTable;
  workload_credentials: WorkloadCredentialsTable;
  issued_tokens: IssuedTokensTable;
  break_glass: BreakGlassTable;
  enforcement_epochs: EnforcementEpochsTable;
}

/** `Database` with the engine's and the signals' tables. */
export type EngineDatabase = Database & EngineTables & SignalTables;

/**
 * Widens a store handle to the engine tables (a type-only cast; migration 005 creates them).
 *
 * @example
 * ```ts
 * await engineDb(store.db).selectFrom('decisions').selectAll().execute();
 * ```
 */
export function engineDb<T extends Kysely<Database> | Transaction<Database>>(db: T): T extends Transaction<Database> ? Transaction<EngineDatabase> : Kysely<EngineDatabase> {
  return db as never;
}
