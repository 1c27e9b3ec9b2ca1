import type { FastifyInstance } from 'fastify';
import { cryptoIdSource, type IdSource } from '../../common/ids.ts';
import { listDeliveries, type DeliveryFilter } from '../../events/alerts/alert-store.ts';
import { AlertDeliveryListWire, DeliveriesQuery, ObservedExecutionBody, ObservedExecutionResponse } from '../../events/contracts.ts';
import type { EventBus } from '../../events/event-bus.ts';
import { checkObservedExecution, type AuthorizationLookup } from '../../events/observed-execution.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import { sendProblem } from '../problem.ts';
import type { ServerDeps } from '../server-deps.ts';

/** Options of {@link eventRoutes}. */
export interface EventRouteOptions {
  /** The event bus (`oob_detected` goes through it, and so does its alert). */
  events: Pick<EventBus, 'publish'>;
  /** Finds an authorization by id (the gateway's store). */
  lookupAuthorization: AuthorizationLookup;
  /** Id source of observations and events (tests pass a deterministic one). */
  ids?: IdSource;
}

/**
 * Events API (admin credential): `POST /v1/executions/observed` (a target system
 * reports an execution; no committed authorization ⇒ `oob_detected` + alert) and
 * `GET /v1/alerts/deliveries` (every alert delivery attempt, newest first).
 *
 * @example
 * ```ts
 * await app.register(async (scope) => eventRoutes(scope, deps, { events: bus, lookupAuthorization }));
 * ```
 */
export async function eventRoutes(app: FastifyInstance, deps: ServerDeps, options: EventRouteOptions): Promise<void> {
  const admin = requireAdmin(deps.store);
  const ids = options.ids ?? deps.ids ?? cryptoIdSource;

  app.post(
    '/v1/executions/observed',
    {
      onRequest: admin,
      schema: { body: ObservedExecutionBody, response: { 200: ObservedExecutionResponse } },
      config: { openapi: { summary: 'Report an execution a target system saw; no committed authorization raises oob_detected', tags: ['events'], admin: true } },
    },
    async (request, reply) => {
      const body = request.body as ObservedExecutionBody;
      if (!Number.isFinite(Date.parse(body.observed_at))) return sendProblem(reply, 400, 'BAD_REQUEST', '/observed_at: not a real instant');
      const result = await checkObservedExecution({ lookup: options.lookupAuthorization, events: options.events, clock: deps.clock, ids }, body);
      if (result.status === 'out_of_band') {
        request.log.warn({ observation_id: result.observation_id, reason: result.reason, event_id: result.event_id, alert_id: result.alert_id, target_system: body.target_system }, 'out-of-band execution detected');
      }
      return result;
    },
  );

  app.get(
    '/v1/alerts/deliveries',
    {
      onRequest: admin,
      schema: { querystring: DeliveriesQuery, response: { 200: AlertDeliveryListWire } },
      config: { openapi: { summary: 'Alert delivery attempts (Slack, PagerDuty), newest first', tags: ['events'], admin: true } },
    },
    async (request) => ({ deliveries: await listDeliveries(deps.store, request.query as DeliveryFilter) }),
  );
}
