/**
 * Starting, stopping and reading shadow runs, and explaining their divergences. Every
 * change is ledgered in the run's stream (`<shadow_id>`) in the transaction that makes
 * it, and awaited.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { isSha256Ref, sha256Hex } from '../../../crypto/hash.ts';
import { WritError } from '../../../errors/writ-error.ts';
import { enqueueInTransaction } from '../../../ledger/sequencer.ts';
import { getBundle } from '../../../policy/bundle-store.ts';
import type { ShadowSummary } from '../../../policy/lifecycle/artifacts.ts';
import type { Database } from '../../../store/schema.ts';
import { actorName, type PolicyActor } from '../../activation/activate-bundle.ts';
import { awaitLedger } from '../../decisions/record-decision.ts';
import type { EngineDeps } from '../../engine-deps.ts';
import { ensureLifecycleEntryTypes } from '../entry-types.ts';
import { lifecycleDb } from '../tables.ts';
import { candidateDryRunFailures } from './candidate-dry-run.ts';
import { emptyShadowSummary, summarizeShadow, type ShadowRow } from './shadow-summary.ts';

/** Why a shadow request was refused (stable codes, in the problem's `reason`). */
export type ShadowRefusal = 'BUNDLE_NOT_STORED' | 'ALREADY_ACTIVE' | 'SHADOW_RUNNING' | 'NO_SHADOW_RUNNING' | 'DIVERGENCE_UNKNOWN' | 'ALREADY_EXPLAINED';

const refuse = (code: 'CONFLICT' | 'NOT_FOUND' | 'POLICY_BUNDLE_UNKNOWN', reason: ShadowRefusal, message: string) => new WritError(code, message, { reason });

/**
 * The running shadow run, if any (at most one runs at a time).
 *
 * @example
 * ```ts
 * const run = await runningShadow(store.db);
 * ```
 */
export async function runningShadow(db: Kysely<Database> | Transaction<Database>): Promise<ShadowRow | null> {
  return (await lifecycleDb(db).selectFrom('policy_shadows').selectAll().where('stopped_at', 'is', null).executeTakeFirst()) ?? null;
}

/**
 * The latest shadow run of a candidate bundle (running or stopped), if any.
 *
 * @example
 * ```ts
 * const run = await latestShadowOf(store.db, 'sha256:…');
 * ```
 */
