import type { Clock } from '../../common/clock.ts';
import type { KeyProvider } from '../../crypto/keyring/key-provider.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { Store } from '../../store/store.ts';
import { DevCa } from './dev-ca.ts';
import type { SpiffeConfig } from './spiffe-config.ts';
import { SpiffeWorkloadAuthenticator } from './spiffe-authenticator.ts';
import { loadTrustBundles, TrustBundleSet } from './trust-bundles.ts';

/**
 * Everything the server needs for workload identity, built once at start.
 *
 * @example
 * ```ts
 * const spiffe: SpiffeRuntime = await createSpiffeRuntime({ config, store, clock, keyProvider });
 * spiffe.authenticator.authenticate(presented, { audience: spiffe.audience, now: clock.now() });
 * ```
 */
export interface SpiffeRuntime {
  /** The JWT-SVID audience this server expects. */
  audience: string;
  bundles: TrustBundleSet;
  authenticator: SpiffeWorkloadAuthenticator;
  /** The built-in dev CA (dev mode with `WRIT_SPIFFE_DEV_CA` on), else undefined. */
  devCa: DevCa | undefined;
}

/**
 * Options of {@link createSpiffeRuntime}.
 *
 * @example
 * ```ts
 * const options: SpiffeRuntimeOptions = { config, store: boot.store, clock, keyProvider: new LocalKeyProvider(masterKey.bytes) };
 * ```
 */
export interface SpiffeRuntimeOptions {
  config: { mode: 'dev' | 'production'; spiffe: SpiffeConfig };
  store: Store;
  clock: Clock;
  /** Seals the dev CA's keys (only used when the dev CA is on). */
  keyProvider: KeyProvider;
}

/**
 * Reads the configured trust bundles, opens (creating on first use) the dev CA when
 * it is on, and publishes its bundle next to the configured ones.
 *
 * @throws {WritError} `CONFIG_INVALID` for unreadable or invalid bundles, or the dev CA
 *   outside dev mode.
 *
 * @example
 * ```ts
 * const spiffe = await createSpiffeRuntime({ config, store, clock, keyProvider });
 * ```
 */
export async function createSpiffeRuntime(options: SpiffeRuntimeOptions): Promise<SpiffeRuntime> {
  const { config, store, clock } = options;
  if (config.spiffe.devCa && config.mode !== 'dev') {
    throw new WritError('CONFIG_INVALID', 'WRIT_SPIFFE_DEV_CA: the dev CA is a dev shortcut; WRIT_MODE=production refuses it');
  }
  const configured = loadTrustBundles(config.spiffe);
  const devCa = config.spiffe.devCa
    ? await DevCa.open({ store, provider: options.keyProvider, clock, trustDomain: config.spiffe.devTrustDomain })
    : undefined;
  const bundles = new TrustBundleSet([...(devCa ? [devCa.bundle()] : []), ...configured]);
  return { audience: config.spiffe.audience, bundles, authenticator: new SpiffeWorkloadAuthenticator({ bundles }), devCa };
}
