import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SubmitIntentResponse } from '../../contracts/decisions.ts';
import { ActivationBody, ActiveBundleResponse, ApplyActivationResponse, BundleListResponse, PushBundleBody, PushBundleResponse } from '../../contracts/policy.ts';
import { actorName, applyActivation, requestActivation, type PolicyActor } from '../../engine/activation/activate-bundle.ts';
import { activeBundleInfo, listStoredBundles, pushBundle } from '../../engine/activation/push-bundle.ts';
import { effectiveStatus } from '../../engine/decisions/model.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { HumanRole } from '../../identity/human-identity.ts';
import { PolicyBundleInvalidError } from '../../policy/problems.ts';
import { verifyAdminToken } from '../auth/admin-credential.ts';
import type { Caller } from '../auth/require-caller.ts';
import { requireHuman } from '../auth/require-human.ts';
import { activationLifecycleOf, engineDepsOf } from '../engine-deps.ts';
import { sendProblem } from '../problem.ts';
import type { ServerDeps } from '../server-deps.ts';

const ADMIN_PREFIX = 'writ_admin_';
const BEARER = /^Bearer ([^\s]+)$/;

/** Human roles that may push bundles and request or apply activations. */
export const POLICY_ROLES: readonly HumanRole[] = ['operator', 'admin', 'security_officer'];

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * An onRequest hook that requires a human OIDC bearer (`request.human`); without a
 * configured verifier nobody can authenticate as a human (401).
 *
 * @example
 * ```ts
 * app.post('/v1/break-glass', { onRequest: humanOnly(deps) }, handler);
 * ```
 */
export function humanOnly(deps: ServerDeps): Hook {
  if (deps.oidc) return requireHuman(deps.oidc);
  return async (_request, reply) => sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
}

/**
 * An onRequest hook admitting the local admin credential (`request.caller` = admin) or
 * a human OIDC bearer (`request.human`) holding one of `roles` (any role when omitted;
 * otherwise 403 `FORBIDDEN` reason `NOT_PRIVILEGED`).
 *
 * @example
 * ```ts
 * app.post('/v1/policy/bundles', { onRequest: adminOrHuman(deps, ['operator', 'admin', 'security_officer']) }, handler);
 * ```
 */
export function adminOrHuman(deps: ServerDeps, roles?: readonly HumanRole[]): Hook {
  const human = humanOnly(deps);
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (match && (match[1] as string).startsWith(ADMIN_PREFIX)) {
      let ok = false;
      try {
        ok = await verifyAdminToken(deps.store, match[1] as string);
      } catch (err) {
        request.log.error({ err }, 'admin credential check failed');
        return sendProblem(reply, 503, 'STORE_UNAVAILABLE', 'authentication unavailable');
      }
      if (!ok) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
      request.caller = { kind: 'admin' } satisfies Caller;
      return undefined;
    }
    const refused = await human(request, reply);
    if (refused) return refused;
    const identity = request.human?.identity;
    if (!identity) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
    if (roles && !identity.roles.some((r) => roles.includes(r))) {
      return sendProblem(reply, 403, 'FORBIDDEN', `this needs one of the roles ${roles.join(', ')}`, { reason: 'NOT_PRIVILEGED' });
    }
    return undefined;
  };
}

/**
 * The actor behind a request admitted by {@link adminOrHuman}.
 *
 * @example
 * ```ts
 * actorOf(request); // { kind: 'human', identity } | { kind: 'admin' }
 * ```
 */
export function actorOf(request: FastifyRequest): PolicyActor {
  if (request.human) return { kind: 'human', identity: request.human.identity };
  if (request.caller?.kind === 'admin') return { kind: 'admin' };
  throw new WritError('UNAUTHENTICATED', 'authentication required');
}

const ApplyParams = Type.Object({ decision_id: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' }) });

/**
 * Policy bundles and their governed activation:
 * - `POST /v1/policy/bundles` (admin, or human operator/admin/security_officer): store a compiled
 *   bundle document after strict re-validation; 201 `stored: true`, or 200 `stored: false` when the
 *   same bundle is already stored; 400 with `problems` when invalid (nothing stored);
 * - `GET /v1/policy/bundles`, `GET /v1/policy/active` (admin or any authenticated human);
 * - `POST /v1/policy/activations` (admin, or human operator/admin/security_officer): submit a
 *   `policy.activate` intent for a stored bundle; returns the decision (404 `POLICY_BUNDLE_UNKNOWN`
 *   reason `BUNDLE_NOT_STORED`, and no decision, when the bundle is not stored);
 * - `POST /v1/policy/activations/{decision_id}/apply` (same): switch the active bundle once the
 *   decision is approved and still current.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => policyRoutes(scope, deps));
 * ```
 */
export async function policyRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const engine = engineDepsOf(deps);
  const writer = adminOrHuman(deps, POLICY_ROLES);
  const reader = adminOrHuman(deps);
  const tags = ['policy'];

  app.post(
    '/v1/policy/bundles',
    {
      onRequest: writer,
      schema: { body: PushBundleBody, response: { 200: PushBundleResponse, 201: PushBundleResponse } },
      config: { openapi: { summary: 'Store a compiled policy bundle (strictly re-validated; immutable; idempotent by hash)', tags, admin: true } },
    },
    async (request, reply) => {
      try {
        const r = await pushBundle(engine, request.body, actorName(actorOf(request)));
        return reply.code(r.stored ? 201 : 200).send(r);
      } catch (err) {
        if (err instanceof PolicyBundleInvalidError) {
          return sendProblem(reply, 400, 'BAD_REQUEST', err.message, { reason: 'BUNDLE_INVALID', problems: err.problems });
        }
        throw err;
      }
    },
  );

  app.get(
    '/v1/policy/bundles',
    { onRequest: reader, schema: { response: { 200: BundleListResponse } }, config: { openapi: { summary: 'Stored policy bundles, newest first, with the active one flagged', tags, admin: true } } },
    async () => ({ bundles: await listStoredBundles(deps.store.db) }),
  );

  app.get(
    '/v1/policy/active',
    { onRequest: reader, schema: { response: { 200: ActiveBundleResponse } }, config: { openapi: { summary: 'The active policy bundle', tags, admin: true } } },
    async () => {
      const active = await activeBundleInfo(deps.store.db);
      if (!active) throw new WritError('NOT_FOUND', 'no policy bundle is active');
      return active;
    },
  );

  app.post(
    '/v1/policy/activations',
    {
      onRequest: writer,
      schema: { body: ActivationBody, response: { 201: SubmitIntentResponse } },
      config: { openapi: { summary: 'Request activation of a stored bundle: a policy.activate decision under the active bundle', tags, admin: true } },
    },
    async (request, reply) => {
      const body = request.body as ActivationBody;
      const r = await requestActivation(engine, actorOf(request), body, activationLifecycleOf(deps));
      return reply.code(201).send({ ...r, decision: { ...r.decision, status: effectiveStatus(r.decision, deps.clock.now()) } });
    },
  );

  app.post(
    '/v1/policy/activations/:decision_id/apply',
    {
      onRequest: writer,
      schema: { params: ApplyParams, response: { 200: ApplyActivationResponse } },
      config: { openapi: { summary: 'Apply an approved policy.activate decision: switch the active bundle (ledgered)', tags, admin: true } },
    },
    async (request) => applyActivation(engine, actorOf(request), (request.params as { decision_id: string }).decision_id, activationLifecycleOf(deps)),
  );
}
