/**
 * Pushing policy bundles to the store (`writ policy push`): the compiled document is
 * checked again here (strict Cedar validation: nothing from the wire is trusted),
 * stored immutably under its hash, and `policy.bundle_stored` is ledgered when it is
 * new. Storing is not activating: that is a governed `policy.activate` decision
 * (see `activate-bundle.ts`).
 *
 * @module
 */
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { storeBundle, type PolicyDb } from '../../policy/bundle-store.ts';
import { checkBundleDocument } from '../../policy/compile-bundle.ts';
import { PolicyBundleInvalidError, type BundleProblem } from '../../policy/problems.ts';
import { awaitLedger, type LedgerReceipt } from '../decisions/record-decision.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { POLICY_STREAM } from './default-policy.ts';

/** What {@link pushBundle} returns. */
export interface PushResult {
  policy_bundle_hash: string;
  bundle_id: string;
  version: string;
  /** False when the same bundle was already stored (nothing was written). */
  stored: boolean;
  warnings: BundleProblem[];
  /** Where `policy.bundle_stored` landed (null when nothing was stored). */
  ledger: LedgerReceipt | null;
}

/**
 * A stored bundle as listed.
 *
 * @example
 * ```ts
 * const b: StoredBundleInfo = { policy_bundle_hash: 'sha256:…', bundle_id: 'writ-default', version: '1.0.0', stored_at: '2026-06-01T00:00:00.000Z', active: true };
 * ```
 */
export interface StoredBundleInfo {
  policy_bundle_hash: string;
  bundle_id: string;
  version: string;
  stored_at: string;
  active: boolean;
}

/**
 * The active bundle as reported.
 *
 * @example
 * ```ts
 * const a: ActiveBundleInfo = { policy_bundle_hash: 'sha256:…', bundle_id: 'writ-default', version: '1.0.0', activated_at: '…' };
 * ```
 */
export interface ActiveBundleInfo {
  policy_bundle_hash: string;
  bundle_id: string;
  version: string;
  activated_at: string;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * Checks and stores a compiled bundle document; idempotent by hash.
 *
 * @throws {PolicyBundleInvalidError} (`BAD_REQUEST`) listing every problem; nothing is stored.
 *
 * @example
 * ```ts
 * const r = await pushBundle(engine, loadBundleDir('policies/default').document, 'admin');
 * r.stored; // false: the default bundle is stored at first start
 * ```
 */
export async function pushBundle(deps: EngineDeps, document: unknown, actor: string): Promise<PushResult> {
  ensureEngineEntryTypes();
  const check = checkBundleDocument(document);
  if (!check.bundle) {
    throw new PolicyBundleInvalidError(check.problems.length > 0 ? check.problems : [{ file: '(document)', message: 'not a valid bundle document' }]);
  }
  const bundle = check.bundle;
  const m = bundle.document.manifest;
  const now = deps.clock.now();
  const out = await deps.store.transaction(async (trx) => {
    const { stored, policy_bundle_hash } = await storeBundle(trx, bundle, now);
    const ids = stored
      ? await enqueueInTransaction(trx, [{ stream_id: POLICY_STREAM, entry_type: 'policy.bundle_stored', payload: { policy_bundle_hash, bundle_id: m.id, version: m.version, actor } }])
      : [];
    return { stored, policy_bundle_hash, ids };
  });
  const ledger = out.ids.length > 0 ? await awaitLedger(deps, out.ids) : null;
  deps.logger?.info({ policy_bundle_hash: out.policy_bundle_hash, bundle_id: m.id, version: m.version, stored: out.stored, actor }, 'policy bundle pushed');
  return { policy_bundle_hash: out.policy_bundle_hash, bundle_id: m.id, version: m.version, stored: out.stored, warnings: [...bundle.warnings], ledger };
}

/**
 * Every stored bundle, newest first, with the active one flagged.
 *
 * @example
 * ```ts
 * (await listStoredBundles(store.db)).find((b) => b.active)?.version; // '1.0.0'
 * ```
 */
export async function listStoredBundles(db: PolicyDb): Promise<StoredBundleInfo[]> {
  const active = await db.selectFrom('policy_active').select('policy_bundle_hash').executeTakeFirst();
  const rows = await db
    .selectFrom('policy_bundles')
    .select(['policy_bundle_hash', 'bundle_id', 'version', 'stored_at'])
    .orderBy('stored_at', 'desc')
    .orderBy('policy_bundle_hash')
    .execute();
  return rows.map((r) => ({ ...r, stored_at: iso(r.stored_at), active: r.policy_bundle_hash === active?.policy_bundle_hash }));
}

/**
 * The active bundle (hash, manifest id and version, since when), or null when none is active.
 *
 * @example
 * ```ts
 * (await activeBundleInfo(store.db))?.policy_bundle_hash; // 'sha256:…'
 * ```
 */
export async function activeBundleInfo(db: PolicyDb): Promise<ActiveBundleInfo | null> {
  const row = await db
    .selectFrom('policy_active as a')
    .innerJoin('policy_bundles as b', 'b.policy_bundle_hash', 'a.policy_bundle_hash')
    .select(['a.policy_bundle_hash', 'b.bundle_id', 'b.version', 'a.activated_at'])
    .executeTakeFirst();
  return row ? { policy_bundle_hash: row.policy_bundle_hash, bundle_id: row.bundle_id, version: row.version, activated_at: iso(row.activated_at) } : null;
}
