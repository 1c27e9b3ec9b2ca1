/**
 * Using break-glass (DESIGN §3.10): an L4/L5 officer gets an intent allowed without
 * approvals, for a bounded time, on exactly the intent's target and action class.
 * Policy still decides first: a deny stays a deny (break-glass skips approvals, never
 * a forbid), and a permit whose approval obligation says `@break_glass` is not
 * allowed (e.g. `policy.activate`) stays out of reach. The decision, its `break_glass`
 * row and the `break_glass.used` entry are written in one transaction and awaited in
 * the ledger; the workload then gets its token through the normal token route and
 * meets every gateway check.
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import type { HumanIdentity } from '../../identity/human-identity.ts';
import { privilegeLevel } from '../../identity/roles.ts';
import type { PolicyDecision } from '../../policy/decision.ts';
import type { Intent } from '../../policy/intent.ts';
import { activeEpoch } from '../decisions/decision-store.ts';
import { evaluateLive } from '../decisions/evaluate-live.ts';
import type { Decision } from '../decisions/model.ts';
import { recordDecision, type LedgerReceipt } from '../decisions/record-decision.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { insertBreakGlass } from './break-glass-store.ts';
import {
  DEFAULT_BREAK_GLASS_TTL_S,
  MAX_BREAK_GLASS_TTL_S,
  REVIEW_WINDOW_MS,
  humanKey,
  type BreakGlassReason,
  type BreakGlassScope,
  type BreakGlassUse,
} from './model.ts';

/** What an officer asks for. */
export interface BreakGlassRequest {
  intent: Intent;
  reason: BreakGlassReason;
  /** 1…3600; default 900. */
  ttl_seconds?: number;
  scope: BreakGlassScope;
}

/** A use that went through. */
export interface BreakGlassResult {
  decision: Decision;
  use: BreakGlassUse;
  ledger: LedgerReceipt;
}

/**
 * Refusal after policy denied the intent: the denied decision was recorded and is attached.
 *
 * @example
 * ```ts
 * if (err instanceof BreakGlassPolicyDenied) err.decision.deny_code; // 'POLICY_FORBID'
 * ```
 */
export class BreakGlassPolicyDenied extends WritError {
  readonly decision: Decision;

  constructor(decision: Decision) {
    super('FORBIDDEN', 'policy denies this intent; break-glass skips approvals, never a deny', { reason: 'POLICY_DENIES' });
    this.name = 'BreakGlassPolicyDenied';
    this.decision = decision;
  }
}

/**
 * Uses break-glass for an intent.
 *
 * @throws {WritError} `FORBIDDEN` reason `NOT_PRIVILEGED` (not L4/L5), `BREAK_GLASS_NOT_ALLOWED`
 *   (policy requires approvals that break-glass may not skip), or {@link BreakGlassPolicyDenied}
 *   (`POLICY_DENIES`, the denied decision recorded); `BAD_REQUEST` reason `SCOPE_MISMATCH`
 *   or `TTL_OUT_OF_RANGE`.
 *
 * @example
 * ```ts
 * const { decision } = await useBreakGlass(engine, dave, { intent, reason: { category: 'outage_recovery', summary: 'hotfix' }, ttl_seconds: 600, scope: { target: 'payments/prod', action_class: 'promotion' } });
 * decision.status; // 'allowed'
 * ```
 */
