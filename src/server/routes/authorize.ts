import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AuthorizeResponse } from '../../contracts/authorize.ts';
import { authorizeExecution } from '../../gateway/authorize/authorize-execution.ts';
import { authorizationStatus } from '../../gateway/commit/authorization-status.ts';
import type { GatewayDeps } from '../../gateway/gateway-deps.ts';
import { AttestationVerifier } from '../../gateway/token/attestation-verifier.ts';
import { WritError } from '../../errors/writ-error.ts';
import { requireCaller } from '../auth/require-caller.ts';
import { engineDepsOf } from '../engine-deps.ts';
import { sendProblem } from '../problem.ts';
import type { GatewayServices, ServerDeps } from '../server-deps.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' }) });

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
  const tags = ['gateway'];
  app.post(
    '/v1/authorize_execution',
    { schema: { response: { 200: AuthorizeResponse } }, config: { openapi: { summary: 'Verify an attestation token at the moment of execution (fail closed)', tags } } },
    async (request, reply) => {
      const socket = request.raw.socket as { getPeerCertificate?: (detailed: boolean) => { raw?: Buffer; issuerCertificate?: unknown } };
      const chain: Uint8Array[] = [];
      if (typeof socket.getPeerCertificate === 'function') {
        let cert = socket.getPeerCertificate(true) as { raw?: Buffer; issuerCertificate?: { raw?: Buffer } } | undefined;
        const seen = new Set<string>();
        while (cert?.raw && !seen.has(cert.raw.toString('base64')) && chain.length < 8) {
          seen.add(cert.raw.toString('base64'));
          chain.push(new Uint8Array(cert.raw));
          cert = cert.issuerCertificate as typeof cert;
        }
      }
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
    { onRequest: requireCaller(deps.store), schema: { params: IdParams }, config: { openapi: { summary: 'An authorization and its commit state (with inclusion proof once committed)', tags } } },
    async (request) => {
      const status = await authorizationStatus(gw, (request.params as { id: string }).id);
      if (!status) throw new WritError('NOT_FOUND', 'no such authorization');
      return status;
    },
  );
}
