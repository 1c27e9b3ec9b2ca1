/**
 * Signals domain model: phase holds, incidents and overrides, and the pure rules
 * over them (scope shape, override expiry, projection to {@link PolicySignals}).
 * Nothing here touches the database or reads the clock; `now` is always passed in.
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import type { PolicySignals, ScopedSignal } from '../../policy/intent.ts';

/** What a hold applies to: one resource id (target) or one environment. */
export type HoldScopeKind = 'target' | 'environment';

/** Longest override a caller may grant (7 days). */
export const MAX_OVERRIDE_TTL_SECONDS = 7 * 24 * 3600;

/** Most targets plus environments in one scope. */
export const MAX_SCOPE_ITEMS = 64;

const SCOPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}$/;

/**
 * A phase hold (release freeze) on one target or environment.
 *
 * @example
 * ```ts
 * const h: Hold = { id: 'hold_1', scope_kind: 'target', target: 'payments/prod', reason: 'freeze', author: 'alice', set_at: now, cleared_at: null, cleared_by: null };
 * ```
 */
export interface Hold {
  id: string;
  scope_kind: HoldScopeKind;
  target: string;
  reason: string;
  author: string;
  set_at: Date;
  cleared_at: Date | null;
  cleared_by: string | null;
}

/**
 * A target/environment scope; both empty means global.
 *
 * @example
 * ```ts
 * const s: Scope = { targets: ['payments/prod'], environments: [] };
 * ```
 */
export interface Scope {
  targets: readonly string[];
  environments: readonly string[];
}

/**
 * An incident, open until resolved.
 *
 * @example
 * ```ts
 * const i: Incident = { id: 'inc_1', scope: { targets: [], environments: ['prod'] }, reason: 'db outage', author: 'bob', opened_at: now, resolved_at: null, resolved_by: null };
 * ```
 */
export interface Incident {
  id: string;
  scope: Scope;
  reason: string;
  author: string;
  opened_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
}

/**
 * An approved exception on a scope, active from `granted_at` until (excluding) `expires_at`.
 *
 * @example
 * ```ts
 * const o: Override = { id: 'ovr_1', scope: { targets: ['payments/prod'], environments: [] }, reason: 'hotfix', author: 'carol', granted_at: now, expires_at: overrideExpiry(now, 3600) };
 * ```
 */
export interface Override {
  id: string;
  scope: Scope;
  reason: string;
  author: string;
  granted_at: Date;
  expires_at: Date;
}

/**
 * An active override as policy input: a scoped signal with its expiry.
 *
 * @example
 * ```ts
 * const a: ActiveOverride = { id: 'ovr_1', targets: ['payments/prod'], environments: [], expires_at: '2026-06-01T01:00:00.000Z' };
 * ```
 */
export interface ActiveOverride extends ScopedSignal {
  expires_at: string;
}

/**
 * {@link PolicySignals} plus the overrides active at the evaluation instant. Assignable
 * to `PolicySignals`, so it can be passed to the evaluator as is.
 *
 * @example
 * ```ts
 * const s: CurrentSignals = { phase_holds: [], active_incidents: [], trusted_mcp_servers: [], active_overrides: [] };
 * ```
 */
export interface CurrentSignals extends PolicySignals {
  active_overrides: readonly ActiveOverride[];
}

/**
 * Everything active at one instant, with full detail (for the API and the CLI).
 *
 * @example
 * ```ts
 * const state: SignalState = { holds: [], incidents: [], overrides: [] };
 * ```
 */
export interface SignalState {
  holds: readonly Hold[];
  incidents: readonly Incident[];
  overrides: readonly Override[];
}

/**
 * Checks one target or environment name.
 *
 * @example
 * ```ts
 * assertScopeName('payments/prod', 'target'); // ok
 * assertScopeName(' bad', 'target'); // throws BAD_REQUEST
 * ```
 */
