import type { Clock } from '../common/clock.ts';
import type { WritConfig } from '../config/config.ts';
import type { Keyring } from '../crypto/keyring/keyring.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from 'pino';
import type { LedgerSequencer } from '../ledger/sequencer.ts';
import type { IdSource } from '../common/ids.ts';
import type { OidcVerifier } from '../identity/oidc/verifier.ts';
import type { DevIdentityProvider } from '../identity/dev-idp/dev-identity-provider.ts';

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
}
