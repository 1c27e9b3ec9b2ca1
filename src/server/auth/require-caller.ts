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
    try {
      const caller = await callerOfCredential(store, match[1] as string);
      if (caller) request.caller = caller;
    } catch (err) {
      request.log.error({ err }, 'caller credential check failed');
      return sendProblem(reply, 503, 'STORE_UNAVAILABLE', 'authentication unavailable');
    }
    if (!request.caller) return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required');
    return undefined;
  };
}

/**
 * The caller a stored bearer credential stands for: an interim workload credential
 * (`writ_wl_…`) or the admin credential; null when it is neither or unknown. Throws
 * when the store cannot be asked.
 *
 * @example
 * ```ts
 * const caller = await callerOfCredential(store, bearer); // { kind: 'admin' } | { kind: 'workload', … } | null
 * ```
 */
export async function callerOfCredential(store: Store, secret: string): Promise<Caller | null> {
  if (secret.startsWith(WORKLOAD_SECRET_PREFIX)) {
    const workload = await verifyWorkloadSecret(store.db, secret);
    return workload ? { kind: 'workload', workload } : null;
  }
  return (await verifyAdminToken(store, secret)) ? { kind: 'admin' } : null;
}
