/**
 * Decision rows: insert, read, list, and status transitions. Rows are written only
 * together with their ledger entries (callers pass the transaction).
 *
 * @module
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { isSha256Ref, type Sha256Ref } from '../../crypto/hash.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { Intent } from '../../policy/intent.ts';
import type { Database } from '../../store/schema.ts';
import { engineDb, type DecisionsTable } from '../tables.ts';
import type { Decision, DecisionBody, DecisionStatus } from './model.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Row = Selectable<DecisionsTable>;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** A decision together with the intent it decided. */
export interface StoredDecision {
  decision: Decision;
  /** The canonical intent (without `idempotency_key`). */
  intent: Omit<Intent, 'idempotency_key'>;
  idempotency_key: string | null;
}

function fromRow(r: Row): StoredDecision {
  const body = JSON.parse(r.body_jcs) as DecisionBody;
  if (!isSha256Ref(r.decision_hash)) throw new WritError('INTERNAL', `decision ${r.decision_id}: stored hash is malformed`);
  return {
    decision: { ...body, decision_hash: r.decision_hash as Sha256Ref, status: r.status, status_changed_at: iso(r.status_changed_at) },
    intent: JSON.parse(r.intent_jcs) as Omit<Intent, 'idempotency_key'>,
    idempotency_key: r.idempotency_key,
  };
}

/**
 * Inserts a new decision row.
 *
 * @example
 * ```ts
 * await insertDecision(trx, { decision, intent, intentJcs, bodyJcs, idempotencyKey: null });
 * ```
 */
export async function insertDecision(
  trx: Transaction<Database>,
  input: { decision: Decision; intent: Omit<Intent, 'idempotency_key'>; intentJcs: string; bodyJcs: string; idempotencyKey: string | null },
): Promise<void> {
  const d = input.decision;
  const x = input.intent.execution_identity;
  await engineDb(trx)
    .insertInto('decisions')
    .values({
      decision_id: d.decision_id,
      decision_hash: d.decision_hash,
      body_jcs: input.bodyJcs,
      intent_jcs: input.intentJcs,
      intent_digest: d.intent_digest,
      idempotency_key: input.idempotencyKey,
      action_scope: d.action_scope,
      principal_type: input.intent.principal.type,
      principal_id: input.intent.principal.id,
      resource_id: input.intent.resource.id,
      exec_identity_hash: d.exec_identity_hash,
      spiffe_id: x.spiffe_id ?? null,
      agent_id: x.agent_id ?? null,
      pipeline_id: x.pipeline_id ?? null,
      verdict: d.verdict,
      approver_groups: JSON.stringify(d.obligations.approver_groups),
      approvals_required: d.obligations.approvals_required,
      policy_bundle_hash: d.policy_bundle_hash,
      enforcement_epoch: d.enforcement_epoch,
      break_glass: d.break_glass,
      status: d.status,
      created_at: d.created_at,
      expires_at: d.expires_at,
      status_changed_at: d.status_changed_at,
    })
    .execute();
}

/**
 * Reads one decision, or null. `forUpdate` locks the row in the caller's transaction
 * (approvals and token issuance serialise on it).
 *
 * @example
 * ```ts
 * const stored = await getDecision(store.db, 'dec_…');
 * ```
 */
export async function getDecision(db: Db, decisionId: string, options: { forUpdate?: boolean } = {}): Promise<StoredDecision | null> {
  let q = engineDb(db as Kysely<Database>).selectFrom('decisions').selectAll().where('decision_id', '=', decisionId);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? fromRow(row) : null;
}

/**
 * The decision with this `decision_hash`, or null (the gateway looks decisions up by hash).
 *
 * @example
 * ```ts
 * const stored = await getDecisionByHash(store.db, claims.decision_hash);
 * ```
 */
export async function getDecisionByHash(db: Db, decisionHash: string): Promise<StoredDecision | null> {
  const row = await engineDb(db as Kysely<Database>).selectFrom('decisions').selectAll().where('decision_hash', '=', decisionHash).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/**
 * The decision submitted under an idempotency key, or null.
 *
 * @example
 * ```ts
 * const prior = await findByIdempotencyKey(store.db, 'deploy-42');
 * ```
 */
export async function findByIdempotencyKey(db: Db, key: string): Promise<StoredDecision | null> {
  const row = await engineDb(db as Kysely<Database>).selectFrom('decisions').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/**
 * Lists decisions, newest first, optionally by status and by a required approver group.
 *
 * @example
 * ```ts
 * await listDecisions(store.db, { status: 'pending_approval', group: 'platform-security', limit: 50 });
 * ```
 */
export async function listDecisions(db: Db, filter: { status?: DecisionStatus; group?: string; limit?: number; now?: Date }): Promise<StoredDecision[]> {
  let q = engineDb(db as Kysely<Database>).selectFrom('decisions').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.group) q = q.where((eb) => eb(eb.cast<string>('approver_groups', 'jsonb'), '@>', JSON.stringify([filter.group])));
  const rows = await q.orderBy('created_at', 'desc').orderBy('decision_id').limit(filter.limit ?? 100).execute();
  return rows.map(fromRow);
}

/**
 * Moves a decision from `from` to `to` in the caller's transaction; false when it was
 * no longer in `from` (someone else moved it first).
 *
 * @example
 * ```ts
 * await transitionStatus(trx, id, 'pending_approval', 'approved', clock.now());
 * ```
 */
export async function transitionStatus(trx: Transaction<Database>, decisionId: string, from: DecisionStatus, to: DecisionStatus, at: Date): Promise<boolean> {
  const r = await engineDb(trx)
    .updateTable('decisions')
    .set({ status: to, status_changed_at: at })
    .where('decision_id', '=', decisionId)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * The active enforcement epoch (the highest epoch in state `active`).
 *
 * @throws {WritError} `INTERNAL` when no epoch is active (tokens must not be issued).
 *
 * @example
 * ```ts
 * const epoch = await activeEpoch(store.db); // 1
 * ```
 */
export async function activeEpoch(db: Db): Promise<number> {
  const row = await engineDb(db as Kysely<Database>).selectFrom('enforcement_epochs').select('epoch').where('state', '=', 'active').orderBy('epoch', 'desc').limit(1).executeTakeFirst();
  if (!row) throw new WritError('INTERNAL', 'no active enforcement epoch');
  return row.epoch;
}
