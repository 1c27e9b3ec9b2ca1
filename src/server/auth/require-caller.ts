import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyWorkloadSecret, WORKLOAD_SECRET_PREFIX, type Workload } from '../../engine/workloads/workload-credentials.ts';
import type { Store } from '../../store/store.ts';
import { sendProblem } from '../problem.ts';
import { verifyAdminToken } from './admin-credential.ts';

/**
 * Who called: a workload (interim bearer credential) or the admin.
 *
 * @example
 * ```ts
 * const who = request.caller?.kind === 'workload' ? request.caller.workload.credential_id : 'admin';
 * ```
 */
export type Caller = { kind: 'workload'; workload: Workload } | { kind: 'admin' };

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/**
 * An onRequest hook admitting a workload credential (`writ_wl_…`) or the admin
 * credential, and setting `request.caller`. Failures use fixed messages.
 *
 * @example
 * ```ts
 * app.post('/v1/intents', { onRequest: requireCaller(store) }, handler);
 * ```
 */
export function requireCaller(store: Store) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
    if (!match) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
    const secret = match[1] as string;
    try {
      if (secret.startsWith(WORKLOAD_SECRET_PREFIX)) {
        const workload = await verifyWorkloadSecret(store.db, secret);
        if (workload) request.caller = { kind: 'workload', workload };
      } else if (await verifyAdminToken(store, secret)) {
        request.caller = { kind: 'admin' };
      }
    } catch (err) {
      request.log.error({ err }, 'caller credential check failed');
      return sendProblem(reply, 503, 'STORE_UNAVAILABLE', 'authentication unavailable');
    }
    if (!request.caller) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
    return undefined;
  };
}
