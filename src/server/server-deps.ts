import type { Clock } from '../common/clock.ts';
import type { WritConfig } from '../config/config.ts';
import type { Keyring } from '../crypto/keyring/keyring.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from 'pino';
import type { LedgerSequencer } from '../ledger/sequencer.ts';
import type { IdSource } from '../common/ids.ts';
import type { OidcVerifier } from '../identity/oidc/verifier.ts';
import type { DevIdentityProvider } from '../identity/dev-idp/dev-identity-provider.ts';
import type { GatewayDeps } from '../gateway/gateway-deps.ts';
import type { SpiffeRuntime } from '../identity/spiffe/spiffe-runtime.ts';
import type { HttpsServerOptions } from '../identity/spiffe/tls.ts';
import type { RevocationMesh } from '../gateway/revocation/revocation-mesh.ts';
import type { StoreEpochs } from '../gateway/epochs/store-epochs.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AlertDispatcher } from '../events/alerts/alert-dispatcher.ts';

/** The gateway's per-replica services (revocation and epoch views, workload auth, events). */
export type GatewayServices = Pick<GatewayDeps, 'revocations' | 'epochs' | 'workloads' | 'events' | 'audience' | 'commitTimeoutMs'> & {
  /** Run the commit sweeper every this many ms while the server runs (`writ serve` does; tests drive it by hand). */
  commitSweepIntervalMs?: number;
};

/** What the HTTP server needs; built by `writ serve`, or by tests. */
export interface ServerDeps {
  config: WritConfig;
  store: Store;
  keyring: Keyring;
  clock: Clock;
  logger: Logger;
  /** The ledger writer (enqueue, confirmations) and its origin. */
  ledger: LedgerSequencer;
  version: string;
  /** Id and randomness source (default: node:crypto); tests inject a deterministic one. */
  ids?: IdSource;
  /** Verifies humans' OIDC ID tokens (configured issuers, plus the dev IdP in dev mode). */
  oidc?: OidcVerifier;
  /** The built-in dev identity provider (dev mode only); its routes are served under /dev-idp. */
  devIdp?: DevIdentityProvider;
  /** The execution gateway's services; its routes are served when present. */
  gateway?: GatewayServices;
  /** SPIFFE trust bundles, the workload authenticator and (dev mode) the dev CA. */
  spiffe?: SpiffeRuntime;
  /** TLS (with optional client certificates: X.509-SVIDs) when configured. */
  https?: HttpsServerOptions;
  /** This replica's revocation view (revocation routes report its status). */
  revocations?: RevocationMesh;
  /** Enforcement epochs. */
  epochs?: StoreEpochs;
  /** Enforcement events and alerts (DESIGN §3.6). */
  events?: { bus: EventBus; alerts: AlertDispatcher };
}
