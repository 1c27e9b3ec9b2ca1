import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.ts';
import { sendProblem } from '../problem.ts';
import { verifyAdminToken } from './admin-credential.ts';

/**
 * An onRequest hook that lets a request through only with a valid admin bearer
 * credential. Failures use fixed messages that say nothing about why.
 *
 * @example
 * ```ts
 * app.post('/v1/keys/rotate', { onRequest: requireAdmin(store) }, handler);
 * ```
 */
export function requireAdmin(store: Store) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
    if (!match) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
    let ok = false;
    try {
      ok = await verifyAdminToken(store, match[1] as string);
    } catch (err) {
      request.log.error({ err }, 'admin credential check failed');
      return sendProblem(reply, 503, 'STORE_UNAVAILABLE', 'authentication unavailable');
    }
    if (!ok) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
    return undefined;
  };
}
