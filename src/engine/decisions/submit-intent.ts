/**
 * `POST /v1/intents`: evaluate an intent against the active bundle and the live
 * signals, record the decision with its ledger entries, return it. Idempotent by
 * `idempotency_key`: the same key and intent return the first decision; the same key
 * with another intent is a conflict.
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import type { Intent } from '../../policy/intent.ts';
import { isUniqueViolation } from '../../store/pg-errors.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { activeEpoch, findByIdempotencyKey, type StoredDecision } from './decision-store.ts';
import { observeShadow } from '../lifecycle/shadow/observe-shadow.ts';
import { evaluateLiveWithSignals } from './evaluate-live.ts';
import { intentDigest, type Decision } from './model.ts';
import { recordDecision, type LedgerReceipt, type RecordDecisionOptions } from './record-decision.ts';

/** What {@link submitIntent} returns. */
export interface SubmitResult {
  decision: Decision;
  /** False when an earlier submission with the same idempotency key was returned. */
  created: boolean;
  /** Where the decision's entries landed (null for a replayed submission). */
  ledger: LedgerReceipt | null;
}

function replay(prior: StoredDecision, intent: Intent): SubmitResult {
  if (prior.decision.intent_digest !== intentDigest(intent)) {
    throw new WritError('CONFLICT', 'idempotency_key was already used for a different intent', { reason: 'IDEMPOTENCY_KEY_REUSED' });
  }
  return { decision: prior.decision, created: false, ledger: null };
}

function combineWriters(...writers: Array<RecordDecisionOptions['extra']>): RecordDecisionOptions['extra'] {
  const present = writers.filter((w): w is NonNullable<typeof w> => w !== undefined);
  if (present.length === 0) return undefined;
  return async (trx, decision) => {
    const entries = [];
    for (const w of present) entries.push(...(await w(trx, decision)));
    return entries;
  };
}

/**
 * Decides an intent and records the decision. While a shadow run is running, the
 * candidate bundle decides it too and a divergence is recorded with the decision
 * (`src/engine/lifecycle/shadow/`). `options.extra` adds writes to the decision's
 * transaction (activation evidence).
 *
 * @throws {WritError} `CONFLICT` (reason `IDEMPOTENCY_KEY_REUSED`) for a reused key with another intent.
 * @throws {WritError} `INTERNAL` when no policy bundle is active.
 *
 * @example
 * ```ts
 * const { decision } = await submitIntent(deps, intent, 'wlc_…');
 * decision.verdict; // 'require_approval'
 * ```
 */
export async function submitIntent(deps: EngineDeps, intent: Intent, submittedBy: string, options: { extra?: RecordDecisionOptions['extra'] } = {}): Promise<SubmitResult> {
  const key = intent.idempotency_key;
  if (key !== undefined) {
    const prior = await findByIdempotencyKey(deps.store.db, key);
    if (prior) return replay(prior, intent);
  }
  const now = deps.clock.now();
  const { decision: evaluated, signals } = await evaluateLiveWithSignals(deps, intent, now);
  // Shadow mode: a running candidate decides the same intent too, never enforcing.
  const shadow = await observeShadow(deps, intent, signals, now, evaluated);
  const extra = combineWriters(options.extra, shadow ?? undefined);
  const enforcementEpoch = await activeEpoch(deps.store.db);
  try {
    const { decision, ledger } = await recordDecision(deps, { intent, evaluated, enforcementEpoch, submittedBy, extra });
    return { decision, created: true, ledger };
  } catch (err) {
    // Two submissions with one key raced: the loser returns the winner's decision.
    if (key !== undefined && isUniqueViolation(err)) {
      const prior = await findByIdempotencyKey(deps.store.db, key);
      if (prior) return replay(prior, intent);
    }
    throw err;
  }
}
