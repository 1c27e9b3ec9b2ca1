import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  BreakGlassBody, BreakGlassListQuery, BreakGlassListResponse, BreakGlassResponse, BreakGlassReviewBody, BreakGlassReviewResponse,
} from '../../contracts/break-glass.ts';
import { listBreakGlass, type BreakGlassListStatus } from '../../engine/break-glass/break-glass-store.ts';
import { REVIEWER_ROLES, type BreakGlassCategory } from '../../engine/break-glass/model.ts';
import { reviewBreakGlass } from '../../engine/break-glass/review-break-glass.ts';
import { BreakGlassPolicyDenied, useBreakGlass } from '../../engine/break-glass/use-break-glass.ts';
import { effectiveStatus } from '../../engine/decisions/model.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { Intent } from '../../policy/intent.ts';
import { engineDepsOf } from '../engine-deps.ts';
import { sendProblem } from '../problem.ts';
import type { ServerDeps } from '../server-deps.ts';
import { adminOrHuman, humanOnly } from './policy.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' }) });

/**
 * Break-glass (DESIGN §3.10):
 * - `POST /v1/break-glass` (human OIDC bearer, privilege L4 or L5): an intent allowed without
 *   approvals for `ttl_seconds` (≤ 3600), limited to its target and action class; policy denies
 *   and non-break-glassable actions are refused. The workload then asks for its token as usual.
 * - `POST /v1/break-glass/{id}/review` (human auditor, security officer or admin; never the user):
 *   the mandatory review, recorded once.
 * - `GET /v1/break-glass?status=unreviewed|overdue|all` (admin, or human auditor/security officer/admin).
 *
 * @example
 * ```ts
 * await app.register(async (scope) => breakGlassRoutes(scope, deps));
 * ```
 */
export async function breakGlassRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const engine = engineDepsOf(deps);
  const human = humanOnly(deps);
  const reader = adminOrHuman(deps, REVIEWER_ROLES);
  const tags = ['break-glass'];

  app.post(
    '/v1/break-glass',
    {
      onRequest: human,
      schema: { body: BreakGlassBody, response: { 201: BreakGlassResponse } },
      config: { openapi: { summary: 'Break-glass (L4/L5): allow an intent without approvals for a bounded time; always alerts; review mandatory', tags } },
    },
    async (request, reply) => {
      const body = request.body as BreakGlassBody;
      const identity = request.human?.identity;
      if (!identity) throw new WritError('UNAUTHENTICATED', 'authentication required');
      try {
        const r = await useBreakGlass(engine, identity, {
          intent: body.intent as Intent,
          reason: { category: body.reason.category as BreakGlassCategory, summary: body.reason.summary, incident_ref: body.reason.incident_ref ?? null },
          ...(body.ttl_seconds !== undefined ? { ttl_seconds: body.ttl_seconds } : {}),
          scope: body.scope,
        });
        // Every break-glass use alerts (DESIGN §3.10).
        deps.events?.alerts.alertBreakGlass(r.use);
        return reply.code(201).send({ decision: { ...r.decision, status: effectiveStatus(r.decision, deps.clock.now()) }, break_glass: r.use, ledger: r.ledger });
      } catch (err) {
        if (err instanceof BreakGlassPolicyDenied) {
          const d = err.decision;
          return sendProblem(reply, 403, 'FORBIDDEN', err.message, { reason: 'POLICY_DENIES', decision_id: d.decision_id, decision_hash: d.decision_hash, deny_code: d.deny_code });
        }
        throw err;
      }
    },
  );

  app.post(
    '/v1/break-glass/:id/review',
    {
      onRequest: human,
      schema: { params: IdParams, body: BreakGlassReviewBody, response: { 200: BreakGlassReviewResponse } },
      config: { openapi: { summary: 'Record the mandatory post-incident review of a break-glass use (once; never by its user)', tags } },
    },
    async (request) => {
      const identity = request.human?.identity;
      if (!identity) throw new WritError('UNAUTHENTICATED', 'authentication required');
      const r = await reviewBreakGlass(engine, identity, (request.params as { id: string }).id, request.body as BreakGlassReviewBody);
      return { break_glass: r.use, ledger: r.ledger };
    },
  );

  app.get(
    '/v1/break-glass',
    {
      onRequest: reader,
      schema: { querystring: BreakGlassListQuery, response: { 200: BreakGlassListResponse } },
      config: { openapi: { summary: 'Break-glass uses: unreviewed, overdue (unreviewed and past review_due_at), or all', tags, admin: true } },
    },
    async (request) => {
      const q = request.query as { status?: BreakGlassListStatus; limit?: number };
      const now = deps.clock.now();
      const status = q.status ?? 'all';
      const uses = await listBreakGlass(deps.store.db, { status, now, ...(q.limit !== undefined ? { limit: q.limit } : {}) });
      const overdue = uses.filter((u) => u.overdue);
      // An overdue review alerts (delivery arrives with the gateway issue; until then a warning per listing).
      if (overdue.length > 0) {
        request.log.warn({ alert: 'break_glass.review_overdue', decision_ids: overdue.map((u) => u.decision_id), decision_hashes: overdue.map((u) => u.decision_hash) }, 'break-glass reviews overdue');
      }
      return { as_of: now.toISOString(), status, uses };
    },
  );
}
