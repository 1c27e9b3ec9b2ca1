/**
 * A shadow run's state as a {@link ShadowSummary}: observation time, intents observed,
 * divergences by severity, and whether its promotion criteria are met.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DivergenceSeverity, ShadowSummary } from '../../../policy/lifecycle/artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../../../policy/lifecycle/artifacts.ts';
import { unobservedShadowSummary } from '../../../policy/lifecycle/plan/offline-artifacts.ts';
import type { Database } from '../../../store/schema.ts';
import { lifecycleDb, type PolicyShadowsTable } from '../tables.ts';
import type { Selectable } from 'kysely';

/** A stored shadow run. */
export type ShadowRow = Selectable<PolicyShadowsTable>;

const HOUR_MS = 3_600_000;

/**
 * The summary when no shadow run exists for what was asked.
 *
 * @example
 * ```ts
 * emptyShadowSummary('sha256:…', 24).state; // 'none'
 * ```
 */
export function emptyShadowSummary(activeHash: string | null, minHours: number): ShadowSummary {
  return unobservedShadowSummary({ candidate: null, active: activeHash, minHours, reason: 'no shadow run of this bundle' });
}

/**
 * Summarizes a shadow run as of `now`: observation time runs from `started_at` to
 * `stopped_at` (or now); intents observed are the live, non-break-glass decisions made
 * meanwhile (every one of them was evaluated under the candidate too).
 *
 * @example
 * ```ts
 * const s = await summarizeShadow(store.db, row, clock.now());
 * s.criteria_met; // false until min_observation_hours have passed
 * ```
 */
export async function summarizeShadow(db: Kysely<Database>, row: ShadowRow, now: Date): Promise<ShadowSummary> {
  const ldb = lifecycleDb(db);
  const started = new Date(row.started_at);
  const end = row.stopped_at ? new Date(row.stopped_at) : now;
  const observation_hours = Math.max(0, (end.getTime() - started.getTime()) / HOUR_MS);
  let q = ldb.selectFrom('decisions').select(sql<number>`count(*)`.as('n')).where('created_at', '>=', started).where('break_glass', '=', false);
  if (row.stopped_at) q = q.where('created_at', '<', new Date(row.stopped_at));
  const observed = await q.executeTakeFirstOrThrow();
  const rows = await ldb
    .selectFrom('policy_shadow_divergences')
    .select(['severity', sql<boolean>`explained_at is not null`.as('explained'), sql<number>`count(*)`.as('n')])
    .where('shadow_id', '=', row.shadow_id)
    .groupBy(['severity', sql`explained_at is not null`])
    .execute();
  const by_severity: Record<DivergenceSeverity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  let explained = 0;
  let unexplained_high = 0;
  for (const r of rows) {
    const n = Number(r.n);
    by_severity[r.severity] += n;
    if (r.explained) explained += n;
    else if (r.severity === 'high' || r.severity === 'critical') unexplained_high += n;
  }
  const total = by_severity.low + by_severity.medium + by_severity.high + by_severity.critical;
  const criteria = { min_observation_hours: row.min_observation_hours, max_unexplained_high: 0, dry_run_failed_count: 0, approval_required: true };
  const unmet: string[] = [];
  if (observation_hours < criteria.min_observation_hours) {
    unmet.push(`observed ${observation_hours.toFixed(2)} h of the ${criteria.min_observation_hours} h required`);
  }
  if (unexplained_high > criteria.max_unexplained_high) unmet.push(`${unexplained_high} high or critical divergence(s) not explained`);
  if (row.dry_run_failed_count > criteria.dry_run_failed_count) unmet.push(`${row.dry_run_failed_count} dry-run case(s) failed when the run started`);
  return {
    schema_version: LIFECYCLE_SCHEMAS.shadow_summary,
    shadow_id: row.shadow_id,
    state: row.stopped_at ? 'stopped' : 'running',
    candidate_policy_bundle_hash: row.candidate_policy_bundle_hash as ShadowSummary['candidate_policy_bundle_hash'],
    active_policy_bundle_hash: row.active_policy_bundle_hash as ShadowSummary['active_policy_bundle_hash'],
    mode: 'shadow',
    non_enforcing: true,
    started_at: started.toISOString(),
    stopped_at: row.stopped_at ? new Date(row.stopped_at).toISOString() : null,
    observation_hours: Math.round(observation_hours * 1000) / 1000,
    intents_observed: Number(observed.n),
    divergences: { total, by_severity, unexplained_high, explained },
    promotion_criteria: criteria,
    criteria_met: unmet.length === 0,
    unmet,
  };
}
