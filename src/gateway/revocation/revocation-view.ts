/**
 * What the gateway asks of revocation state (DESIGN §3.8, §3.5 step 4). Implemented by
 * the replica's in-memory view fed by LISTEN/NOTIFY (and NATS when configured).
 *
 * @module
 */

/** What can be revoked. `agent` matches an execution identity's agent_id or spiffe_id. */
export type RevocationKind = 'jti' | 'kid' | 'agent';

/** Finer reasons of a revocation hit (DESIGN §3.5 step 4). */
export type RevocationHit = 'TOKEN_REVOKED' | 'KEY_REVOKED' | 'AGENT_REVOKED';

/**
 * The outcome of one check. `stale` is true when the view is older than its bound:
 * the gateway must then deny with REVOCATION_UNCERTAIN / STALE, whatever `hit` says.
 *
 * @example
 * ```ts
 * const r: RevocationCheck = { hit: null, stale: false, age_ms: 120 };
 * ```
 */
export interface RevocationCheck {
  hit: RevocationHit | null;
  stale: boolean;
  /** How old the view's state is (ms since it was last known complete). */
  age_ms: number;
}

/**
 * A replica's view of revocations. `check` is synchronous and cheap (in memory).
 *
 * @example
 * ```ts
 * const r = view.check({ jti, kid, agent_id, spiffe_id }, clock.now());
 * if (r.stale) deny('REVOCATION_UNCERTAIN', 'STALE');
 * ```
 */
export interface RevocationView {
  check(subject: { jti: string; kid: string; agent_id?: string | null; spiffe_id?: string | null }, now: Date): RevocationCheck;
}
