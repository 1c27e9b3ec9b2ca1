import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database, Timestamp } from '../../store/schema.ts';
import type { DecisionSummary, DivergenceSeverity } from '../../policy/lifecycle/artifacts.ts';
import type { EngineTables } from '../tables.ts';
import type { SignalTables } from '../signals/tables.ts';

type Json<T> = ColumnType<T, string, string>;

/** `policy_shadows`: shadow runs; stopped once, never deleted (migration 010). */
export interface PolicyShadowsTable {
  shadow_id: string;
  candidate_policy_bundle_hash: string;
  active_policy_bundle_hash: string;
  started_at: Timestamp;
  started_by: string;
  min_observation_hours: number;
  dry_run_failed_count: number;
  stopped_at: Timestamp | null;
  stopped_by: string | null;
  stop_reason: string | null;
}

/** `policy_shadow_divergences`: live decisions the candidate would have decided differently. */
export interface PolicyShadowDivergencesTable {
  divergence_id: string;
  shadow_id: string;
  decision_id: string;
  observed_at: Timestamp;
  action_scope: string;
  resource_id: string;
  severity: DivergenceSeverity;
  active_outcome: Json<DecisionSummary>;
  candidate_outcome: Json<DecisionSummary>;
  explained_at: Timestamp | null;
  explained_by: string | null;
  explanation: string | null;
}

/** `policy_evidence`: immutable, hash-addressed evidence documents. */
export interface PolicyEvidenceTable {
  evidence_hash: string;
  kind: string;
  document_jcs: string;
  stored_at: Timestamp;
}

/** `policy_activation_evidence`: evidence bound to a `policy.activate` decision, by kind. */
export interface PolicyActivationEvidenceTable {
  decision_id: string;
  kind: string;
  evidence_hash: string;
}

/** The lifecycle tables. */
export interface LifecycleTables {
  policy_shadows: PolicyShadowsTable;
  policy_shadow_divergences: PolicyShadowDivergencesTable;
  policy_evidence: PolicyEvidenceTable;
  policy_activation_evidence: PolicyActivationEvidenceTable;
}

/** `Database` with the engine's, the signals' and the lifecycle tables. */
export type LifecycleDatabase = Database & EngineTables & SignalTables & LifecycleTables;

/**
 * Widens a store handle to the lifecycle tables (a type-only cast; migration 010 creates them).
 *
 * @example
 * ```ts
 * await lifecycleDb(store.db).selectFrom('policy_shadows').selectAll().execute();
 * ```
 */
export function lifecycleDb<T extends Kysely<Database> | Transaction<Database>>(db: T): T extends Transaction<Database> ? Transaction<LifecycleDatabase> : Kysely<LifecycleDatabase> {
  return db as never;
}
