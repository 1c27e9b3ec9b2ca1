/**
 * Building enforcement events: a fresh `event_id` and `occurred_at` from the injected id
 * source and clock, and stand-ins for correlation keys a caller does not have.
 *
 * @module
 */
import type { Clock } from '../common/clock.ts';
import type { IdSource } from '../common/ids.ts';
import type { EnforcementEvent } from './enforcement-event.ts';

/**
 * Stand-ins for correlation keys that do not exist for an event (every key is required
 * by the Slice-0 schema): e.g. an out-of-band execution reported without an
 * authorization, or a request denied before its token was read. Each is long enough
 * for the Slice-0 minimum and can never be a real id (`none:` prefix).
 *
 * @example
 * ```ts
 * event.authorization_id === NO_CORRELATION.authorization_id; // the target reported no authorization
 * ```
 */
export const NO_CORRELATION = {
  decision_hash: 'none:decision_hash',
  token_jti: 'none:token_jti',
  authorization_id: 'none:authorization',
} as const;

/** Stand-ins the gateway uses for keys it could not read from a malformed request. */
const GATEWAY_STAND_INS = new Set(['missing-decision-hash', 'unverified-token', 'unknown']);

/** True when `value` is a stand-in ({@link NO_CORRELATION}, or the gateway's), not a real key. */
export function isNoCorrelation(value: string): boolean {
  return value.startsWith('none:') || GATEWAY_STAND_INS.has(value);
}

/** What a caller gives to {@link buildEvent}: the event without its id and time. */
export type EventFields = Omit<EnforcementEvent, 'event_id' | 'occurred_at'> & { occurred_at?: Date };

/**
 * Builds an event with a new `evt_` id and `occurred_at` = now (or the given instant),
 * dropping an undefined `denial_code`/`details`.
 *
 * @example
 * ```ts
 * const e = buildEvent({ ids, clock }, { event_type: 'authorization_denied', decision_hash, token_jti, authorization_id, action_scope: 'promotion', region: 'eu-west-1', agent_id: 'release-bot', denial_code: 'TOKEN_REPLAY' });
 * ```
 */
export function buildEvent(ctx: { ids: IdSource; clock: Clock }, fields: EventFields): EnforcementEvent {
  const { occurred_at, denial_code, details, ...rest } = fields;
  return {
    event_id: ctx.ids.newId('evt'),
    occurred_at: (occurred_at ?? ctx.clock.now()).toISOString(),
    ...rest,
    ...(denial_code !== undefined ? { denial_code } : {}),
    ...(details !== undefined ? { details } : {}),
  };
}
