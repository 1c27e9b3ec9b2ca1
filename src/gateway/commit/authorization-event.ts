import type { Selectable } from 'kysely';
import type { EnforcementEvent, EnforcementEventType } from '../../events/enforcement-event.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import type { AuthorizationsTable } from '../tables.ts';

/** Stand-ins for correlation keys a recorded authorization does not have (a DENY before the token verified). */
export const STAND_IN = { decisionHash: 'missing-decision-hash', tokenJti: 'unverified-token', unknown: 'unknown' } as const;

/**
 * An enforcement event about a recorded authorization, its correlation keys taken
 * from the row (stand-ins where the row has none).
 *
 * @example
 * ```ts
 * deps.events.emit(authorizationEvent(deps, row, 'execution_started'));
 * ```
 */
export function authorizationEvent(
  deps: Pick<GatewayDeps, 'ids' | 'clock'>,
  row: Pick<Selectable<AuthorizationsTable>, 'authorization_id' | 'decision_hash' | 'token_jti' | 'action_scope' | 'region' | 'agent_id' | 'spiffe_id'>,
  type: EnforcementEventType,
  extra: Pick<EnforcementEvent, 'denial_code' | 'details'> = {},
): EnforcementEvent {
  return {
    event_id: deps.ids.newId('evt'),
    event_type: type,
    occurred_at: deps.clock.now().toISOString(),
    decision_hash: row.decision_hash ?? STAND_IN.decisionHash,
    token_jti: row.token_jti ?? STAND_IN.tokenJti,
    authorization_id: row.authorization_id,
    action_scope: row.action_scope ?? STAND_IN.unknown,
    region: row.region ?? STAND_IN.unknown,
    agent_id: row.agent_id ?? row.spiffe_id ?? STAND_IN.unknown,
    ...extra,
  };
}
