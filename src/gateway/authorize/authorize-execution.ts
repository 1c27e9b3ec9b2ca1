/**
 * `authorize_execution` (DESIGN §3.5): the nine verification steps in their fixed
 * order, the first failing one deciding. Fail closed: every path that is not the
 * complete ALLOW path is a DENY with a code and a reason, including exceptions.
 * Every request gets an `authorization_id` and is recorded (row + ledger entry).
 *
 * @module
 */
import { isSha256Ref } from '../../crypto/hash.ts';
import type { AuthorizeRequest, AuthorizeResponse } from '../../contracts/authorize.ts';
import type { StoredDecision } from '../../engine/decisions/decision-store.ts';
import { execIdentityHash } from '../../engine/decisions/model.ts';
import type { AttestationClaims } from '../../engine/tokens/claims.ts';
import type { EnforcementEvent, EnforcementEventType } from '../../events/enforcement-event.ts';
import type { PresentedCredentials } from '../../identity/spiffe/workload-authenticator.ts';
import { sql } from 'kysely';
import { validateEntry } from '../../ledger/entries/validate-entry.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { isUniqueViolation } from '../../store/pg-errors.ts';
import { deny, type Denial, type DenialCode } from '../denials.ts';
import { ensureGatewayEntryTypes } from '../entry-types.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { gatewayDb } from '../tables.ts';
import { checkDrift } from './drift-guard.ts';
import { checkAuthorizeRequest } from './request-check.ts';
import { readGatewayState, type GatewayState } from './gateway-state.ts';
import { STAND_IN } from '../commit/authorization-event.ts';

/** The result of one authorize_execution call. */
export interface AuthorizeOutcome {
  /** 200 for a verdict; 400 for a body that is not schema-valid (still recorded as denied). */
  status: 200 | 400;
  response: AuthorizeResponse;
  /** Set on DENY (the finer reason is recorded, not returned in the Slice-0 body). */
  denial: Denial | null;
  /** For a 400: what was wrong with the body. */
  detail?: string;
  /** On ALLOW: the outbox id of the authorization entry (the commit to wait for). */
  outbox_id?: number;
}

const UNKNOWN_BUNDLE = `sha256:${'0'.repeat(64)}`;

interface Evaluated {
  denial: Denial | null;
  claims: AttestationClaims | null;
  decision: StoredDecision | null;
}

/** Steps 2–7, in order; returns at the first failing step. */
async function verify(deps: GatewayDeps, req: AuthorizeRequest, presented: PresentedCredentials, now: Date): Promise<Evaluated> {
  // 2. The token.
  const token = await deps.tokens.verify(req.attestation_token, now);
  if (!token.ok) return { denial: deny('TOKEN_INVALID', token.reason), claims: null, decision: null };
  const claims = token.claims;
  if (claims.decision_hash !== req.decision_hash) return { denial: deny('TOKEN_INVALID', 'DECISION_HASH_MISMATCH'), claims, decision: null };
  if (claims.action_scope !== req.action_scope) return { denial: deny('TOKEN_INVALID', 'SCOPE_MISMATCH'), claims, decision: null };
  // One read for steps 3 and 7; the steps still decide in their order.
  let state: GatewayState;
  try {
    state = await readGatewayState(deps.store.db, { jti: claims.jti, decisionHash: claims.decision_hash, now });
  } catch (err) {
    deps.logger?.warn({ err }, 'gateway state could not be read: deny');
    return { denial: deny('DRIFT_DETECTED', 'SIGNAL_UNAVAILABLE'), claims, decision: null };
  }
  // 3. One-time jti (checked here for the step order; enforced atomically in step 8).
  if (state.replayed) return { denial: deny('TOKEN_REPLAY', 'REPLAY'), claims, decision: null };
  // 4. Revocation, and the view's freshness.
  const x = req.execution_identity;
  const rev = deps.revocations.check({ jti: claims.jti, kid: claims.kid, agent_id: x.agent_id ?? null, spiffe_id: x.spiffe_id }, now);
  if (rev.stale) return { denial: deny('REVOCATION_UNCERTAIN', 'STALE'), claims, decision: null };
  if (rev.hit) return { denial: deny('TOKEN_INVALID', rev.hit), claims, decision: null };
  // 5. Enforcement epoch.
  const epoch = await deps.epochs.statusOf(claims.enforcement_epoch, now);
  if (epoch.state === 'unknown') return { denial: deny('EPOCH_INCOMPATIBLE', 'EPOCH_UNKNOWN'), claims, decision: null };
  if (epoch.state === 'deprecate') return { denial: deny('EPOCH_INCOMPATIBLE', epoch.deprecated_reason === 'EPOCH_GRACE_EXPIRED' ? 'EPOCH_GRACE_EXPIRED' : 'EPOCH_DEPRECATED'), claims, decision: null };
  if (epoch.state === 'drain' && epoch.grace_remaining_ms <= 0) return { denial: deny('EPOCH_INCOMPATIBLE', 'EPOCH_GRACE_EXPIRED'), claims, decision: null };
  // 6. Identity binding: the runtime SVID, its SPIFFE ID, the tuple hash.
  const who = await deps.workloads.authenticate(presented, { audience: deps.audience, now });
  if (!who.ok) return { denial: deny('IDENTITY_BINDING_MISMATCH', who.reason), claims, decision: null };
  if (who.spiffe_id !== x.spiffe_id) return { denial: deny('IDENTITY_BINDING_MISMATCH', 'SPIFFE_ID_MISMATCH'), claims, decision: null };
  if (execIdentityHash(x) !== claims.exec_identity_hash) return { denial: deny('IDENTITY_BINDING_MISMATCH', 'TUPLE_MISMATCH'), claims, decision: null };
  // 7. Drift since the decision.
  const drift = await checkDrift(deps, state, claims, now);
  return { denial: drift, claims, decision: state.decision };
}

