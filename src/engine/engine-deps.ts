import type { Logger } from 'pino';
import type { Clock } from '../common/clock.ts';
import type { IdSource } from '../common/ids.ts';
import type { Keyring } from '../crypto/keyring/keyring.ts';
import type { LedgerSequencer } from '../ledger/sequencer.ts';
import type { Store } from '../store/store.ts';

/**
 * What the governance engine needs. Time and randomness are injected (invariant 7).
 *
 * @example
 * ```ts
 * const deps: EngineDeps = { store, clock, ids: cryptoIdSource, ledger, keyring };
 * ```
 */
export interface EngineDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  /** Ledger writer: engine entries are enqueued in the transaction that makes the change, then awaited. */
  ledger: LedgerSequencer;
  keyring: Keyring;
  /** MCP server names trusted by configuration (a policy signal). */
  trustedMcpServers?: readonly string[];
  /** How long to wait for a ledger commit before failing the request (default 10 s). */
  ledgerTimeoutMs?: number;
  logger?: Logger;
}
