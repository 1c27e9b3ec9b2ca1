/**
 * What the gateway asks of enforcement epochs (DESIGN §3.8, §3.5 step 5).
 *
 * @module
 */

/** Wire states of an epoch (Slice-0 response: active | drain | deprecate). */
export type EpochWireState = 'active' | 'drain' | 'deprecate';

/**
 * The epoch a token carries, as of `now`: `active`; `drain` with the seconds of grace
 * left (allowed while > 0); `deprecate`; or `unknown` (never existed).
 *
 * @example
 * ```ts
 * const s: EpochStatus = { value: 3, state: 'drain', grace_window_seconds: 60, grace_remaining_ms: 12_000 };
 * ```
 */
export interface EpochStatus {
  value: number;
  state: EpochWireState | 'unknown';
  grace_window_seconds: number;
  /** For `drain`: ms of grace left (≤ 0 once the grace window has passed). */
  grace_remaining_ms: number;
  /** For `deprecate`: deprecated outright, or a drain whose grace window ran out. */
  deprecated_reason?: 'EPOCH_DEPRECATED' | 'EPOCH_GRACE_EXPIRED' | null;
}

/**
 * Epoch state for the gateway; reads may hit the store (fail closed on error: the
 * caller treats a throw as a DENY).
 *
 * @example
 * ```ts
 * const status = await epochs.statusOf(claims.enforcement_epoch, clock.now());
 * const current = await epochs.current(clock.now()); // reported in every response
 * ```
 */
export interface EpochView {
  statusOf(epoch: number, now: Date): Promise<EpochStatus>;
  /** The currently active epoch, as the response reports it. */
  current(now: Date): Promise<{ value: number; state: EpochWireState; grace_window_seconds: number }>;
}