export async function useBreakGlass(deps: EngineDeps, human: HumanIdentity, request: BreakGlassRequest): Promise<BreakGlassResult> {
  const level = privilegeLevel(human);
  if (!level) throw new WritError('FORBIDDEN', 'break-glass needs privilege level L4 (security officer) or L5 (executive)', { reason: 'NOT_PRIVILEGED' });
  const ttl = request.ttl_seconds ?? DEFAULT_BREAK_GLASS_TTL_S;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_BREAK_GLASS_TTL_S) {
    throw new WritError('BAD_REQUEST', `ttl_seconds must be a whole number from 1 to ${MAX_BREAK_GLASS_TTL_S}`, { reason: 'TTL_OUT_OF_RANGE' });
  }
  // Each use stands alone (and is reviewed alone): an idempotency key is not carried over.
  const { idempotency_key: _key, ...intent } = request.intent;
  void _key;
  if (request.scope.target !== intent.resource.id || request.scope.action_class !== intent.action_scope) {
    throw new WritError('BAD_REQUEST', 'scope must equal the intent: target = resource.id, action_class = action_scope', { reason: 'SCOPE_MISMATCH' });
  }
  const now = deps.clock.now();
  const evaluated = await evaluateLive(deps, intent, now);
  const enforcementEpoch = await activeEpoch(deps.store.db);
  const submittedBy = humanKey(human);
  const log = deps.logger;

  if (evaluated.verdict === 'deny') {
    // Recorded (marked break_glass: the attempt is on the ledger) and refused.
    const { decision } = await recordDecision(deps, { intent, evaluated, enforcementEpoch, submittedBy, breakGlass: true, ttlSeconds: ttl });
    log?.warn({ decision_id: decision.decision_id, decision_hash: decision.decision_hash, deny_code: decision.deny_code, privilege_level: level, requested_by: submittedBy }, 'break-glass refused: policy denies');
    throw new BreakGlassPolicyDenied(decision);
  }
  if (evaluated.verdict === 'require_approval' && !evaluated.obligations.break_glass_allowed) {
    log?.warn({ action_scope: intent.action_scope, target: intent.resource.id, reasons: evaluated.reasons, privilege_level: level, requested_by: submittedBy }, 'break-glass refused: not allowed for this action');
    throw new WritError('FORBIDDEN', 'policy does not allow break-glass for this action', { reason: 'BREAK_GLASS_NOT_ALLOWED' });
  }

  // Allowed without approvals: what policy asked (reasons, risk) stays on the decision.
  const allowed: PolicyDecision = {
    ...evaluated,
    verdict: 'allow',
    deny_code: null,
    obligations: { ...evaluated.obligations, approvals_required: 0, approver_groups: [] },
  };
  // The use starts when the decision is made (its created_at); the review is due 72 h later.
  let usedAt = now;
  let reviewDueAt = new Date(now.getTime() + REVIEW_WINDOW_MS);
  const incidentRef = request.reason.incident_ref ?? null;
  const { decision, ledger } = await recordDecision(deps, {
    intent,
    evaluated: allowed,
    enforcementEpoch,
    submittedBy,
    breakGlass: true,
    ttlSeconds: ttl,
    extra: async (trx, d) => {
      usedAt = new Date(d.created_at);
      reviewDueAt = new Date(usedAt.getTime() + REVIEW_WINDOW_MS);
      await insertBreakGlass(trx, {
        decision_id: d.decision_id,
        requested_by: { iss: human.iss, sub: human.sub },
        level,
        reason_category: request.reason.category,
        reason_summary: request.reason.summary,
        incident_ref: incidentRef,
        ttl_seconds: ttl,
        used_at: usedAt,
        review_due_at: reviewDueAt,
      });
      return [
        {
          stream_id: d.decision_id,
          entry_type: 'break_glass.used',
          payload: {
            decision_id: d.decision_id,
            level,
            requested_by: { iss: human.iss, sub: human.sub },
            reason_category: request.reason.category,
            reason_summary: request.reason.summary,
            incident_ref: incidentRef,
            ttl_seconds: ttl,
            target: request.scope.target,
            action_class: request.scope.action_class,
            review_due_at: reviewDueAt.toISOString(),
          },
        },
      ];
    },
  });
  // Every use alerts. Delivery (Slack, PagerDuty) arrives with the gateway; until then the
  // warning carries the correlation keys and GET /v1/break-glass lists the uses.
  log?.warn(
    {
      alert: 'break_glass.used',
      decision_id: decision.decision_id,
      decision_hash: decision.decision_hash,
      privilege_level: level,
      requested_by: submittedBy,
      reason_category: request.reason.category,
      incident_ref: incidentRef,
      target: request.scope.target,
      action_class: request.scope.action_class,
      expires_at: decision.expires_at,
      review_due_at: reviewDueAt.toISOString(),
    },
    'break-glass used',
  );
  const use: BreakGlassUse = {
    decision_id: decision.decision_id,
    decision_hash: decision.decision_hash,
    level,
    requested_by: { iss: human.iss, sub: human.sub },
    reason: { category: request.reason.category, summary: request.reason.summary, incident_ref: incidentRef },
    ttl_seconds: ttl,
    target: request.scope.target,
    action_class: request.scope.action_class,
    used_at: usedAt.toISOString(),
    expires_at: decision.expires_at,
    review_due_at: reviewDueAt.toISOString(),
    overdue: false,
    review: null,
  };
  return { decision, use, ledger };
}
