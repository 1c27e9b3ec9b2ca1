import type { FastifyInstance } from 'fastify';
import { AdvanceEpochBody, EpochAdvanceWire, EpochListWire, epochAdvanceWire, epochWire } from '../../gateway/epochs/contracts.ts';
import { StoreEpochs, advanceEpoch } from '../../gateway/epochs/store-epochs.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import { requireCaller } from '../auth/require-caller.ts';
import type { ServerDeps } from '../server-deps.ts';

/** What {@link epochRoutes} needs: the server's deps and, optionally, the shared epoch view. */
export type EpochRouteDeps = ServerDeps & { epochs?: StoreEpochs };

/**
 * Enforcement epochs API: `GET /v1/epochs` (admin or workload credential: the current
 * epoch and every epoch with its state and grace left) and `POST /v1/epochs/advance`
 * (admin: N+1 active, N draining for the grace window, ledgered).
 *
 * @example
 * ```ts
 * await app.register(async (scope) => epochRoutes(scope, deps));
 * await app.inject({ method: 'POST', url: '/v1/epochs/advance', headers, payload: {} });
 * ```
 */
export async function epochRoutes(app: FastifyInstance, deps: EpochRouteDeps): Promise<void> {
  const admin = requireAdmin(deps.store);
  const caller = requireCaller(deps.store);
  const grace = deps.epochs?.graceSeconds ?? deps.config.epochGraceSeconds;
  const epochs = deps.epochs ?? new StoreEpochs({ store: deps.store, graceSeconds: grace });
  const tags = ['epochs'];

  app.get(
    '/v1/epochs',
    { onRequest: caller, schema: { response: { 200: EpochListWire } }, config: { openapi: { summary: 'The active enforcement epoch and every epoch with its state and grace left', tags } } },
    async () => {
      const now = deps.clock.now();
      const [current, list] = await Promise.all([epochs.current(now), epochs.list(now)]);
      return { as_of: now.toISOString(), current, epochs: list.map(epochWire) };
    },
  );

  app.post(
    '/v1/epochs/advance',
    {
      onRequest: admin,
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: { body: AdvanceEpochBody, response: { 200: EpochAdvanceWire } },
      config: { openapi: { summary: 'Advance the enforcement epoch: N+1 active, N draining for the grace window', tags, admin: true } },
    },
    async (request) => {
      const body = request.body as { grace_seconds?: number };
      const adv = await advanceEpoch({ store: deps.store, clock: deps.clock, graceSeconds: grace }, 'admin', body.grace_seconds !== undefined ? { graceSeconds: body.grace_seconds } : {});
      deps.ledger.notify();
      request.log.warn({ epoch: adv.epoch, previous: adv.previous, drain_until: adv.drain_until.toISOString() }, 'enforcement epoch advanced');
      return epochAdvanceWire(adv);
    },
  );
}
