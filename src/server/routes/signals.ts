import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { IdSource } from '../../common/ids.ts';
import {
  CloseBody, GrantOverrideBody, HoldWire, IncidentWire, OpenIncidentBody, OverrideWire, SetHoldBody, SignalsStateWire,
  holdWire, incidentWire, overrideWire,
} from '../../engine/signals/contracts.ts';
import { toPolicySignals, type HoldScopeKind } from '../../engine/signals/model.ts';
import { clearHold, grantOverride, openIncident, readSignalState, resolveIncident, setHold, type SignalContext } from '../../engine/signals/signal-store.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import type { ServerDeps } from '../server-deps.ts';

/** Options of {@link signalRoutes}. */
export interface SignalRouteOptions {
  /** Id source of new holds, incidents and overrides (tests pass a deterministic one). */
  ids?: IdSource;
  /** MCP server names trusted by configuration, reported in `policy_signals`. */
  trustedMcpServers?: readonly string[];
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) });
const ACTOR = 'admin';
/** Close routes accept an empty body: default it to `{}` before validation. */
const emptyBody = async (request: { body: unknown }) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

/**
 * Live signals API (admin credential for reads and writes): phase holds, incidents,
 * overrides, and `GET /v1/signals` (what is in force now). Every change is ledgered in
 * the transaction that makes it.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => signalRoutes(scope, deps));
 * await app.inject({ method: 'POST', url: '/v1/signals/holds', headers, payload: { target: 'payments/prod', reason: 'freeze' } });
 * ```
 */
export async function signalRoutes(app: FastifyInstance, deps: ServerDeps, options: SignalRouteOptions = {}): Promise<void> {
  const admin = requireAdmin(deps.store);
  const ctx: SignalContext = { store: deps.store, clock: deps.clock, actor: ACTOR, ...(options.ids ? { ids: options.ids } : {}) };
  const tags = ['signals'];

  app.get(
    '/v1/signals',
    { onRequest: admin, schema: { response: { 200: SignalsStateWire } }, config: { openapi: { summary: 'Holds, incidents and overrides in force now', tags, admin: true } } },
    async () => {
      const now = deps.clock.now();
      const state = await readSignalState(deps.store.db, now);
      return {
        as_of: now.toISOString(),
        holds: state.holds.map(holdWire),
        incidents: state.incidents.map(incidentWire),
        overrides: state.overrides.map(overrideWire),
        policy_signals: toPolicySignals(state, now, options.trustedMcpServers ?? []),
      };
    },
  );

  app.post(
    '/v1/signals/holds',
    { onRequest: admin, schema: { body: SetHoldBody, response: { 201: HoldWire } }, config: { openapi: { summary: 'Set a phase hold on a target or environment', tags, admin: true } } },
    async (request, reply) => {
      const b = request.body as { target: string; scope_kind?: HoldScopeKind; reason: string; author?: string };
      const hold = await setHold(ctx, { target: b.target, scope_kind: b.scope_kind ?? 'target', reason: b.reason, author: b.author ?? ACTOR });
      request.log.info({ hold_id: hold.id, target: hold.target }, 'phase hold set');
      return reply.code(201).send(holdWire(hold));
    },
  );

  const clear = async (id: string, body: { reason?: string; author?: string } | undefined) => {
    const { hold } = await clearHold(ctx, id, { author: body?.author ?? ACTOR, ...(body?.reason ? { reason: body.reason } : {}) });
    return holdWire(hold);
  };
  app.post(
    '/v1/signals/holds/:id/clear',
    { onRequest: admin, preValidation: emptyBody, schema: { params: IdParams, body: CloseBody, response: { 200: HoldWire } }, config: { openapi: { summary: 'Clear a phase hold (idempotent)', tags, admin: true } } },
    async (request) => clear((request.params as { id: string }).id, request.body as { reason?: string; author?: string }),
  );
  app.delete(
    '/v1/signals/holds/:id',
    { onRequest: admin, schema: { params: IdParams, response: { 200: HoldWire } }, config: { openapi: { summary: 'Clear a phase hold (idempotent; same as POST …/clear)', tags, admin: true } } },
    async (request) => clear((request.params as { id: string }).id, undefined),
  );

  app.post(
    '/v1/signals/incidents',
    { onRequest: admin, schema: { body: OpenIncidentBody, response: { 201: IncidentWire } }, config: { openapi: { summary: 'Open an incident on a scope (empty scope: global)', tags, admin: true } } },
    async (request, reply) => {
      const b = request.body as { targets?: string[]; environments?: string[]; reason: string; author?: string };
      const incident = await openIncident(ctx, { targets: b.targets ?? [], environments: b.environments ?? [], reason: b.reason, author: b.author ?? ACTOR });
      request.log.warn({ incident_id: incident.id }, 'incident opened');
      return reply.code(201).send(incidentWire(incident));
    },
  );

  app.post(
    '/v1/signals/incidents/:id/resolve',
    { onRequest: admin, preValidation: emptyBody, schema: { params: IdParams, body: CloseBody, response: { 200: IncidentWire } }, config: { openapi: { summary: 'Resolve an incident (idempotent)', tags, admin: true } } },
    async (request) => {
      const { id } = request.params as { id: string };
      const b = request.body as { reason?: string; author?: string };
      const { incident } = await resolveIncident(ctx, id, { author: b?.author ?? ACTOR, ...(b?.reason ? { reason: b.reason } : {}) });
      return incidentWire(incident);
    },
  );

  app.post(
    '/v1/signals/overrides',
    { onRequest: admin, schema: { body: GrantOverrideBody, response: { 201: OverrideWire } }, config: { openapi: { summary: 'Grant an override on a scope for ttl_seconds', tags, admin: true } } },
    async (request, reply) => {
      const b = request.body as { targets?: string[]; environments?: string[]; ttl_seconds: number; reason: string; author?: string };
      const override = await grantOverride(ctx, { targets: b.targets ?? [], environments: b.environments ?? [], ttl_seconds: b.ttl_seconds, reason: b.reason, author: b.author ?? ACTOR });
      request.log.warn({ override_id: override.id, expires_at: override.expires_at.toISOString() }, 'override granted');
      return reply.code(201).send(overrideWire(override));
    },
  );
}
