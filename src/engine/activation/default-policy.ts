/**
 * First start: store the default bundle shipped with Writ and make it active, so a
 * fresh install decides under policy from its first intent. Only when no bundle was
 * ever activated; afterwards the active bundle changes only through a governed
 * `policy.activate` decision.
 *
 * @module
 */
import type { Clock } from '../../common/clock.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { getActiveBundle, setActiveBundle, storeBundle } from '../../policy/bundle-store.ts';
import { DEFAULT_BUNDLE_DIR } from '../../policy/default-bundle.ts';
import { loadBundleDir } from '../../policy/load-bundle.ts';
import type { Store } from '../../store/store.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';

/** Ledger stream of policy storage and activation. */
export const POLICY_STREAM = 'system.policy';

/**
 * Installs and activates the default bundle when none is active; returns its hash,
 * or null when a bundle was already active.
 *
 * @example
 * ```ts
 * await installDefaultPolicy(store, clock); // 'sha256:…' on first start, then null
 * ```
 */
export async function installDefaultPolicy(store: Store, clock: Clock, dir: string = DEFAULT_BUNDLE_DIR): Promise<string | null> {
  ensureEngineEntryTypes();
  if (await getActiveBundle(store.db)) return null;
  const bundle = loadBundleDir(dir);
  const now = clock.now();
  return store.transaction(async (trx) => {
    // Another replica may have done it meanwhile: decide under the row lock.
    const current = await trx.selectFrom('policy_active').select('policy_bundle_hash').forUpdate().executeTakeFirst();
    if (current) return null;
    const { stored, policy_bundle_hash } = await storeBundle(trx, bundle, now);
    await setActiveBundle(trx, policy_bundle_hash, now);
    const m = bundle.document.manifest;
    await enqueueInTransaction(trx, [
      ...(stored ? [{ stream_id: POLICY_STREAM, entry_type: 'policy.bundle_stored', payload: { policy_bundle_hash, bundle_id: m.id, version: m.version, actor: 'bootstrap' } }] : []),
      {
        stream_id: POLICY_STREAM,
        entry_type: 'policy.activated',
        payload: { policy_bundle_hash, previous_policy_bundle_hash: null, decision_id: null, decision_hash: null, actor: 'bootstrap' },
      },
    ]);
    return policy_bundle_hash;
  });
}
