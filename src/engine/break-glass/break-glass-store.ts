/**
 * `break_glass` rows: one per break-glass decision, written in the decision's own
 * transaction, read back joined with the decision (target, action class, hash).
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { engineDb } from '../tables.ts';
import { humanKey, isOverdue, parseHumanKey, type BreakGlassUse, type HumanRef } from './model.ts';

type Db = Kysely<Database> | Transaction<Database>;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/**
 * Which uses to list: not yet reviewed, overdue (unreviewed and due), or all.
 *
 * @example
 * ```ts
 * const s: BreakGlassListStatus = 'overdue';
 * ```
 */
export type BreakGlassListStatus = 'unreviewed' | 'overdue' | 'all';

/** What {@link insertBreakGlass} writes. */
export interface NewBreakGlass {
  decision_id: string;
  requested_by: HumanRef;
  level: 'L4' | 'L5';
  reason_category: string;
  reason_summary: string;
  incident_ref: string | null;
  ttl_seconds: number;
  used_at: Date;
  review_due_at: Date;
}

/**
 * Inserts the break-glass row of a decision (in the decision's transaction).
 *
 * @example
 * ```ts
 * await insertBreakGlass(trx, { decision_id, requested_by, level: 'L4', … });
 * ```
 */
export async function insertBreakGlass(trx: Transaction<Database>, row: NewBreakGlass): Promise<void> {
  await engineDb(trx)
    .insertInto('break_glass')
    .values({
      decision_id: row.decision_id,
      requested_by_iss: row.requested_by.iss,
      requested_by_sub: row.requested_by.sub,
      level: row.level,
      reason_category: row.reason_category,
      reason_summary: row.reason_summary,
      incident_ref: row.incident_ref,
      ttl_seconds: row.ttl_seconds,
      used_at: row.used_at,
      review_due_at: row.review_due_at,
      reviewed_at: null,
      reviewed_by: null,
      review_outcome: null,
      review_notes: null,
    })
    .execute();
}

function selectUses(db: Db) {
  return engineDb(db as Kysely<Database>)
    .selectFrom('break_glass as b')
    .innerJoin('decisions as d', 'd.decision_id', 'b.decision_id')
    .select([
      'b.decision_id', 'b.requested_by_iss', 'b.requested_by_sub', 'b.level', 'b.reason_category', 'b.reason_summary', 'b.incident_ref',
      'b.ttl_seconds', 'b.used_at', 'b.review_due_at', 'b.reviewed_at', 'b.reviewed_by', 'b.review_outcome', 'b.review_notes',
      'd.decision_hash', 'd.resource_id', 'd.action_scope', 'd.expires_at',
    ]);
}

type UseRow = Awaited<ReturnType<ReturnType<typeof selectUses>['executeTakeFirstOrThrow']>>;

function toUse(r: UseRow, now: Date): BreakGlassUse {
  const reviewedAt = r.reviewed_at === null ? null : date(r.reviewed_at);
  return {
    decision_id: r.decision_id,
    decision_hash: r.decision_hash,
    level: r.level,
    requested_by: { iss: r.requested_by_iss, sub: r.requested_by_sub },
    reason: { category: r.reason_category, summary: r.reason_summary, incident_ref: r.incident_ref },
    ttl_seconds: r.ttl_seconds,
    target: r.resource_id,
    action_class: r.action_scope,
    used_at: iso(r.used_at),
    expires_at: iso(r.expires_at),
    review_due_at: iso(r.review_due_at),
    overdue: isOverdue(date(r.review_due_at), reviewedAt, now),
    review:
      reviewedAt === null
        ? null
        : { reviewed_at: reviewedAt.toISOString(), reviewed_by: parseHumanKey(r.reviewed_by ?? ''), outcome: r.review_outcome ?? '', notes: r.review_notes ?? '' },
  };
}

/**
 * Reads one use, or null. `forUpdate` locks the row (reviews serialise on it).
 *
 * @example
 * ```ts
 * const use = await getBreakGlass(trx, 'dec_…', clock.now(), { forUpdate: true });
 * ```
 */
export async function getBreakGlass(db: Db, decisionId: string, now: Date, options: { forUpdate?: boolean } = {}): Promise<BreakGlassUse | null> {
  let q = selectUses(db).where('b.decision_id', '=', decisionId);
  if (options.forUpdate) q = q.forUpdate('b');
  const row = await q.executeTakeFirst();
  return row ? toUse(row, now) : null;
}

/**
 * Lists uses, newest first.
 *
 * @example
 * ```ts
 * const overdue = await listBreakGlass(store.db, { status: 'overdue', now: clock.now() });
 * ```
 */
export async function listBreakGlass(db: Db, filter: { status: BreakGlassListStatus; now: Date; limit?: number }): Promise<BreakGlassUse[]> {
  let q = selectUses(db);
  if (filter.status !== 'all') q = q.where('b.reviewed_at', 'is', null);
  if (filter.status === 'overdue') q = q.where('b.review_due_at', '<=', filter.now);
  const rows = await q.orderBy('b.used_at', 'desc').orderBy('b.decision_id').limit(filter.limit ?? 500).execute();
  return rows.map((r) => toUse(r, filter.now));
}

/**
 * Records the review of a use, once: false when it was already reviewed.
 *
 * @example
 * ```ts
 * await markReviewed(trx, 'dec_…', { at: clock.now(), by: identity, outcome: 'justified', notes: '…' });
 * ```
 */
export async function markReviewed(
  trx: Transaction<Database>,
  decisionId: string,
  review: { at: Date; by: HumanRef; outcome: string; notes: string },
): Promise<boolean> {
  const r = await engineDb(trx)
    .updateTable('break_glass')
    .set({ reviewed_at: review.at, reviewed_by: humanKey(review.by), review_outcome: review.outcome, review_notes: review.notes })
    .where('decision_id', '=', decisionId)
    .where('reviewed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
