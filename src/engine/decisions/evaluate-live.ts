import { WritError } from '../../errors/writ-error.ts';
import { getActiveBundle } from '../../policy/bundle-store.ts';
import type { PolicyDecision } from '../../policy/decision.ts';
import { evaluateIntent } from '../../policy/evaluate.ts';
import type { Intent, PolicySignals } from '../../policy/intent.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { currentSignals } from '../signals/signal-store.ts';

/**
 * True when a phase hold applies to this target or environment tier.
 *
 * @example
 * ```ts
 * holdCovers({ id: 'h', targets: ['payments/prod'] }, 'payments/prod', 'prod'); // true
 * ```
 */
export function holdCovers(h: { targets?: readonly string[]; environments?: readonly string[] }, target: string, tier: string): boolean {
  return (h.targets ?? []).includes(target) || (h.environments ?? []).includes(tier);
}

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
  return (await evaluateLiveWithSignals(deps, intent, now)).decision;
}

/**
 * {@link evaluateLive}, also returning the signals the decision was made under (shadow
 * mode evaluates its candidate under exactly these).
 *
 * @throws {WritError} `INTERNAL` when no policy bundle is active.
 *
 * @example
 * ```ts
 * const { decision, signals } = await evaluateLiveWithSignals(deps, intent, deps.clock.now());
 * ```
 */
export async function evaluateLiveWithSignals(deps: EngineDeps, intent: Intent, now: Date): Promise<{ decision: PolicyDecision; signals: PolicySignals }> {
  const active = await getActiveBundle(deps.store.db);
  if (!active) throw new WritError('INTERNAL', 'no policy bundle is active');
  const live = await currentSignals(deps.store.db, now, { trustedMcpServers: deps.trustedMcpServers ?? [] });
  // An active override is an approved exception to the phase holds on its scope: a hold
  // it covers for this intent's target or environment is waived. Incidents are never
  // waived. (The gateway denies OVERRIDE_EXPIRED when the override lapses before use.)
  const target = intent.resource.id;
  const tier = intent.execution_identity.env_tier;
  const covered = (o: { targets?: readonly string[]; environments?: readonly string[] }) => (o.targets ?? []).includes(target) || (o.environments ?? []).includes(tier);
  const waived = live.active_overrides.some(covered);
  const signals = {
    phase_holds: waived ? live.phase_holds.filter((h) => !holdCovers(h, target, tier)) : live.phase_holds,
    active_incidents: live.active_incidents,
    trusted_mcp_servers: live.trusted_mcp_servers,
  };
  return { decision: evaluateIntent(active.bundle, { intent, signals, now }), signals };
}
