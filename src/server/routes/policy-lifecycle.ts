import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { getBundle } from '../../policy/bundle-store.ts';
import { activationEvidence } from '../../engine/lifecycle/evidence/activation-evidence.ts';
import { buildRollbackPlan } from '../../engine/lifecycle/rollback/rollback-plan.ts';
import { explainDivergence, shadowStatus, startShadow, stopShadow } from '../../engine/lifecycle/shadow/shadow-runs.ts';
import { listDivergences } from '../../engine/lifecycle/shadow/divergence-list.ts';
import { WritError } from '../../errors/writ-error.ts';
import { activationLifecycleOf, engineDepsOf } from '../engine-deps.ts';
import type { ServerDeps } from '../server-deps.ts';
import { actorOf, adminOrHuman, POLICY_ROLES } from './policy.ts';

const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Id = Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9_.:-]+$' });
const Document = Type.Object({}, { additionalProperties: true });

/**
 * The governed policy lifecycle over HTTP:
 * - `POST /v1/policy/shadow` {policy_bundle_hash, min_observation_hours?} (writer roles): start a
 *   shadow run of a stored candidate; 201 with its summary (409 `SHADOW_RUNNING` / `ALREADY_ACTIVE`);
 * - `GET /v1/policy/shadow[?candidate=HASH]`: the running run's summary, or a candidate's latest;
 * - `POST /v1/policy/shadow/stop` {reason?} (writer roles);
 * - `GET /v1/policy/shadow/divergences?shadow_id=&severity=&unexplained=&limit=`: divergence records;
 * - `POST /v1/policy/shadow/divergences/{id}/explain` {explanation} (writer roles);
 * - `GET /v1/policy/rollback-plan[?to=HASH][&from=HASH]`: the known-good rollback target and its governed
 *   request, from the active bundle or from a candidate about to be activated;
 * - `GET /v1/policy/activations/{decision_id}/evidence`: the evidence of an activation request;
 * - `GET /v1/policy/bundles/{hash}`: a stored bundle's canonical document.
 *
 * Readers are the admin credential or any authenticated human; writers as for activation.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => policyLifecycleRoutes(scope, deps));
 * ```
 */
export async function policyLifecycleRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const engine = engineDepsOf(deps);
  const writer = adminOrHuman(deps, POLICY_ROLES);
  const reader = adminOrHuman(deps);
  const tags = ['policy'];
  const lifecycle = () => activationLifecycleOf(deps);

  app.post(
    '/v1/policy/shadow',
    {
      onRequest: writer,
      schema: {
        body: Type.Object({ policy_bundle_hash: Ref, min_observation_hours: Type.Optional(Type.Number({ minimum: 0, maximum: 2160 })) }, { additionalProperties: false }),
        response: { 201: Document },
      },
      config: { openapi: { summary: 'Start a shadow run: evaluate a stored candidate beside the active bundle on every live intent, without enforcing', tags, admin: true } },
    },
    async (request, reply) => {
      const body = request.body as { policy_bundle_hash: string; min_observation_hours?: number };
      return reply.code(201).send(await startShadow(engine, actorOf(request), body, lifecycle().shadowMinHours));
    },
  );

  app.get(
    '/v1/policy/shadow',
    {
      onRequest: reader,
      schema: { querystring: Type.Object({ candidate: Type.Optional(Ref) }, { additionalProperties: false }), response: { 200: Document } },
      config: { openapi: { summary: 'The running shadow run, or the latest run of a candidate: observation time, divergences by severity, promotion criteria', tags, admin: true } },
    },
    async (request) => shadowStatus(engine, (request.query as { candidate?: string }).candidate ?? null, lifecycle().shadowMinHours),
  );

  app.post(
    '/v1/policy/shadow/stop',
    {
      onRequest: writer,
      schema: { body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false })), response: { 200: Document } },
      config: { openapi: { summary: 'Stop the running shadow run', tags, admin: true } },
    },
    async (request) => stopShadow(engine, actorOf(request), (request.body as { reason?: string } | undefined)?.reason ?? null),
  );

  app.get(
    '/v1/policy/shadow/divergences',
    {
      onRequest: reader,
      schema: {
        querystring: Type.Object(
          {
            shadow_id: Type.Optional(Id),
            severity: Type.Optional(Type.Union(['low', 'medium', 'high', 'critical'].map((s) => Type.Literal(s)))),
            unexplained: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Document },
      },
      config: { openapi: { summary: 'Divergence records of a shadow run (default: the running or latest one), with both outcomes', tags, admin: true } },
    },
    async (request) => listDivergences(deps.store.db, request.query as Parameters<typeof listDivergences>[1]),
  );

  app.post(
    '/v1/policy/shadow/divergences/:divergence_id/explain',
    {
      onRequest: writer,
      schema: {
        params: Type.Object({ divergence_id: Id }),
        body: Type.Object({ explanation: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: Document },
      },
      config: { openapi: { summary: 'Explain a divergence (once); explained high-severity divergences no longer block promotion', tags, admin: true } },
    },
    async (request) => {
      const id = (request.params as { divergence_id: string }).divergence_id;
      await explainDivergence(engine, actorOf(request), id, (request.body as { explanation: string }).explanation);
      return { divergence_id: id, explained: true };
    },
  );

  app.get(
    '/v1/policy/rollback-plan',
    {
      onRequest: reader,
      schema: { querystring: Type.Object({ to: Type.Optional(Ref), from: Type.Optional(Ref) }, { additionalProperties: false }), response: { 200: Document } },
      config: {
        openapi: { summary: 'The rollback plan: the last bundle active without incident, the steps, and the governed activation request (from the active bundle, or from a candidate with ?from=)', tags, admin: true },
      },
    },
    async (request) => {
      const active = await deps.store.db.selectFrom('policy_active').select('policy_bundle_hash').executeTakeFirst();
      if (!active) throw new WritError('NOT_FOUND', 'no policy bundle is active');
      const { to, from } = request.query as { to?: string; from?: string };
      return buildRollbackPlan(deps.store.db, { currentHash: from ?? active.policy_bundle_hash, ...(to ? { to } : {}), now: deps.clock.now(), diff: lifecycle().analyzers.diff });
    },
  );

  app.get(
    '/v1/policy/activations/:decision_id/evidence',
    {
      onRequest: reader,
      schema: { params: Type.Object({ decision_id: Id }), response: { 200: Document } },
      config: { openapi: { summary: 'The evidence a policy.activate request carries (lint, manifest, diff, dry run, shadow summary, rollback plan), re-verified against its digests', tags, admin: true } },
    },
    async (request) => {
      const id = (request.params as { decision_id: string }).decision_id;
      const evidence = await activationEvidence(deps.store.db, id);
      if (evidence.length === 0) throw new WritError('NOT_FOUND', 'no evidence is recorded for this decision');
      return { decision_id: id, evidence };
    },
  );

  app.get(
    '/v1/policy/bundles/:hash',
    {
      onRequest: reader,
      schema: { params: Type.Object({ hash: Ref }), response: { 200: Document } },
      config: { openapi: { summary: "A stored bundle's canonical document (re-verified against its hash)", tags, admin: true } },
    },
    async (request) => {
      const hash = (request.params as { hash: string }).hash;
      const bundle = await getBundle(deps.store.db, hash);
      if (!bundle) throw new WritError('NOT_FOUND', 'no stored policy bundle has this hash');
      return { policy_bundle_hash: bundle.policy_bundle_hash, document: bundle.document };
    },
  );
}
