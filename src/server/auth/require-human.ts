import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWritError } from '../../errors/writ-error.ts';
import type { OidcVerifier, VerifiedIdToken } from '../../identity/oidc/verifier.ts';
import { sendProblem } from '../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified human behind `Authorization: Bearer <ID token>`, set by {@link requireHuman}. */
    human?: VerifiedIdToken;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

function humanHook(verifier: OidcVerifier, optional: boolean): Hook {
  return async (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined && optional) return undefined;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, 401, 'IDENTITY_INVALID', 'authentication required', header === undefined ? {} : { reason: 'MALFORMED' });
    }
    try {
      request.human = await verifier.verify(match[1] as string);
      return undefined;
    } catch (err) {
      if (isWritError(err, 'IDENTITY_INVALID')) {
        request.log.info({ reason: err.reason }, 'identity token rejected');
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        return sendProblem(reply, 401, 'IDENTITY_INVALID', 'authentication required', err.reason ? { reason: err.reason } : {});
      }
      if (isWritError(err, 'IDENTITY_UNAVAILABLE')) {
        request.log.error({ err }, 'identity provider unavailable');
        return sendProblem(reply, 503, 'IDENTITY_UNAVAILABLE', 'authentication unavailable', err.reason ? { reason: err.reason } : {});
      }
      throw err;
    }
  };
}

/**
 * An onRequest hook that lets a request through only with a valid OIDC ID token in
 * `Authorization: Bearer …`, and sets `request.human`. A rejected token is 401
 * `IDENTITY_INVALID` with a fixed message and the stable `reason`; keys that cannot be
 * fetched are 503 `IDENTITY_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * app.post('/v1/decisions/:id/approvals', { onRequest: requireHuman(verifier) }, async (request) => {
 *   const who = request.human!.identity; // { iss, sub, groups, roles, … }
 * });
 * ```
 */
export function requireHuman(verifier: OidcVerifier): Hook {
  return humanHook(verifier, false);
}

/**
 * Like {@link requireHuman}, but a request without an `Authorization` header passes
 * with `request.human` undefined. A header that is present must still be valid.
 *
 * @example
 * ```ts
 * app.get('/v1/decisions/:id', { onRequest: optionalHuman(verifier) }, async (request) => request.human?.identity ?? null);
 * ```
 */
export function optionalHuman(verifier: OidcVerifier): Hook {
  return humanHook(verifier, true);
}
