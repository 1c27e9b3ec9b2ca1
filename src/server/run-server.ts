import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../common/clock.ts';
import type { WritConfig } from '../config/config.ts';
import { bootstrap } from './bootstrap.ts';
import { buildServer } from './build-server.ts';
import { createLogger } from './logger.ts';
import { WRIT_VERSION } from '../version.ts';
import { LedgerSequencer } from '../ledger/sequencer.ts';
import { DevIdentityProvider } from '../identity/dev-idp/dev-identity-provider.ts';
import { OidcVerifier } from '../identity/oidc/verifier.ts';
import { createSpiffeRuntime } from '../identity/spiffe/spiffe-runtime.ts';
import { httpsServerOptions } from '../identity/spiffe/tls.ts';
import { RevocationMesh } from '../gateway/revocation/revocation-mesh.ts';
import { StoreEpochs } from '../gateway/epochs/store-epochs.ts';
import { createEventPipeline, type EventPipeline } from '../events/pipeline.ts';
import { connect, type NatsConnection } from 'nats';

/** A running server and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Stops accepting, finishes in-flight requests, then closes the store. */
  stop(): Promise<void>;
}

/**
 * Starts `writ serve`: bootstrap, build, listen. In dev mode it says loudly so.
 *
 * @example
 * ```ts
 * const server = await runServer(loadConfig());
 * process.on('SIGTERM', () => server.stop());
 * ```
 */
export async function runServer(config: WritConfig, options: { clock?: Clock; logger?: Logger } = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const boot = await bootstrap(config, clock, { allowInit: config.mode === 'dev' });
  if (config.mode === 'dev') {
    logger.warn(
      { home: config.home, store: boot.store.kind },
      'DEV MODE: embedded shortcuts are on (generated master key, local admin credential); not for production',
    );
  }
  if (boot.masterKeyGenerated) logger.warn({ path: config.masterKey.kind === 'file' ? config.masterKey.path : undefined }, 'generated a new master key (0600)');
  const ledger = new LedgerSequencer({
    store: boot.store,
    keyring: boot.keyring,
    clock,
    origin: boot.ledgerOrigin,
    maxBatchEntries: config.ledgerBatchEntries,
    maxBatchDelayMs: config.ledgerBatchDelayMs,
    logger,
  });
  const oidc = new OidcVerifier({ issuers: config.oidc.issuers, clock });
  const devIdp = config.devIdp ? new DevIdentityProvider({ baseUrl: config.addr, clock }) : undefined;
  if (devIdp) {
    oidc.addIssuer(devIdp.issuerConfig());
    logger.warn(
      { issuer: devIdp.issuer, users: devIdp.users().map((u) => u.name) },
      'DEV MODE: built-in dev identity provider is on; POST /dev-idp/token signs an ID token for any listed user (WRIT_DEV_IDP=0 turns it off)',
    );
  }
  const revocations = new RevocationMesh({
    store: boot.store,
    clock,
    databaseUrl: config.databaseUrl,
    natsUrl: config.natsUrl,
    stalenessMs: config.revocationStalenessMs,
    resyncIntervalMs: config.revocationResyncMs,
    logger,
  });
  const epochs = new StoreEpochs({ store: boot.store, graceSeconds: config.epochGraceSeconds });
  let events: EventPipeline | undefined;
  let nats: NatsConnection | undefined;
  let app: FastifyInstance;
  try {
    await ledger.start();
    await revocations.start();
    nats = config.events.natsSubject && config.natsUrl ? await connect({ servers: config.natsUrl.split(',') }) : undefined;
    events = createEventPipeline({ config: config.events, store: boot.store, ledger, clock, logger, ...(nats ? { nats } : {}) });
    await events.alerts.resumePending();
    const spiffe = await createSpiffeRuntime({ config, store: boot.store, clock, keyProvider: boot.keyProvider });
    if (spiffe.devCa) logger.warn({ trust_domain: spiffe.devCa.trustDomain }, 'DEV MODE: built-in SPIFFE dev CA is on (WRIT_SPIFFE_DEV_CA=0 turns it off)');
    const https = config.tls ? httpsServerOptions(config.tls, spiffe.bundles) : undefined;
    app = await buildServer({ config, store: boot.store, keyring: boot.keyring, clock, logger, ledger, version: WRIT_VERSION, oidc, ...(devIdp ? { devIdp } : {}), spiffe, ...(https ? { https } : {}),
      revocations,
      epochs,
      events: { bus: events.bus, alerts: events.alerts },
      gateway: { revocations, epochs, workloads: spiffe.authenticator, events: events.bus, audience: spiffe.audience, commitSweepIntervalMs: 250 },
    });
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (err) {
    await events?.close();
    await nats?.drain().catch(() => undefined);
    await revocations.stop();
    await ledger.stop();
    await boot.store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url, mode: config.mode, store: boot.store.kind }, 'writ listening');
  let stopping: Promise<void> | undefined;
  return {
    app,
    url,
    stop() {
      stopping ??= (async () => {
        try {
          await app.close();
        } finally {
          await events?.close();
          await nats?.drain().catch(() => undefined);
          await revocations.stop();
          await ledger.stop();
          await boot.store.close();
        }
      })();
      return stopping;
    },
  };
}
