/**
 * The rollback plan: the known-good bundle to return to, the steps, and the governed
 * activation request that performs it.
 *
 * **Known good** = the most recent bundle, other than the current one, whose activation
 * window (from its activation to the next) saw no incident opened. The windows come
 * from `policy_activation_history`, the incidents from the signals store. With `to`,
 * that bundle is the target; a bundle that was never active, or whose window saw an
 * incident, is still planned but says so in `why`.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { WritError } from '../../../errors/writ-error.ts';
import { getBundle } from '../../../policy/bundle-store.ts';
import type { CompiledBundle } from '../../../policy/compile-bundle.ts';
import type { RollbackPlan, SemanticDiff } from '../../../policy/lifecycle/artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../../../policy/lifecycle/artifacts.ts';
import { rollbackRef, rollbackSteps } from '../../../policy/lifecycle/rollback-steps.ts';
import type { Database } from '../../../store/schema.ts';
import { lifecycleDb } from '../tables.ts';

/** A bundle's activation window. */
interface ActivationWindow {
  hash: string;
  from: Date;
  until: Date | null;
}

/** Options of {@link buildRollbackPlan}. */
export interface RollbackPlanOptions {
  /** The bundle the plan rolls back from: the active one, or a candidate about to be activated. */
  currentHash: string;
  /** A chosen target instead of the last known-good bundle. */
  to?: string;
  now: Date;
  /** Semantic diff from current to target (the caller computes it; null to skip). */
  diff?: (current: CompiledBundle, target: CompiledBundle) => SemanticDiff;
}


async function activationWindows(db: Kysely<Database>): Promise<ActivationWindow[]> {
  const rows = await db.selectFrom('policy_activation_history').select(['policy_bundle_hash', 'activated_at']).orderBy('seq', 'asc').execute();
  return rows.map((r, i) => ({ hash: r.policy_bundle_hash, from: new Date(r.activated_at), until: i + 1 < rows.length ? new Date(rows[i + 1]!.activated_at) : null }));
}

async function incidentsDuring(db: Kysely<Database>, w: ActivationWindow, now: Date): Promise<number> {
  const row = await lifecycleDb(db)
    .selectFrom('signal_incidents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('opened_at', '>=', w.from)
    .where('opened_at', '<', w.until ?? now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Builds the rollback plan (see the module doc).
 *
 * @throws {WritError} `POLICY_BUNDLE_UNKNOWN` (reason `BUNDLE_NOT_STORED`) when `to` is not stored.
 *
 * @example
 * ```ts
 * const plan = await buildRollbackPlan(store.db, { currentHash: active, now: clock.now() });
 * plan.activation_request?.body.policy_bundle_hash; // the known-good bundle
 * ```
 */
export async function buildRollbackPlan(db: Kysely<Database>, options: RollbackPlanOptions): Promise<RollbackPlan> {
  const { currentHash, now } = options;
  const windows = await activationWindows(db);
  let target: { hash: string; window: ActivationWindow | null; why: string } | null = null;
  if (options.to !== undefined) {
    const stored = await getBundle(db, options.to);
    if (!stored) throw new WritError('POLICY_BUNDLE_UNKNOWN', 'no stored policy bundle has this hash', { reason: 'BUNDLE_NOT_STORED' });
    const window = [...windows].reverse().find((w) => w.hash === options.to) ?? null;
    const incidents = window ? await incidentsDuring(db, window, now) : 0;
    const why = !window ? 'chosen target; it was never active (not proven live)' : incidents > 0 ? `chosen target; ${incidents} incident(s) were opened while it was active` : 'chosen target; active before without incident';
    target = { hash: options.to, window, why };
  } else {
    for (const w of [...windows].reverse()) {
      if (w.hash === currentHash) continue;
      if ((await incidentsDuring(db, w, now)) === 0) {
        target = { hash: w.hash, window: w, why: 'the most recent bundle, other than the current one, that was active without an incident' };
        break;
      }
    }
  }
  if (!target) {
    return {
      schema_version: LIFECYCLE_SCHEMAS.rollback_plan,
      rollback_ref: null,
      current_policy_bundle_hash: currentHash as RollbackPlan['current_policy_bundle_hash'],
      target: null,
      approval_required: true,
      reason: 'no earlier bundle was active without an incident; there is no known-good rollback target',
      steps: rollbackSteps('(none)'),
      activation_request: null,
      diff: null,
    };
  }
  const targetBundle = (await getBundle(db, target.hash))!;
  const currentBundle = await getBundle(db, currentHash);
  const m = targetBundle.document.manifest;
  const justification = `rollback from ${currentHash} to known-good ${target.hash}`;
  return {
    schema_version: LIFECYCLE_SCHEMAS.rollback_plan,
    rollback_ref: rollbackRef(m.id, target.hash),
    current_policy_bundle_hash: currentHash as RollbackPlan['current_policy_bundle_hash'],
    target: {
      bundle_id: m.id,
      version: m.version,
      policy_bundle_hash: target.hash as RollbackPlan['current_policy_bundle_hash'] & string,
      active_from: target.window ? target.window.from.toISOString() : null,
      active_until: target.window?.until ? target.window.until.toISOString() : null,
      why: target.why,
    },
    approval_required: true,
    reason: target.why,
    steps: rollbackSteps(target.hash),
    activation_request: target.hash === currentHash
      ? null
      : { method: 'POST', path: '/v1/policy/activations', body: { policy_bundle_hash: target.hash as never, justification } },
    diff: options.diff && currentBundle ? options.diff(currentBundle, targetBundle) : null,
  };
}
