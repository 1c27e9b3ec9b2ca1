/**
 * Reading divergence records.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { DecisionSummary, DivergenceSeverity } from '../../../policy/lifecycle/artifacts.ts';
import type { Database } from '../../../store/schema.ts';
import { lifecycleDb } from '../tables.ts';

/**
 * One divergence as served: both outcomes, the severity, its explanation if any.
 *
 * @example
 * ```ts
 * const d: DivergenceRecord = { divergence_id: 'div_…', shadow_id: 'shd_…', decision_id: 'dec_…', observed_at, action_scope: 'promotion', resource_id: 'payments/prod', severity: 'high', active, candidate, explained_at: null, explained_by: null, explanation: null };
 * ```
 */
export interface DivergenceRecord {
  divergence_id: string;
  shadow_id: string;
  decision_id: string;
  observed_at: string;
  action_scope: string;
  resource_id: string;
  severity: DivergenceSeverity;
  active: DecisionSummary;
  candidate: DecisionSummary;
  explained_at: string | null;
  explained_by: string | null;
  explanation: string | null;
}

/** Filters of {@link listDivergences}. */
export interface DivergenceQuery {
  /** Default: the running run, else the most recently started one. */
  shadow_id?: string;
  severity?: DivergenceSeverity;
  unexplained?: boolean;
  limit?: number;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/**
 * The divergences of a shadow run, oldest first.
 *
 * @example
 * ```ts
 * const { divergences } = await listDivergences(store.db, { severity: 'high', unexplained: true });
 * ```
 */
export async function listDivergences(db: Kysely<Database>, query: DivergenceQuery): Promise<{ shadow_id: string | null; divergences: DivergenceRecord[] }> {
  const ldb = lifecycleDb(db);
  let shadowId = query.shadow_id ?? null;
  if (!shadowId) {
    const latest = await ldb.selectFrom('policy_shadows').select('shadow_id').orderBy('started_at', 'desc').orderBy('shadow_id', 'desc').limit(1).executeTakeFirst();
    shadowId = latest?.shadow_id ?? null;
  }
  if (!shadowId) return { shadow_id: null, divergences: [] };
  let q = ldb.selectFrom('policy_shadow_divergences').selectAll().where('shadow_id', '=', shadowId);
  if (query.severity) q = q.where('severity', '=', query.severity);
  if (query.unexplained) q = q.where('explained_at', 'is', null);
  const rows = await q.orderBy('observed_at', 'asc').orderBy('divergence_id', 'asc').limit(query.limit ?? 100).execute();
  return {
    shadow_id: shadowId,
    divergences: rows.map((r) => ({
      divergence_id: r.divergence_id,
      shadow_id: r.shadow_id,
      decision_id: r.decision_id,
      observed_at: iso(r.observed_at)!,
      action_scope: r.action_scope,
      resource_id: r.resource_id,
      severity: r.severity,
      active: json<DecisionSummary>(r.active_outcome),
      candidate: json<DecisionSummary>(r.candidate_outcome),
      explained_at: iso(r.explained_at),
      explained_by: r.explained_by,
      explanation: r.explanation,
    })),
  };
}
