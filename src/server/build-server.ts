import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { installProblemHandlers } from './problem.ts';
import { installMetrics } from './metrics.ts';
import { installLifecycleMetrics } from './lifecycle-metrics.ts';
import { installOpenApi } from './openapi.ts';
import { healthRoutes } from './routes/health.ts';
import { keyRoutes } from './routes/keys.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { signalRoutes } from './routes/signals.ts';
import { decisionRoutes } from './routes/decisions.ts';
import { devIdpRoutes } from './routes/dev-idp.ts';
import { breakGlassRoutes } from './routes/break-glass.ts';
import { policyRoutes } from './routes/policy.ts';
import { policyLifecycleRoutes } from './routes/policy-lifecycle.ts';
import { pecsRoutes } from './routes/pecs.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { devCaRoutes } from '../identity/spiffe/dev-ca-routes.ts';
import { revocationRoutes } from './routes/revocations.ts';
import { epochRoutes } from './routes/epochs.ts';
import { eventRoutes } from './routes/events.ts';
import { installEventMetrics } from '../events/metrics.ts';
import { gatewayDb } from '../gateway/tables.ts';
import type { ServerDeps } from './server-deps.ts';

/**
 * Builds the Fastify app with every route; does not listen. Tests use
 * `app.inject()`; `writ serve` calls `listen`.
 *
 * @example
 * ```ts
 * const app = await buildServer(deps);
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * ```
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  installOpenApi(app, deps.version);
  const metrics = installMetrics(app);
  if (deps.events) installEventMetrics(metrics.registry, deps.events);
  installLifecycleMetrics(metrics.registry, deps.store.db, deps.clock);
  app.get('/metrics', { config: { openapi: { hide: true } } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  await app.register(async (scope) => healthRoutes(scope, deps));
  await app.register(async (scope) => keyRoutes(scope, deps));
  await app.register(async (scope) => ledgerRoutes(scope, deps));
  await app.register(async (scope) => signalRoutes(scope, deps));
  await app.register(async (scope) => decisionRoutes(scope, deps));
  await app.register(async (scope) => approvalRoutes(scope, deps));
  await app.register(async (scope) => breakGlassRoutes(scope, deps));
  await app.register(async (scope) => policyRoutes(scope, deps));
  await app.register(async (scope) => policyLifecycleRoutes(scope, deps));
  await app.register(async (scope) => pecsRoutes(scope, deps));
  await app.register(async (scope) => revocationRoutes(scope, deps));
  await app.register(async (scope) => epochRoutes(scope, deps));
  const { events } = deps;
  if (events) {
    await app.register(async (scope) =>
      eventRoutes(scope, deps, {
        events: events.bus,
        lookupAuthorization: async (id) => {
          const row = await gatewayDb(deps.store.db).selectFrom('authorizations').select(['verdict', 'state', 'decision_hash']).where('authorization_id', '=', id).executeTakeFirst();
          return row ? { committed: row.verdict === 'ALLOW' && row.state === 'committed', decision_hash: row.decision_hash ?? '' } : null;
        },
      }),
    );
  }
  const { gateway } = deps;
  if (gateway) await app.register(async (scope) => authorizeRoutes(scope, deps, gateway));
  const { spiffe } = deps;
  if (spiffe) await app.register(async (scope) => devCaRoutes(scope, { store: deps.store, mode: deps.config.mode, spiffe }));
  const { devIdp } = deps;
  if (devIdp) await app.register(async (scope) => devIdpRoutes(scope, devIdp));
  return app;
}
