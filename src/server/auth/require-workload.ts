import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../common/clock.ts';
import { WORKLOAD_SECRET_PREFIX, type Workload } from '../../engine/workloads/workload-credentials.ts';
import { peerCertificateChain } from '../../identity/spiffe/tls.ts';
import type { WorkloadAuthenticator, WorkloadAuthFailure, WorkloadAuthResult } from '../../identity/spiffe/workload-authenticator.ts';
import type { Store } from '../../store/store.ts';
import { sendProblem } from '../problem.ts';
import { callerOfCredential, type Caller } from './require-caller.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The SVID that authenticated this request, set by {@link requireWorkload}. */
    svid?: { spiffe_id: string; method: 'x509-svid' | 'jwt-svid' };
  }
}

/**
 * Options of {@link requireWorkload}.
 *
 * @example
 * ```ts
 * const options: RequireWorkloadOptions = { store, authenticator, audience: config.spiffe.audience, clock };
 * ```
 */
export interface RequireWorkloadOptions {
  store: Store;
  /** Verifies SVIDs; without one, only the interim and admin credentials are accepted. */
  authenticator: WorkloadAuthenticator | undefined;
  /** The audience a JWT-SVID must name (`spiffe.audience`, default `writ-gateway`). */
  audience: string;
  clock: Clock;
}

/**
 * The prefix of a credential id that stands for an SVID rather than a stored credential.
 *
 * @example
 * ```ts
 * `${SVID_CREDENTIAL_PREFIX}spiffe://writ.dev/ci/deploy`; // 'svid:spiffe://writ.dev/ci/deploy'
 * ```
 */
export const SVID_CREDENTIAL_PREFIX = 'svid:';

/**
 * The {@link Workload} an SVID stands for: only its SPIFFE ID is known, so the token
 * route's `workloadMatches` compares on that alone.
 *
 * @example
 * ```ts
 * workloadFromSvid('spiffe://writ.dev/ci/deploy');
 * // { credential_id: 'svid:spiffe://writ.dev/ci/deploy', spiffe_id: 'spiffe://writ.dev/ci/deploy', agent_id: null, pipeline_id: null }
 * ```
 */
export function workloadFromSvid(spiffeId: string): Workload {
  return { credential_id: `${SVID_CREDENTIAL_PREFIX}${spiffeId}`, spiffe_id: spiffeId, agent_id: null, pipeline_id: null };
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * An onRequest hook that authenticates the caller of intents and tokens as a
 * workload or the admin, and sets `request.caller`:
 * 1. a client certificate on the TLS connection is an X.509-SVID and decides alone
 *    (valid ⇒ that workload; invalid ⇒ 401 `SVID_INVALID`, whatever the header says);
 * 2. otherwise `Authorization: Bearer writ_wl_…` (interim workload credential) or
 *    `Bearer writ_admin_…` (the admin), as `requireCaller` does;
 * 3. otherwise a Bearer JWT-SVID (audience = `options.audience`).
 * An SVID sets `request.caller` to `{ kind: 'workload', workload: workloadFromSvid(id) }`
 * and `request.svid`. Failures are 401 `UNAUTHENTICATED` with a fixed message and the
 * stable `reason` (`SVID_MISSING` / `SVID_INVALID` for SVIDs; the finer detail is only
 * logged); a store that cannot answer is 503.
 *
 * @example
 * ```ts
 * app.post('/v1/intents', { onRequest: requireWorkload({ store, authenticator, audience: 'writ-gateway', clock }) }, handler);
 * ```
 */
export function requireWorkload(options: RequireWorkloadOptions): Hook {
  const { store, authenticator, audience, clock } = options;

  const refuse = (request: FastifyRequest, reply: FastifyReply, reason?: WorkloadAuthFailure, detail?: string) => {
    if (reason) request.log.info({ reason, detail }, 'workload authentication failed');
    reply.header('www-authenticate', 'Bearer');
    return sendProblem(reply, 401, 'UNAUTHENTICATED', 'authentication required', reason ? { reason } : {});
  };

  const accept = (request: FastifyRequest, result: Extract<WorkloadAuthResult, { ok: true }>) => {
    const caller: Caller = { kind: 'workload', workload: workloadFromSvid(result.spiffe_id) };
    request.caller = caller;
    request.svid = { spiffe_id: result.spiffe_id, method: result.method };
    return undefined;
  };

  const authenticate = async (presented: { authorization?: string; peerCertificateChain?: Uint8Array[] }): Promise<WorkloadAuthResult> => {
    if (!authenticator) return { ok: false, reason: presented.peerCertificateChain ? 'SVID_INVALID' : 'SVID_MISSING', detail: 'NO_TRUST_BUNDLES' };
    try {
      return await authenticator.authenticate(presented, { audience, now: clock.now() });
    } catch {
      return { ok: false, reason: 'SVID_INVALID', detail: 'INTERNAL' };
    }
  };

  return async (request, reply) => {
    const chain = peerCertificateChain(request.raw.socket);
    if (chain && chain.length > 0) {
      const r = await authenticate({ peerCertificateChain: chain });
      return r.ok ? accept(request, r) : refuse(request, reply, 'SVID_INVALID', r.detail);
    }

    const header = request.headers.authorization;
    if (header === undefined || header === '') return refuse(request, reply, 'SVID_MISSING');
    const match = /^Bearer ([^\s]+)$/.exec(header);
    if (!match) return refuse(request, reply, 'SVID_MISSING', 'NOT_BEARER');
    const secret = match[1] as string;

    if (secret.startsWith(WORKLOAD_SECRET_PREFIX) || secret.startsWith('writ_admin_')) {
      try {
        const caller = await callerOfCredential(store, secret);
        if (caller) request.caller = caller;
      } catch (err) {
        request.log.error({ err }, 'caller credential check failed');
        return sendProblem(reply, 503, 'STORE_UNAVAILABLE', 'authentication unavailable');
      }
      return request.caller ? undefined : refuse(request, reply);
    }

    const r = await authenticate({ authorization: header });
    return r.ok ? accept(request, r) : refuse(request, reply, r.reason, r.detail);
  };
}
