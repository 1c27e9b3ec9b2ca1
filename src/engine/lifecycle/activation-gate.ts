/**
 * The promotion gate of governed activation: a candidate that has been (or must be)
 * observed in shadow mode may be activated only once its shadow run meets the promotion
 * criteria (minimum observation time, no unexplained high or critical divergence, a
 * clean dry run; approval is the activation decision itself).
 *
 * - A bundle with a shadow run: its latest run must meet the criteria.
 * - A bundle without one: refused when the configuration requires shadow mode, unless
 *   the bundle was active before (a rollback to a bundle already proven live).
 *
 * Checked when activation is requested and again when it is applied (divergences may
 * appear after the approvals).
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { WritError } from '../../errors/writ-error.ts';
import type { CompiledBundle } from '../../policy/compile-bundle.ts';
import { activationUngovernedReason } from '../../policy/lifecycle/activation-governed.ts';
import type { ShadowSummary } from '../../policy/lifecycle/artifacts.ts';
import type { Database } from '../../store/schema.ts';
import { latestShadowOf } from './shadow/shadow-runs.ts';
import { summarizeShadow } from './shadow/shadow-summary.ts';

/**
 * Refuses activation of `hash` while its promotion criteria are unmet; returns the
 * shadow summary it judged (null when no shadow run exists and none is required).
 *
 * @throws {WritError} `CONFLICT` reason `SHADOW_CRITERIA_UNMET` or `SHADOW_REQUIRED`.
 *
 * @example
 * ```ts
 * await assertPromotionCriteria(store.db, 'sha256:…', clock.now(), { requireShadow: true });
 * ```
 */
export async function assertPromotionCriteria(
  db: Kysely<Database> | Transaction<Database>,
  hash: string,
  now: Date,
  options: { requireShadow: boolean },
): Promise<ShadowSummary | null> {
  const run = await latestShadowOf(db, hash);
  if (run) {
    const summary = await summarizeShadow(db, run, now);
    if (!summary.criteria_met) {
      throw new WritError('CONFLICT', `shadow promotion criteria are not met: ${summary.unmet.join('; ')}`, { reason: 'SHADOW_CRITERIA_UNMET' });
    }
    return summary;
  }
  if (options.requireShadow) {
    const wasActive = await db.selectFrom('policy_activation_history').select('seq').where('policy_bundle_hash', '=', hash).limit(1).executeTakeFirst();
    if (!wasActive) {
      throw new WritError('CONFLICT', 'this bundle was never active and has no shadow run; run `writ policy shadow start` first', { reason: 'SHADOW_REQUIRED' });
    }
  }
  return null;
}

/**
 * Refuses to activate a candidate under which the way back would be closed: a
 * `policy.activate` request for the bundle active now must not be denied by the
 * candidate (it may need approvals). Keeps every activation one governed step away from
 * its rollback.
 *
 * @throws {WritError} `CONFLICT` reason `ROLLBACK_UNREACHABLE`.
 *
 * @example
 * ```ts
 * assertRollbackReachable(candidate, active);
 * ```
 */
export function assertRollbackReachable(candidate: CompiledBundle, active: CompiledBundle): void {
  const m = active.document.manifest;
  const why = activationUngovernedReason(candidate, { policy_bundle_hash: active.policy_bundle_hash, bundle_id: m.id, version: m.version });
  if (why) throw new WritError('CONFLICT', `activating this bundle would close the way back: ${why}`, { reason: 'ROLLBACK_UNREACHABLE' });
}
