/**
 * Enforcement events (DESIGN §3.6; Slice-0 `enforcement_event.schema.json`).
 *
 * @module
 */

/** Every enforcement event type. */
export type EnforcementEventType =
  | 'authorization_requested'
  | 'authorization_approved'
  | 'authorization_denied'
  | 'execution_started'
  | 'execution_completed'
  | 'execution_aborted'
  | 'revocation_hit'
  | 'drift_detected'
  | 'compensation_triggered'
  | 'oob_detected';

/**
 * One enforcement event; carries the correlation keys (invariant 8). No secret ever
 * goes in `details`.
 *
 * @example
 * ```ts
 * const e: EnforcementEvent = { event_id: 'evt_…', event_type: 'authorization_denied', occurred_at: now.toISOString(), decision_hash, token_jti, authorization_id, action_scope: 'promotion', region: 'eu-west-1', agent_id: 'release-bot', denial_code: 'TOKEN_REPLAY' };
 * ```
 */
export interface EnforcementEvent {
  event_id: string;
  event_type: EnforcementEventType;
  occurred_at: string;
  decision_hash: string;
  token_jti: string;
  authorization_id: string;
  action_scope: string;
  region: string;
  agent_id: string;
  denial_code?: string;
  details?: Record<string, unknown>;
}

/**
 * Where events go. `emit` never throws and never blocks the authorization path: sinks
 * deliver asynchronously and record their own failures.
 *
 * @example
 * ```ts
 * events.emit(event);
 * ```
 */
export interface EnforcementEventSink {
  emit(event: EnforcementEvent): void;
}
