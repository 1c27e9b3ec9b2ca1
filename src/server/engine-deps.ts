import type { ActivationLifecycle } from '../engine/activation/activate-bundle.ts';
import { defaultEvidenceAnalyzers } from '../engine/lifecycle/evidence/default-analyzers.ts';
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

/**
 * The lifecycle rules of governed activation, from the server's configuration.
 *
 * @example
 * ```ts
 * await requestActivation(engine, actor, body, activationLifecycleOf(deps));
 * ```
 */
export function activationLifecycleOf(deps: ServerDeps): ActivationLifecycle {
  const cached = lifecycles.get(deps);
  if (cached) return cached;
  const p = deps.config.policyLifecycle;
  const lifecycle = { requireShadow: p.requireShadow, shadowMinHours: p.shadowMinHours, analyzers: defaultEvidenceAnalyzers(p.approverGroups) };
  lifecycles.set(deps, lifecycle);
  return lifecycle;
}

const lifecycles = new WeakMap<ServerDeps, ActivationLifecycle>();