/**
 * Runs authorize_execution for one request.
 *
 * @example
 * ```ts
 * const out = await authorizeExecution(deps, request.body, { authorization: request.headers.authorization });
 * reply.code(out.status).send(out.response);
 * ```
 */
export async function authorizeExecution(deps: GatewayDeps, body: unknown, presented: PresentedCredentials): Promise<AuthorizeOutcome> {
  ensureGatewayEntryTypes();
  const authorizationId = deps.ids.newId('authz');
  const now = deps.clock.now();
  const evaluatedAt = now.toISOString();
  const checked = checkAuthorizeRequest(body);
  const req = checked.ok ? checked.request : null;
  let ev: Evaluated = { denial: null, claims: null, decision: null };
  let outboxId: number | undefined;
  try {
    if (!checked.ok) {
      ev.denial = deny(checked.code === 'MISSING_DECISION_HASH' ? 'MISSING_DECISION_HASH' : 'TOKEN_INVALID', 'MALFORMED_REQUEST');
    } else if (req) {
      ev = await verify(deps, req, presented, now);
      if (!ev.denial) {
        // 8. Consume the jti and write the authorization record (outbox) in one transaction.
        try {
          outboxId = await recordAllow(deps, authorizationId, req, ev, now);
        } catch (err) {
          // The record could not be made durable: no ALLOW without it (step 8).
          ev.denial = isUniqueViolation(err) ? deny('TOKEN_REPLAY', 'REPLAY') : deny('LEDGER_COMMIT_TIMEOUT', 'LEDGER_UNAVAILABLE');
          if (!isUniqueViolation(err)) deps.logger?.error({ err, authorization_id: authorizationId }, 'authorization record could not be written: deny');
        }
      }
    }
  } catch (err) {
    deps.logger?.error({ err, authorization_id: authorizationId }, 'authorize_execution failed: deny');
    ev.denial = deny('DRIFT_DETECTED', 'INTERNAL_ERROR');
  }

  let response: AuthorizeResponse;
  try {
    response = await respond(deps, authorizationId, req, body, ev, evaluatedAt, now);
  } catch (err) {
    // No answer can be formed from what was evaluated: the only safe answer is a DENY.
    deps.logger?.error({ err, authorization_id: authorizationId }, 'authorize_execution response failed: deny');
    ev.denial = deny('DRIFT_DETECTED', 'INTERNAL_ERROR');
    response = {
      authorization_id: authorizationId,
      verdict: 'DENY',
      denial_code: ev.denial.code,
      decision_hash: STAND_IN.decisionHash,
      policy_bundle_hash: UNKNOWN_BUNDLE,
      enforcement_epoch: { value: 1, state: 'deprecate', grace_window_seconds: 0 },
      evaluated_at: evaluatedAt,
    };
  }
  if (ev.denial) await recordDeny(deps, authorizationId, req, body, ev, now);
  emitEvents(deps, authorizationId, req, body, ev, evaluatedAt);
  if (!checked.ok) return { status: 400, response, denial: ev.denial, detail: checked.detail };
  return { status: 200, response, denial: ev.denial, ...(outboxId !== undefined ? { outbox_id: outboxId } : {}) };
}

