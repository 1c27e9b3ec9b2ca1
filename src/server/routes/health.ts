import type { FastifyInstance } from 'fastify';
import { HealthSchema, ReadySchema } from '../../contracts/health.ts';
import type { ServerDeps } from '../server-deps.ts';

/** `GET /healthz` (liveness) and `GET /readyz` (503 when the store does not answer). */
export async function healthRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: HealthSchema } }, config: { openapi: { summary: 'Liveness', tags: ['health'] } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { response: { 200: ReadySchema, 503: ReadySchema } }, config: { openapi: { summary: 'Readiness', tags: ['health'] } } },
    async (request, reply) => {
      let storeOk = true;
      try {
        await deps.store.ping(1500);
      } catch (err) {
        storeOk = false;
        request.log.warn({ err }, 'readiness: store unreachable');
      }
      return reply.code(storeOk ? 200 : 503).send({
        status: storeOk ? 'ready' : 'not_ready',
        checks: { store: storeOk ? 'ok' : 'fail' },
        mode: deps.config.mode,
        store: deps.store.kind,
      });
    },
  );
}
