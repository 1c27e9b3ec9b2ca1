import { cryptoIdSource } from '../common/ids.ts';
import type { EngineDeps } from '../engine/engine-deps.ts';
import type { ServerDeps } from './server-deps.ts';

/**
 * The engine's dependencies, taken from the server's.
 *
 * @example
 * ```ts
 * const engine = engineDepsOf(deps);
 * await submitIntent(engine, intent, 'admin');
 * ```
 */
export function engineDepsOf(deps: ServerDeps): EngineDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids ?? cryptoIdSource,
    ledger: deps.ledger,
    keyring: deps.keyring,
    logger: deps.logger,
  };
}