export function assertScopeName(name: string, what: string): void {
  if (!SCOPE_NAME.test(name)) throw new WritError('BAD_REQUEST', `${what}: expected 1-256 characters of [A-Za-z0-9._:/@+-], starting alphanumeric`);
}

/**
 * Normalises a scope: names checked, duplicates removed, order kept. A scope with
 * nothing in it is global; pass `allowGlobal: false` to refuse that (overrides).
 *
 * @example
 * ```ts
 * normaliseScope({ targets: ['a', 'a'], environments: ['prod'] }); // { targets: ['a'], environments: ['prod'] }
 * ```
 */
export function normaliseScope(scope: { targets?: readonly string[]; environments?: readonly string[] }, options: { allowGlobal?: boolean } = {}): Scope {
  const targets = [...new Set(scope.targets ?? [])];
  const environments = [...new Set(scope.environments ?? [])];
  targets.forEach((t) => assertScopeName(t, 'targets'));
  environments.forEach((e) => assertScopeName(e, 'environments'));
  if (targets.length + environments.length > MAX_SCOPE_ITEMS) throw new WritError('BAD_REQUEST', `scope: at most ${MAX_SCOPE_ITEMS} targets and environments`);
  if (options.allowGlobal === false && targets.length + environments.length === 0) {
    throw new WritError('BAD_REQUEST', 'scope: name at least one target or environment');
  }
  return { targets, environments };
}

/**
 * When an override granted at `grantedAt` for `ttlSeconds` expires.
 *
 * @example
 * ```ts
 * overrideExpiry(new Date('2026-06-01T00:00:00Z'), 3600).toISOString(); // '2026-06-01T01:00:00.000Z'
 * ```
 */
export function overrideExpiry(grantedAt: Date, ttlSeconds: number): Date {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_OVERRIDE_TTL_SECONDS) {
    throw new WritError('BAD_REQUEST', `ttl_seconds: expected an integer from 1 to ${MAX_OVERRIDE_TTL_SECONDS}`);
  }
  return new Date(grantedAt.getTime() + ttlSeconds * 1000);
}

/**
 * True while an override is in force: `granted_at <= now < expires_at`.
 *
 * @example
 * ```ts
 * isOverrideActive(o, o.expires_at); // false: the expiry instant is already expired
 * ```
 */
export function isOverrideActive(o: Pick<Override, 'granted_at' | 'expires_at'>, now: Date): boolean {
  return o.granted_at.getTime() <= now.getTime() && now.getTime() < o.expires_at.getTime();
}

/**
 * A hold as policy input.
 *
 * @example
 * ```ts
 * holdSignal(h); // { id: 'hold_1', targets: ['payments/prod'], environments: [] }
 * ```
 */
export function holdSignal(h: Hold): ScopedSignal {
  return h.scope_kind === 'target' ? { id: h.id, targets: [h.target], environments: [] } : { id: h.id, targets: [], environments: [h.target] };
}

/**
 * Projects detailed state to policy signals at `now`: cleared holds, resolved
 * incidents and expired (or not yet started) overrides are left out. Order is kept.
 *
 * @example
 * ```ts
 * const signals = toPolicySignals(state, clock.now(), ['github']);
 * evaluateIntent(bundle, { intent, signals, now: clock.now() });
 * ```
 */
export function toPolicySignals(state: SignalState, now: Date, trustedMcpServers: readonly string[] = []): CurrentSignals {
  return {
    phase_holds: state.holds.filter((h) => h.cleared_at === null).map(holdSignal),
    active_incidents: state.incidents
      .filter((i) => i.resolved_at === null)
      .map((i) => ({ id: i.id, targets: [...i.scope.targets], environments: [...i.scope.environments] })),
    trusted_mcp_servers: [...trustedMcpServers],
    active_overrides: state.overrides
      .filter((o) => isOverrideActive(o, now))
      .map((o) => ({ id: o.id, targets: [...o.scope.targets], environments: [...o.scope.environments], expires_at: o.expires_at.toISOString() })),
  };
}
