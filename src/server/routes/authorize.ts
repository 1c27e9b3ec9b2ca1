import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AuthorizeResponse } from '../../contracts/authorize.ts';
import { authorizeExecution } from '../../gateway/authorize/authorize-execution.ts';
import { authorizationStatus } from '../../gateway/commit/authorization-status.ts';
import { CommitSweeper } from '../../gateway/commit/commit-sweeper.ts';
import { authorizationEvent } from '../../gateway/commit/authorization-event.ts';
import { addRevocation } from '../../gateway/revocation/revocation-store.ts';
import type { GatewayDeps } from '../../gateway/gateway-deps.ts';
import { AttestationVerifier } from '../../gateway/token/attestation-verifier.ts';
import { WritError } from '../../errors/writ-error.ts';
import { gatewayDb } from '../../gateway/tables.ts';
import { requireWorkload } from '../auth/require-workload.ts';
import { peerCertificateChain } from '../../identity/spiffe/tls.ts';
import { engineDepsOf } from '../engine-deps.ts';
import { sendProblem } from '../problem.ts';
import type { GatewayServices, ServerDeps } from '../server-deps.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' }) });
const ExecutionReport = Type.Object(
  {
    phase: Type.Union([Type.Literal('started'), Type.Literal('completed'), Type.Literal('aborted')]),
    exit_code: Type.Optional(Type.Integer({ minimum: -255, maximum: 255 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/**
 * Builds the gateway's dependencies from the server's.
 *
 * @example
 * ```ts
 * const gw = gatewayDepsOf(deps, deps.gateway);
 * ```
 */
export function gatewayDepsOf(deps: ServerDeps, services: GatewayServices): GatewayDeps {
  return { ...engineDepsOf(deps), ...services, tokens: new AttestationVerifier(deps.keyring) };
}

/**
 * The execution gateway over HTTP:
 * - `POST /v1/authorize_execution`: the body is validated inside the pipeline (a
 *   malformed body is still recorded as denied), so the route has no schema of its
 *   own; the workload proves itself with its SVID (step 6), not with a route hook.
 *   Verdicts are 200; a malformed body is a 400 problem with a `denial_code`.
 * - `GET /v1/authorizations/{id}`: pending | committed (with inclusion proof and
 *   checkpoint) | compensated | denied.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => authorizeRoutes(scope, deps, deps.gateway));
 * ```
 */
export async function authorizeRoutes(app: FastifyInstance, deps: ServerDeps, services: GatewayServices): Promise<void> {
  const gw = gatewayDepsOf(deps, services);
  const workload = requireWorkload({ store: deps.store, authenticator: deps.spiffe?.authenticator, audience: deps.spiffe?.audience ?? services.audience, clock: deps.clock });
  const tags = ['gateway'];
  if (services.commitSweepIntervalMs) {
    const sweeper = new CommitSweeper(gw, {
      intervalMs: services.commitSweepIntervalMs,
      // A compensated authorization's jti is revoked everywhere (it was consumed here already).
      revokeJti: async (jti, reason) => {
        await addRevocation({ store: deps.store, clock: deps.clock, actor: 'gateway' }, { kind: 'jti', value: jti, reason });
      },
    });
    app.addHook('onReady', async () => sweeper.start());
    app.addHook('onClose', async () => sweeper.stop());
  }
  app.post(
    '/v1/authorize_execution',
    { schema: { response: { 200: AuthorizeResponse } }, config: { openapi: { summary: 'Verify an attestation token at the moment of execution (fail closed)', tags } } },
    async (request, reply) => {
      const chain = peerCertificateChain(request.raw.socket) ?? [];
      const out = await authorizeExecution(gw, request.body, {
        authorization: request.headers.authorization,
        ...(chain.length > 0 ? { peerCertificateChain: chain } : {}),
      });
      request.log.info({ authorization_id: out.response.authorization_id, verdict: out.response.verdict, denial_code: out.denial?.code, reason: out.denial?.reason }, 'authorize_execution');
      if (out.status === 400) {
        return sendProblem(reply, 400, 'BAD_REQUEST', out.detail || 'request body is not valid', {
          denial_code: out.response.denial_code,
          authorization_id: out.response.authorization_id,
          verdict: 'DENY',
        });
      }
      return reply.code(200).send(out.response);
    },
  );

  app.get(
    '/v1/authorizations/:id',
    { onRequest: workload, schema: { params: IdParams }, config: { openapi: { summary: 'An authorization and its commit state (with inclusion proof once committed)', tags } } },
    async (request) => {
      const status = await authorizationStatus(gw, (request.params as { id: string }).id);
      if (!status) throw new WritError('NOT_FOUND', 'no such authorization');
      return status;
    },
  );

  app.post(
    '/v1/authorizations/:id/execution',
    { onRequest: workload, schema: { params: IdParams, body: ExecutionReport }, config: { openapi: { summary: 'The execution adapter reports started / completed (exit code) / aborted', tags } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const report = request.body as { phase: 'started' | 'completed' | 'aborted'; exit_code?: number; reason?: string };
      const row = await gatewayDb(deps.store.db).selectFrom('authorizations').selectAll().where('authorization_id', '=', id).executeTakeFirst();
      if (!row) throw new WritError('NOT_FOUND', 'no such authorization');
      // Only an ALLOW may start or complete; anything may be reported aborted.
      if (report.phase !== 'aborted' && row.verdict !== 'ALLOW') throw new WritError('CONFLICT', 'this authorization was denied', { reason: 'NOT_ALLOWED' });
      const event = authorizationEvent(gw, row, `execution_${report.phase}`, {
        details: { ...(report.exit_code !== undefined ? { exit_code: report.exit_code } : {}), ...(report.reason ? { reason: report.reason } : {}) },
      });
      gw.events.emit(event);
      request.log.info({ authorization_id: id, phase: report.phase, exit_code: report.exit_code }, 'execution reported');
      return reply.code(202).send({ event_id: event.event_id, event_type: event.event_type });
    },
  );
}
