import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isWritError, type WritErrorCode } from '../errors/writ-error.ts';
import type { Problem } from '../contracts/problem.ts';

/**
 * Sends an RFC 9457 problem document with Writ's stable `code`.
 *
 * @example
 * ```ts
 * return sendProblem(reply, 404, 'NOT_FOUND', 'no such key');
 * ```
 */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: WritErrorCode | string,
  detail?: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const body: Problem & Record<string, unknown> = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    instance: reply.request.url,
    request_id: String(reply.request.id),
    ...extra,
  };
  return reply.code(status).type('application/problem+json').send(body);
}

/**
 * Installs the error and not-found handlers: every error leaves as
 * `application/problem+json`; unknown errors become a 500 with a fixed message,
 * and their detail goes only to the log.
 */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isWritError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'request failed');
      return sendProblem(reply, err.status, err.code, err.message, err.reason ? { reason: err.reason } : {});
    }
    if (err.validation) {
      const first = err.validation[0];
      const where = first?.instancePath || err.validationContext || 'request';
      return sendProblem(reply, 400, 'BAD_REQUEST', `${where}: ${first?.message ?? 'invalid'}`);
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      return sendProblem(reply, status, 'BAD_REQUEST', err.message);
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 500, 'INTERNAL', 'internal error');
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}
