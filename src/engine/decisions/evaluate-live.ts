import { WritError } from '../../errors/writ-error.ts';
import { getActiveBundle } from '../../policy/bundle-store.ts';
import type { PolicyDecision } from '../../policy/decision.ts';
import { evaluateIntent } from '../../policy/evaluate.ts';
import type { Intent } from '../../policy/intent.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { currentSignals } from '../signals/signal-store.ts';

/**
 * Evaluates an intent against the active bundle and the live signals as of `now`.
 * Reading either fails the call (no decision is made on missing signals).
 *
 * @throws {WritError} `INTERNAL` when no policy bundle is active.
 *
 * @example
 * ```ts
 * const evaluated = await evaluateLive(deps, intent, deps.clock.now());
 * ```
 */
export async function evaluateLive(deps: EngineDeps, intent: Intent, now: Date): Promise<PolicyDecision> {
  const active = await getActiveBundle(deps.store.db);
  if (!active) throw new WritError('INTERNAL', 'no policy bundle is active');
  const live = await currentSignals(deps.store.db, now, { trustedMcpServers: deps.trustedMcpServers ?? [] });
  // Overrides are reported with the signals but the bundle schema does not take them (yet).
  const signals = { phase_holds: live.phase_holds, active_incidents: live.active_incidents, trusted_mcp_servers: live.trusted_mcp_servers };
  return evaluateIntent(active.bundle, { intent, signals, now });
}