function ledgerPayload(authorizationId: string, req: AuthorizeRequest | null, body: unknown, ev: Evaluated, evaluatedAt: string) {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Partial<AuthorizeRequest>;
  const x = req?.execution_identity;
  const bounded = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : null);
  return {
    authorization_id: authorizationId,
    verdict: ev.denial ? ('DENY' as const) : ('ALLOW' as const),
    denial_code: ev.denial?.code ?? null,
    reason: ev.denial?.reason ?? null,
    decision_id: ev.decision?.decision.decision_id ?? null,
    decision_hash: ev.claims?.decision_hash ?? (isSha256Ref(raw.decision_hash) ? raw.decision_hash : null),
    token_jti: ev.claims?.jti ?? null,
    kid: ev.claims?.kid ?? null,
    action_scope: req?.action_scope ?? null,
    agent_id: bounded(x?.agent_id),
    spiffe_id: bounded(x?.spiffe_id),
    region: bounded(x?.region),
    policy_bundle_hash: ev.claims?.policy_bundle_hash ?? null,
    enforcement_epoch: ev.claims?.enforcement_epoch ?? null,
    evaluated_at: evaluatedAt,
  };
}

async function recordAllow(deps: GatewayDeps, authorizationId: string, req: AuthorizeRequest, ev: Evaluated, now: Date): Promise<number> {
  const claims = ev.claims as AttestationClaims;
  const p = ledgerPayload(authorizationId, req, req, ev, now.toISOString());
  const entry = { stream_id: ev.decision?.decision.decision_id ?? 'system.gateway', entry_type: 'authorization.recorded', payload: p };
  validateEntry(entry);
  // One statement, so one round trip and atomic: the jti is consumed (its primary key
  // decides a race between replicas), the outbox row and the authorization row are
  // written, or none of them is.
  const { rows } = await sql<{ outbox_id: number }>`
    with j as (
      insert into consumed_jtis (jti, authorization_id, consumed_at) values (${claims.jti}, ${authorizationId}, ${now}) returning jti
    ), o as (
      insert into ledger_outbox (stream_id, entry_type, payload) select ${entry.stream_id}, ${entry.entry_type}, ${JSON.stringify(p)}::jsonb from j returning id
    )
    insert into authorizations (authorization_id, verdict, denial_code, reason, decision_id, decision_hash, token_jti, kid, action_scope,
                                agent_id, spiffe_id, region, policy_bundle_hash, enforcement_epoch, outbox_id, evaluated_at, state, state_changed_at)
    select ${authorizationId}, 'ALLOW', null, null, ${p.decision_id}, ${p.decision_hash}, ${p.token_jti}, ${p.kid}, ${p.action_scope},
           ${p.agent_id}, ${p.spiffe_id}, ${p.region}, ${p.policy_bundle_hash}, ${p.enforcement_epoch}, o.id, ${now}, 'pending', ${now}
    from o
    returning outbox_id`.execute(deps.store.db);
  const outboxId = rows[0]?.outbox_id;
  if (outboxId === undefined || outboxId === null) throw new Error('authorization record was not written');
  deps.ledger.notify();
  return Number(outboxId);
}

