import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  ApprovalListWire,
  ApproverKeyListWire,
  RegisterApproverKeyBody,
  RegisterApproverKeyResponse,
  SubmitApprovalBody,
  SubmitApprovalResponse,
} from '../../contracts/approvals.ts';
import { listApprovals } from '../../engine/approvals/approval-store.ts';
import { listApproverKeys, registerApproverKey } from '../../engine/approvals/approver-keys.ts';
import { quorumOf, submitApproval, type ApprovalPresentation } from '../../engine/approvals/submit-approval.ts';
import { getDecision } from '../../engine/decisions/decision-store.ts';
import { effectiveStatus } from '../../engine/decisions/model.ts';
import { WritError } from '../../errors/writ-error.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import { requireHuman } from '../auth/require-human.ts';
import { engineDepsOf } from '../engine-deps.ts';
import { sendProblem } from '../problem.ts';
import type { ServerDeps } from '../server-deps.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' }) });
const KeyListQuery = Type.Object(
  { iss: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })), sub: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) },
  { additionalProperties: false },
);
const ADMIN_PREFIX = 'writ_admin_';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * An onRequest hook admitting the admin credential OR a human's OIDC ID token
 * (`Authorization: Bearer …`; `request.human` is set for a human). A `writ_admin_…`
 * bearer, a missing header, or a server without an OIDC verifier go to the admin
 * check; anything else is verified as an ID token.
 *
 * @example
 * ```ts
 * app.get('/v1/decisions/:id', { onRequest: requireAdminOrHuman(deps) }, handler);
 * ```
 */
export function requireAdminOrHuman(deps: Pick<ServerDeps, 'store' | 'oidc'>): Hook {
  const admin = requireAdmin(deps.store);
  const human = deps.oidc ? requireHuman(deps.oidc) : undefined;
  return async (request, reply) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header)?.[1] : undefined;
    if (!human || token === undefined || token.startsWith(ADMIN_PREFIX)) return (await admin(request, reply)) ?? undefined;
    return human(request, reply);
  };
}

/** An onRequest hook admitting only a human's OIDC ID token (401 when no verifier is configured). */
function requireHumanOnly(deps: Pick<ServerDeps, 'oidc'>): Hook {
  if (deps.oidc) return requireHuman(deps.oidc);
  return async (_request, reply) => sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
}

function presentationOf(body: SubmitApprovalBody): ApprovalPresentation {
  if (body.method === 'jws') {
    if (body.jws === undefined) throw new WritError('BAD_REQUEST', 'method "jws" needs jws');
    if (body.id_token !== undefined || body.nonce !== undefined || body.verdict !== undefined || body.decision_hash !== undefined) {
      throw new WritError('BAD_REQUEST', 'method "jws": the approval fields travel inside the JWS; send only method and jws');
    }
    return { method: 'jws', jws: body.jws };
  }
  const { id_token, nonce, verdict, decision_hash } = body;
  if (id_token === undefined || nonce === undefined || verdict === undefined || decision_hash === undefined) {
    throw new WritError('BAD_REQUEST', 'method "oidc" needs id_token, nonce, verdict and decision_hash');
  }
  if (body.jws !== undefined) throw new WritError('BAD_REQUEST', 'method "oidc" takes no jws');
  return { method: 'oidc', id_token, nonce, verdict, decision_hash };
}

/**
 * Approvals and approver keys (DESIGN §3.3):
 * - `POST /v1/decisions/{id}/approvals` — no bearer needed: the approval authenticates
 *   itself (a JWS by a registered approver key, or an OIDC ID token whose `nonce` binds
 *   the decision hash and the approval nonce). 201 with the approval and the
 *   decision's new status; 403 `APPROVAL_REFUSED` with a stable `reason` (ledgered);
 *   404 for an unknown decision; 400 for a body that does not fit its `method`.
 * - `GET /v1/decisions/{id}/approvals` — admin credential or a human's ID token.
 * - `POST /v1/approver-keys` — a human's ID token; the key is bound to that human's
 *   `iss`, `sub` and groups (201 new, 200 already registered by the same human).
 * - `GET /v1/approver-keys?iss=&sub=` — admin credential or a human's ID token.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => approvalRoutes(scope, deps));
 * ```
 */
export async function approvalRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const engine = engineDepsOf(deps);
  const reader = requireAdminOrHuman(deps);
  const human = requireHumanOnly(deps);
  const tags = ['approvals'];

  app.post(
    '/v1/decisions/:id/approvals',
    {
      schema: { params: IdParams, body: SubmitApprovalBody, response: { 201: SubmitApprovalResponse } },
      config: { openapi: { summary: 'Approve or reject a pending decision (approver-signed JWS or OIDC ID token bound to the decision hash)', tags } },
    },
    async (request, reply) => {
      const id = (request.params as { id: string }).id;
      const presentation = presentationOf(request.body as SubmitApprovalBody);
      try {
        const out = await submitApproval(engine, deps.oidc, id, presentation);
        request.log.info(
          { decision_id: id, approval_id: out.approval.approval_id, verdict: out.approval.verdict, method: out.approval.method, status: out.decision_status, counted: out.approvals_counted },
          'approval recorded',
        );
        return reply.code(201).send(out);
      } catch (err) {
        if (err instanceof WritError && err.code === 'APPROVAL_REFUSED') request.log.info({ decision_id: id, method: presentation.method, reason: err.reason }, 'approval refused');
        throw err;
      }
    },
  );

  app.get(
    '/v1/decisions/:id/approvals',
    { onRequest: reader, schema: { params: IdParams, response: { 200: ApprovalListWire } }, config: { openapi: { summary: "A decision's approvals and quorum state", tags, admin: true } } },
    async (request) => {
      const id = (request.params as { id: string }).id;
      const stored = await getDecision(deps.store.db, id);
      if (!stored) throw new WritError('NOT_FOUND', 'no such decision');
      const now = deps.clock.now();
      const approvals = await listApprovals(deps.store.db, id);
      const d = stored.decision;
      return {
        decision_id: id,
        decision_hash: d.decision_hash,
        decision_status: effectiveStatus(d, now),
        approvals_required: d.obligations.approvals_required,
        approver_groups: d.obligations.approver_groups,
        approvals_counted: quorumOf(d, approvals, now).counted,
        approvals,
      };
    },
  );

  app.post(
    '/v1/approver-keys',
    {
      onRequest: human,
      schema: { body: RegisterApproverKeyBody, response: { 200: RegisterApproverKeyResponse, 201: RegisterApproverKeyResponse } },
      config: { openapi: { summary: "Register a public key (OKP Ed25519 or EC P-256) for approval JWS, bound to the caller's OIDC identity", tags, admin: true } },
    },
    async (request, reply) => {
      const who = request.human?.identity;
      if (!who) throw new WritError('UNAUTHENTICATED', 'authentication required');
      const out = await registerApproverKey(engine, who, (request.body as RegisterApproverKeyBody).public_jwk);
      if (out.created) request.log.info({ kid: out.key.kid, iss: who.iss, sub: who.sub }, 'approver key registered');
      return reply.code(out.created ? 201 : 200).send(out);
    },
  );

  app.get(
    '/v1/approver-keys',
    { onRequest: reader, schema: { querystring: KeyListQuery, response: { 200: ApproverKeyListWire } }, config: { openapi: { summary: 'List registered approver keys', tags, admin: true } } },
    async (request) => ({ keys: await listApproverKeys(deps.store.db, request.query as { iss?: string; sub?: string }) }),
  );
}
