/**
 * Out-of-band detection (DESIGN §1): a target system reports an execution it saw; if
 * no committed authorization matches it, Writ raises `oob_detected` (event + alert).
 *
 * @module
 */
import type { Clock } from '../common/clock.ts';
import type { IdSource } from '../common/ids.ts';
import { NO_CORRELATION, buildEvent } from './build-event.ts';
import type { EnforcementEvent } from './enforcement-event.ts';
import type { PublishResult } from './event-bus.ts';

/**
 * Finds an authorization by id (the gateway's `authorizations` table): whether it is
 * committed to the ledger, and the decision hash it authorized; null when unknown.
 *
 * @example
 * ```ts
 * const lookup: AuthorizationLookup = async (id) => (await findAuthorization(db, id)) ?? null;
 * ```
 */
export type AuthorizationLookup = (authorizationId: string) => Promise<{ committed: boolean; decision_hash: string } | null>;

/** What a target system reports (`POST /v1/executions/observed`). */
export interface ObservedExecution {
  decision_hash: string;
  authorization_id?: string;
  token_jti?: string;
  action_scope: string;
  region: string;
  agent_id: string;
  /** ISO 8601, when the target saw the execution. */
  observed_at: string;
  target_system: string;
}

/** Why an observed execution is out of band. */
export type OobReason =
  | 'AUTHORIZATION_MISSING'
  | 'AUTHORIZATION_UNKNOWN'
  | 'AUTHORIZATION_NOT_COMMITTED'
  | 'DECISION_HASH_MISMATCH'
  | 'AUTHORIZATION_UNVERIFIABLE';

/** What the check found. */
export interface ObservedExecutionResult {
  observation_id: string;
  status: 'authorized' | 'out_of_band';
  reason: OobReason | null;
  /** The authorization found by id (null when none was given or none exists). */
  authorization: { authorization_id: string; committed: boolean; decision_hash_matches: boolean } | null;
  /** The `oob_detected` event (null when authorized, or when the bus refused it). */
  event_id: string | null;
  alert_id: string | null;
}

/** What {@link checkObservedExecution} needs. */
export interface ObservedExecutionDeps {
  lookup: AuthorizationLookup;
  events: { publish(event: EnforcementEvent): PublishResult };
  clock: Clock;
  ids: IdSource;
}

/**
 * Checks a reported execution against the authorizations: authorized only when an
 * authorization with the reported id exists, is committed, and is for the reported
 * decision hash. Anything else (including a lookup that fails: fail closed) raises
 * `oob_detected`, whose alert goes to Slack/PagerDuty.
 *
 * @example
 * ```ts
 * const r = await checkObservedExecution(deps, { decision_hash, action_scope: 'promotion', region: 'eu-west-1', agent_id: 'release-bot', observed_at, target_system: 'argocd' });
 * r.status; // 'out_of_band' (no authorization_id reported)
 * ```
 */
export async function checkObservedExecution(deps: ObservedExecutionDeps, report: ObservedExecution): Promise<ObservedExecutionResult> {
  const observation_id = deps.ids.newId('obs');
  let reason: OobReason | null = null;
  let authorization: ObservedExecutionResult['authorization'] = null;
  if (!report.authorization_id) {
    reason = 'AUTHORIZATION_MISSING';
  } else {
    try {
      const found = await deps.lookup(report.authorization_id);
      if (!found) {
        reason = 'AUTHORIZATION_UNKNOWN';
      } else {
        const matches = found.decision_hash === report.decision_hash;
        authorization = { authorization_id: report.authorization_id, committed: found.committed, decision_hash_matches: matches };
        if (!found.committed) reason = 'AUTHORIZATION_NOT_COMMITTED';
        else if (!matches) reason = 'DECISION_HASH_MISMATCH';
      }
    } catch {
      reason = 'AUTHORIZATION_UNVERIFIABLE';
    }
  }
  if (reason === null) return { observation_id, status: 'authorized', reason: null, authorization, event_id: null, alert_id: null };

  const event = buildEvent(deps, {
    event_type: 'oob_detected',
    decision_hash: report.decision_hash,
    token_jti: report.token_jti ?? NO_CORRELATION.token_jti,
    authorization_id: report.authorization_id ?? NO_CORRELATION.authorization_id,
    action_scope: report.action_scope,
    region: report.region,
    agent_id: report.agent_id,
    details: { reason, observation_id, target_system: report.target_system, observed_at: report.observed_at },
  });
  const published = deps.events.publish(event);
  return {
    observation_id,
    status: 'out_of_band',
    reason,
    authorization,
    event_id: published.accepted ? event.event_id : null,
    alert_id: published.alert_id,
  };
}