async function recordDeny(deps: GatewayDeps, authorizationId: string, req: AuthorizeRequest | null, body: unknown, ev: Evaluated, now: Date): Promise<void> {
  const payload = ledgerPayload(authorizationId, req, body, ev, now.toISOString());
  try {
    await deps.store.transaction(async (trx) => {
      const [outboxId] = await enqueueInTransaction(trx, [{ stream_id: ev.decision?.decision.decision_id ?? 'system.gateway', entry_type: 'authorization.recorded', payload }]);
      await gatewayDb(trx).insertInto('authorizations').values({ ...payload, outbox_id: outboxId ?? null, evaluated_at: now, state: 'denied', state_changed_at: now }).execute();
    });
    deps.ledger.notify();
  } catch (err) {
    // The answer is a DENY either way; a record that cannot be written is logged.
    deps.logger?.error({ err, authorization_id: authorizationId, denial_code: ev.denial?.code }, 'denied authorization could not be recorded');
  }
}

async function respond(deps: GatewayDeps, authorizationId: string, req: AuthorizeRequest | null, body: unknown, ev: Evaluated, evaluatedAt: string, now: Date): Promise<AuthorizeResponse> {
  let epoch: AuthorizeResponse['enforcement_epoch'];
  try {
    epoch = await deps.epochs.current(now);
  } catch {
    epoch = { value: ev.claims?.enforcement_epoch ?? 1, state: 'deprecate', grace_window_seconds: 0 };
  }
  let bundle = ev.claims?.policy_bundle_hash ?? ev.decision?.decision.policy_bundle_hash;
  if (!bundle) {
    const active = await deps.store.db.selectFrom('policy_active').select('policy_bundle_hash').executeTakeFirst().catch(() => undefined);
    bundle = active?.policy_bundle_hash ?? UNKNOWN_BUNDLE;
  }
  const raw = (typeof body === 'object' && body !== null ? body : {}) as { decision_hash?: unknown };
  const decisionHash = req?.decision_hash ?? (typeof raw.decision_hash === 'string' && raw.decision_hash.length >= 16 && raw.decision_hash.length <= 128 ? raw.decision_hash : STAND_IN.decisionHash);
  return {
    authorization_id: authorizationId,
    verdict: ev.denial ? 'DENY' : 'ALLOW',
    ...(ev.denial ? { denial_code: ev.denial.code as DenialCode } : {}),
    decision_hash: decisionHash,
    policy_bundle_hash: bundle,
    enforcement_epoch: epoch,
    evaluated_at: evaluatedAt,
  };
}

function emitEvents(deps: GatewayDeps, authorizationId: string, req: AuthorizeRequest | null, body: unknown, ev: Evaluated, occurredAt: string): void {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as { decision_hash?: unknown; execution_identity?: { agent_id?: unknown; region?: unknown; spiffe_id?: unknown } };
  const x = req?.execution_identity;
  const str = (v: unknown, min: number, fallback: string) => (typeof v === 'string' && v.length >= min && v.length <= 256 ? v : fallback);
  const base = {
    occurred_at: occurredAt,
    decision_hash: ev.claims?.decision_hash ?? str(raw.decision_hash, 16, STAND_IN.decisionHash),
    token_jti: ev.claims?.jti ?? STAND_IN.tokenJti,
    authorization_id: authorizationId,
    action_scope: req?.action_scope ?? STAND_IN.unknown,
    region: str(x?.region, 2, STAND_IN.unknown),
    agent_id: str(x?.agent_id ?? x?.spiffe_id, 3, STAND_IN.unknown),
  };
  const emit = (event_type: EnforcementEventType, extra: Partial<EnforcementEvent> = {}) => {
    try {
      deps.events.emit({ event_id: deps.ids.newId('evt'), event_type, ...base, ...extra });
    } catch (err) {
      deps.logger?.warn({ err }, 'event sink threw');
    }
  };
  emit('authorization_requested');
  if (!ev.denial) {
    emit('authorization_approved');
    return;
  }
  const details = { reason: ev.denial.reason };
  emit('authorization_denied', { denial_code: ev.denial.code, details });
  if (ev.denial.reason === 'TOKEN_REVOKED' || ev.denial.reason === 'KEY_REVOKED' || ev.denial.reason === 'AGENT_REVOKED') emit('revocation_hit', { denial_code: ev.denial.code, details });
  if (ev.denial.code === 'DRIFT_DETECTED' || ev.denial.code === 'PHASE_HOLD_ACTIVE' || ev.denial.code === 'OVERRIDE_EXPIRED') emit('drift_detected', { denial_code: ev.denial.code, details });
}
