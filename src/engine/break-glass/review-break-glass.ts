/**
 * The mandatory post-incident review of a break-glass use: by an auditor, security
 * officer or admin who is not the person who used it, recorded once, and ledgered
 * (`break_glass.reviewed`, with whether it came after the due date).
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import type { HumanIdentity } from '../../identity/human-identity.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { awaitLedger, type LedgerReceipt } from '../decisions/record-decision.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { getBreakGlass, markReviewed } from './break-glass-store.ts';
import { REVIEWER_ROLES, isOverdue, type BreakGlassUse, type ReviewOutcome } from './model.ts';

/** A recorded review. */
export interface ReviewResult {
  use: BreakGlassUse;
  ledger: LedgerReceipt;
}

/**
 * Whether this human may review break-glass uses at all (auditor, security officer, admin).
 *
 * @example
 * ```ts
 * mayReview(frank); // true (auditor)
 * ```
 */
export function mayReview(human: Pick<HumanIdentity, 'roles'>): boolean {
  return human.roles.some((r) => REVIEWER_ROLES.includes(r));
}

/**
 * Records the review of the break-glass use of decision `decisionId`.
 *
 * @throws {WritError} `FORBIDDEN` reason `NOT_PRIVILEGED` (no reviewer role) or `SELF_REVIEW`;
 *   `NOT_FOUND` (no break-glass use with this decision id); `CONFLICT` reason `ALREADY_REVIEWED`.
 *
 * @example
 * ```ts
 * await reviewBreakGlass(engine, frank, 'dec_…', { outcome: 'justified', notes: 'INC-42 post-mortem' });
 * ```
 */
export async function reviewBreakGlass(
  deps: EngineDeps,
  reviewer: HumanIdentity,
  decisionId: string,
  review: { outcome: ReviewOutcome; notes: string },
): Promise<ReviewResult> {
  ensureEngineEntryTypes();
  if (!mayReview(reviewer)) throw new WritError('FORBIDDEN', 'reviewing break-glass needs the auditor, security officer or admin role', { reason: 'NOT_PRIVILEGED' });
  const by = { iss: reviewer.iss, sub: reviewer.sub };
  const outcome = await deps.store.transaction(async (trx) => {
    const now = deps.clock.now();
    const use = await getBreakGlass(trx, decisionId, now, { forUpdate: true });
    if (!use) throw new WritError('NOT_FOUND', 'no break-glass use with this decision id');
    if (use.requested_by.iss === by.iss && use.requested_by.sub === by.sub) {
      throw new WritError('FORBIDDEN', 'the person who used break-glass cannot review it', { reason: 'SELF_REVIEW' });
    }
    if (use.review !== null || !(await markReviewed(trx, decisionId, { at: now, by, outcome: review.outcome, notes: review.notes }))) {
      throw new WritError('CONFLICT', 'this break-glass use was already reviewed', { reason: 'ALREADY_REVIEWED' });
    }
    const overdue = isOverdue(new Date(use.review_due_at), null, now);
    const ids = await enqueueInTransaction(trx, [
      {
        stream_id: decisionId,
        entry_type: 'break_glass.reviewed',
        payload: { decision_id: decisionId, reviewed_by: by, outcome: review.outcome, notes: review.notes, overdue },
      },
    ]);
    const reviewed: BreakGlassUse = { ...use, overdue: false, review: { reviewed_at: now.toISOString(), reviewed_by: by, outcome: review.outcome, notes: review.notes } };
    return { reviewed, ids, overdue };
  });
  const ledger = await awaitLedger(deps, outcome.ids);
  deps.logger?.info({ decision_id: decisionId, decision_hash: outcome.reviewed.decision_hash, outcome: review.outcome, overdue: outcome.overdue }, 'break-glass reviewed');
  return { use: outcome.reviewed, ledger };
}