export async function latestShadowOf(db: Kysely<Database> | Transaction<Database>, candidateHash: string): Promise<ShadowRow | null> {
  return (
    (await lifecycleDb(db)
      .selectFrom('policy_shadows')
      .selectAll()
      .where('candidate_policy_bundle_hash', '=', candidateHash)
      .orderBy('started_at', 'desc')
      .orderBy('shadow_id', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

/** Options of {@link startShadow}. */
export interface StartShadowRequest {
  policy_bundle_hash: string;
  /** Minimum observation time before activation (default: the configured one). */
  min_observation_hours?: number;
}

/**
 * Starts evaluating a stored candidate bundle beside the active one on every live
 * intent, without enforcing it. Its dry run (required decision classes) is run once,
 * now; failures are a promotion criterion.
 *
 * @throws {WritError} `POLICY_BUNDLE_UNKNOWN` (reason `BUNDLE_NOT_STORED`); `CONFLICT`
 *   (reason `ALREADY_ACTIVE` or `SHADOW_RUNNING`).
 *
 * @example
 * ```ts
 * const summary = await startShadow(engine, { kind: 'admin' }, { policy_bundle_hash: 'sha256:…' }, 24);
 * summary.state; // 'running'
 * ```
 */
export async function startShadow(deps: EngineDeps, actor: PolicyActor, request: StartShadowRequest, defaultMinHours: number): Promise<ShadowSummary> {
  ensureLifecycleEntryTypes();
  const hash = request.policy_bundle_hash;
  if (!isSha256Ref(hash)) throw new WritError('BAD_REQUEST', 'policy_bundle_hash must be sha256: followed by 64 lowercase hex digits');
  const minHours = request.min_observation_hours ?? defaultMinHours;
  if (!Number.isFinite(minHours) || minHours < 0 || minHours > 24 * 90) throw new WritError('BAD_REQUEST', 'min_observation_hours must be from 0 to 2160');
  const candidate = await getBundle(deps.store.db, hash);
  if (!candidate) throw refuse('POLICY_BUNDLE_UNKNOWN', 'BUNDLE_NOT_STORED', 'no stored policy bundle has this hash (push it first)');
  const failures = candidateDryRunFailures(candidate);
  const now = deps.clock.now();
  const shadowId = deps.ids.newId('shd');
  const ids = await deps.store.transaction(async (trx) => {
    const active = await trx.selectFrom('policy_active').select('policy_bundle_hash').forUpdate().executeTakeFirst();
    if (!active) throw new WritError('INTERNAL', 'no policy bundle is active');
    if (active.policy_bundle_hash === hash) throw refuse('CONFLICT', 'ALREADY_ACTIVE', 'this policy bundle is the active one; shadow a candidate');
    if (await runningShadow(trx)) throw refuse('CONFLICT', 'SHADOW_RUNNING', 'a shadow run is already running; stop it first');
    await lifecycleDb(trx)
      .insertInto('policy_shadows')
      .values({
        shadow_id: shadowId,
        candidate_policy_bundle_hash: hash,
        active_policy_bundle_hash: active.policy_bundle_hash,
        started_at: now,
        started_by: actorName(actor),
        min_observation_hours: minHours,
        dry_run_failed_count: failures,
      })
      .execute();
    return enqueueInTransaction(trx, [
      {
        stream_id: shadowId,
        entry_type: 'policy.shadow_started',
        payload: {
          shadow_id: shadowId,
          candidate_policy_bundle_hash: hash,
          active_policy_bundle_hash: active.policy_bundle_hash,
          min_observation_hours: minHours,
          dry_run_failed_count: failures,
          actor: actorName(actor),
        },
      },
    ]);
  });
  await awaitLedger(deps, ids);
  deps.logger?.info({ shadow_id: shadowId, candidate_policy_bundle_hash: hash }, 'policy shadow run started');
  const row = await runningShadow(deps.store.db);
  return summarizeShadow(deps.store.db, row!, now);
}

/**
 * Stops the running shadow run (by a person, or because its candidate was activated).
 * In the caller's transaction when one is given (activation), else in its own.
 *
 * @throws {WritError} `CONFLICT` reason `NO_SHADOW_RUNNING`.
 *
 * @example
 * ```ts
 * const summary = await stopShadow(engine, { kind: 'admin' }, 'observed enough');
 * summary.state; // 'stopped'
 * ```
 */
export async function stopShadow(deps: EngineDeps, actor: PolicyActor, reason: string | null): Promise<ShadowSummary> {
  ensureLifecycleEntryTypes();
  const now = deps.clock.now();
  const { ids, shadowId } = await deps.store.transaction(async (trx) => {
    const row = await runningShadow(trx);
    if (!row) throw refuse('CONFLICT', 'NO_SHADOW_RUNNING', 'no shadow run is running');
    return { ids: await stopShadowInTransaction(deps, trx, row, actorName(actor), reason, now), shadowId: row.shadow_id };
  });
  await awaitLedger(deps, ids);
  const row = await lifecycleDb(deps.store.db).selectFrom('policy_shadows').selectAll().where('shadow_id', '=', shadowId).executeTakeFirstOrThrow();
  return summarizeShadow(deps.store.db, row, now);
}

/**
 * Marks a shadow run stopped and enqueues `policy.shadow_stopped`, in `trx`; returns
 * the outbox ids to await.
 *
 * @example
 * ```ts
 * const ids = await stopShadowInTransaction(engine, trx, row, 'admin', 'activated', now);
 * ```
 */
export async function stopShadowInTransaction(deps: EngineDeps, trx: Transaction<Database>, row: ShadowRow, actor: string, reason: string | null, now: Date): Promise<number[]> {
  ensureLifecycleEntryTypes();
  const updated = await lifecycleDb(trx)
    .updateTable('policy_shadows')
    .set({ stopped_at: now, stopped_by: actor, stop_reason: reason })
    .where('shadow_id', '=', row.shadow_id)
    .where('stopped_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw refuse('CONFLICT', 'NO_SHADOW_RUNNING', 'the shadow run was stopped meanwhile');
  const summary = await summarizeShadow(trx, { ...row, stopped_at: now, stopped_by: actor, stop_reason: reason }, now);
  return enqueueInTransaction(trx, [
    {
      stream_id: row.shadow_id,
      entry_type: 'policy.shadow_stopped',
      payload: {
        shadow_id: row.shadow_id,
        candidate_policy_bundle_hash: row.candidate_policy_bundle_hash,
        intents_observed: summary.intents_observed,
        divergences: summary.divergences.total,
        reason_digest: reason ? `sha256:${sha256Hex(reason)}` : null,
        actor,
      },
    },
  ]);
}

/**
 * The summary of the running shadow run, or of a candidate's latest run when `candidateHash`
 * is given; an empty summary (state `none`) when there is none.
 *
 * @example
 * ```ts
 * (await shadowStatus(engine, null, 24)).state; // 'running' | 'stopped' | 'none'
 * ```
 */
export async function shadowStatus(deps: EngineDeps, candidateHash: string | null, defaultMinHours: number): Promise<ShadowSummary> {
  const db = deps.store.db;
  const row = candidateHash ? await latestShadowOf(db, candidateHash) : await runningShadow(db);
  if (row) return summarizeShadow(db, row, deps.clock.now());
  const active = await db.selectFrom('policy_active').select('policy_bundle_hash').executeTakeFirst();
  return emptyShadowSummary(active?.policy_bundle_hash ?? null, defaultMinHours);
}

/**
 * Attaches a reviewer's explanation to a divergence (once); an explained high or
 * critical divergence no longer blocks promotion. The text stays in the store; the
 * ledger gets its digest.
 *
 * @throws {WritError} `NOT_FOUND` reason `DIVERGENCE_UNKNOWN`; `CONFLICT` reason `ALREADY_EXPLAINED`.
 *
 * @example
 * ```ts
 * await explainDivergence(engine, actor, 'div_…', 'intended: CHG-2210 lifts the staging hold');
 * ```
 */
export async function explainDivergence(deps: EngineDeps, actor: PolicyActor, divergenceId: string, explanation: string): Promise<void> {
  ensureLifecycleEntryTypes();
  const text = explanation.trim();
  if (text.length === 0 || text.length > 2000) throw new WritError('BAD_REQUEST', 'explanation must be 1 to 2000 characters');
  const now = deps.clock.now();
  const ids = await deps.store.transaction(async (trx) => {
    const ldb = lifecycleDb(trx);
    const row = await ldb.selectFrom('policy_shadow_divergences').select(['shadow_id', 'severity', 'explained_at']).where('divergence_id', '=', divergenceId).forUpdate().executeTakeFirst();
    if (!row) throw refuse('NOT_FOUND', 'DIVERGENCE_UNKNOWN', 'no such divergence');
    if (row.explained_at) throw refuse('CONFLICT', 'ALREADY_EXPLAINED', 'this divergence is already explained');
    await ldb.updateTable('policy_shadow_divergences').set({ explained_at: now, explained_by: actorName(actor), explanation: text }).where('divergence_id', '=', divergenceId).execute();
    return enqueueInTransaction(trx, [
      {
        stream_id: row.shadow_id,
        entry_type: 'policy.divergence_explained',
        payload: { shadow_id: row.shadow_id, divergence_id: divergenceId, severity: row.severity, explanation_digest: `sha256:${sha256Hex(text)}`, actor: actorName(actor) },
      },
    ]);
  });
  await awaitLedger(deps, ids);
}
