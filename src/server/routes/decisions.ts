import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { DecisionDetailWire, DecisionListWire, IntentBody, ListDecisionsQuery, SubmitIntentResponse } from '../../contracts/decisions.ts';
import { getDecision, listDecisions } from '../../engine/decisions/decision-store.ts';
import { effectiveStatus, type Decision, type DecisionStatus } from '../../engine/decisions/model.ts';
import { submitIntent } from '../../engine/decisions/submit-intent.ts';
import { issueToken } from '../../engine/tokens/issue-token.ts';
import { issueWorkloadCredential } from '../../engine/workloads/workload-credentials.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { Intent } from '../../policy/intent.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import type { Caller } from '../auth/require-caller.ts';
import { requireWorkload } from '../auth/require-workload.ts';
import { engineDepsOf } from '../engine-deps.ts';
import type { ServerDeps } from '../server-deps.ts';
import { requireAdminOrHuman } from './approvals.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' }) });
const NullableName = Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Null()]));
const WorkloadCredentialBody = Type.Object(
  { spiffe_id: Type.Optional(Type.Union([Type.String({ pattern: '^spiffe://', maxLength: 2048 }), Type.Null()])), agent_id: NullableName, pipeline_id: NullableName },
  { additionalProperties: false },
);
const WorkloadCredentialWire = Type.Object(
  {
    credential_id: Type.String(),
    secret: Type.String(),
    spiffe_id: Type.Union([Type.String(), Type.Null()]),
    agent_id: Type.Union([Type.String(), Type.Null()]),
    pipeline_id: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
const TokenWire = Type.Object(
  {
    token: Type.String(),
    token_type: Type.Literal('writ-attestation+jwt'),
    jti: Type.String(),
    expires_at: Type.Integer(),
    claims: Type.Record(Type.String(), Type.Unknown()),
    ledger: Type.Object({ seq: Type.Integer(), tree_size: Type.Integer() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

const callerName = (c: Caller | undefined): string => (c?.kind === 'workload' ? c.workload.credential_id : 'admin');

/**
 * Intents, decisions and attestation tokens:
 * - `POST /v1/intents` (workload or admin credential): decide and record; idempotent by `idempotency_key`;
 * - `GET /v1/decisions/{id}`, `GET /v1/decisions?status=&group=` (admin credential, or any human's OIDC
 *   ID token: approvers find their work with `?status=pending_approval&group=…`);
 * - `POST /v1/decisions/{id}/token` (the workload the decision names);
 * - `POST /v1/workload-credentials` (admin): interim workload credentials.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => decisionRoutes(scope, deps));
 * ```
 */
export async function decisionRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const engine = engineDepsOf(deps);
  // Workloads: an SVID (X.509 on mTLS or JWT-SVID), the interim credential, or the admin.
  const caller = requireWorkload({ store: deps.store, authenticator: deps.spiffe?.authenticator, audience: deps.spiffe?.audience ?? 'writ-gateway', clock: deps.clock });
  const admin = requireAdmin(deps.store);
  const reader = requireAdminOrHuman(deps);
  const tags = ['decisions'];
  const wire = (d: Decision) => ({ ...d, status: effectiveStatus(d, deps.clock.now()) });

  app.post(
    '/v1/intents',
    { onRequest: caller, schema: { body: IntentBody, response: { 200: SubmitIntentResponse, 201: SubmitIntentResponse } }, config: { openapi: { summary: 'Submit an intent; returns the decision (ledgered before the response)', tags } } },
    async (request, reply) => {
      const result = await submitIntent(engine, request.body as Intent, callerName(request.caller));
      request.log.info({ decision_id: result.decision.decision_id, decision_hash: result.decision.decision_hash, verdict: result.decision.verdict, created: result.created }, 'intent decided');
      return reply.code(result.created ? 201 : 200).send({ ...result, decision: wire(result.decision) });
    },
  );

  app.get(
    '/v1/decisions/:id',
    { onRequest: reader, schema: { params: IdParams, response: { 200: DecisionDetailWire } }, config: { openapi: { summary: 'A decision and the intent it decided', tags, admin: true } } },
    async (request) => {
      const stored = await getDecision(deps.store.db, (request.params as { id: string }).id);
      if (!stored) throw new WritError('NOT_FOUND', 'no such decision');
      return { decision: wire(stored.decision), intent: stored.intent as unknown as Record<string, unknown> };
    },
  );

  app.get(
    '/v1/decisions',
    { onRequest: reader, schema: { querystring: ListDecisionsQuery, response: { 200: DecisionListWire } }, config: { openapi: { summary: 'List decisions (filter by status and required approver group)', tags, admin: true } } },
    async (request) => {
      const q = request.query as { status?: DecisionStatus; group?: string; limit?: number };
      const now = deps.clock.now();
      const rows = await listDecisions(deps.store.db, { ...q, now });
      // A pending decision past its expiry is listed as expired, not as pending.
      const decisions = rows.map((r) => wire(r.decision)).filter((d) => !q.status || d.status === q.status);
      return { decisions };
    },
  );

  app.post(
    '/v1/decisions/:id/token',
    { onRequest: caller, schema: { params: IdParams, response: { 201: TokenWire } }, config: { openapi: { summary: 'Issue the attestation token of an allowed or approved decision', tags } } },
    async (request, reply) => {
      const c = request.caller as Caller;
      const issued = await issueToken(engine, (request.params as { id: string }).id, c);
      request.log.info({ decision_id: (request.params as { id: string }).id, jti: issued.claims.jti, kid: issued.claims.kid }, 'attestation token issued');
      return reply.code(201).send({ token: issued.token, token_type: 'writ-attestation+jwt', jti: issued.claims.jti, expires_at: issued.claims.exp, claims: { ...issued.claims }, ledger: issued.ledger });
    },
  );

  app.post(
    '/v1/workload-credentials',
    { onRequest: admin, schema: { body: WorkloadCredentialBody, response: { 201: WorkloadCredentialWire } }, config: { openapi: { summary: 'Issue an interim workload credential (the secret is shown once)', tags: ['workloads'], admin: true } } },
    async (request, reply) => {
      const { workload, secret } = await issueWorkloadCredential(engine, request.body as { spiffe_id?: string; agent_id?: string; pipeline_id?: string }, 'admin');
      request.log.info({ credential_id: workload.credential_id }, 'workload credential issued');
      return reply.code(201).send({ ...workload, secret });
    },
  );
}
