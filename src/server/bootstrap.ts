import type { KeyProvider } from '../crypto/keyring/key-provider.ts';
import { installDefaultPolicy } from '../engine/activation/default-policy.ts';
import { mkdirSync } from 'node:fs';
import type { Clock } from '../common/clock.ts';
import type { WritConfig } from '../config/config.ts';
import { Keyring } from '../crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../crypto/keyring/local-key-provider.ts';
import { loadMasterKey } from '../crypto/keyring/master-key.ts';
import { WritError } from '../errors/writ-error.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { ensureAdminCredential } from './auth/admin-credential.ts';
import { enqueueInTransaction } from '../ledger/sequencer.ts';
import { randomBytes } from 'node:crypto';

/** What opening Writ's runtime state produced. */
export interface BootstrapResult {
  store: Store;
  keyring: Keyring;
  /** True when this call initialised the store (first start). */
  initialised: boolean;
  /** The ledger's origin line, fixed at first initialisation. */
  ledgerOrigin: string;
  masterKeyGenerated: boolean;
  adminCredentialIssued: boolean;
  /** Seals private keys under the master key (the keyring's, and the SPIFFE dev CA's). */
  keyProvider: KeyProvider;
}

/**
 * Opens the store, loads the master key and makes sure the keyring and (in dev mode)
 * the local admin credential exist. `allowInit` false refuses an uninitialised store,
 * which is how production mode refuses auto-initialisation by `writ serve`.
 *
 * @example
 * ```ts
 * const { store, keyring } = await bootstrap(config, systemClock, { allowInit: config.mode === 'dev' });
 * ```
 */
export async function bootstrap(config: WritConfig, clock: Clock, options: { allowInit: boolean; env?: NodeJS.ProcessEnv }): Promise<BootstrapResult> {
  mkdirSync(config.home, { recursive: true, mode: 0o700 });
  const masterKey = loadMasterKey(config.masterKey, options.env);
  const store = await openStore(config);
  try {
    const meta = await store.db.selectFrom('writ_meta').select('value').where('key', '=', 'initialised_at').executeTakeFirst();
    if (!meta && !options.allowInit) {
      throw new WritError('CONFIG_INVALID', 'WRIT_MODE=production refuses to initialise on serve (a dev shortcut): run `writ init` first');
    }
    const keyProvider = new LocalKeyProvider(masterKey.bytes);
    const keyring = new Keyring({
      store,
      provider: keyProvider,
      clock,
      rotationDays: config.keyRotationDays,
      // Every key change is ledgered in the same transaction (outbox).
      audit: async (trx, event) => {
        const { type, ...payload } = event;
        await enqueueInTransaction(trx, [{ stream_id: 'system.keyring', entry_type: type, payload }]);
      },
    });
    if (meta) {
      // A master key that cannot open the stored keys is a wrong key, not a reason to make new ones.
      const active = await keyring.active('token');
      if (active) await keyring.activeSigner('token').catch((err: unknown) => {
        throw new WritError('MASTER_KEY_INVALID', `the master key from ${masterKey.origin} does not open the stored keys`, { cause: err });
      });
    }
    await keyring.ensureActiveKey('token');
    await keyring.ensureActiveKey('ledger');
    await installDefaultPolicy(store, clock);
    let adminCredentialIssued = false;
    if (config.mode === 'dev' || options.allowInit) {
      adminCredentialIssued = await ensureAdminCredential(store, config.home, clock);
    }
    await store.db
      .insertInto('writ_meta')
      .values({ key: 'ledger_origin', value: `writ.local/ledger/${randomBytes(6).toString('hex')}` })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const origin = await store.db.selectFrom('writ_meta').select('value').where('key', '=', 'ledger_origin').executeTakeFirstOrThrow();
    if (!meta) {
      await store.db.insertInto('writ_meta').values({ key: 'initialised_at', value: clock.now().toISOString() }).onConflict((oc) => oc.column('key').doNothing()).execute();
    }
    return { store, keyring, initialised: !meta, ledgerOrigin: origin.value, masterKeyGenerated: masterKey.generated, adminCredentialIssued, keyProvider };
  } catch (err) {
    await store.close();
    throw err;
  }
}
