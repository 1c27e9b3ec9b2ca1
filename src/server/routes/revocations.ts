import type { FastifyInstance } from 'fastify';
import {
  ListRevocationsQuery, RevocationListWire, RevokeBody, RevokeResponse, keyringRevocationWire, revocationViewWire, revocationWire,
} from '../../gateway/revocation/contracts.ts';
import type { RevocationMesh } from '../../gateway/revocation/revocation-mesh.ts';
import { addRevocation, listRevocations } from '../../gateway/revocation/revocation-store.ts';
import type { RevocationKind } from '../../gateway/revocation/revocation-view.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import type { ServerDeps } from '../server-deps.ts';

/** What {@link revocationRoutes} needs: the server's deps and this replica's revocation view, if it runs one. */
export type RevocationRouteDeps = ServerDeps & { revocations?: RevocationMesh };

const ACTOR = 'admin';

/**
 * Revocations API (admin credential): `POST /v1/revocations` revokes a jti, kid or
 * agent (agent_id or spiffe_id): row, ledger entry and NOTIFY in one transaction,
 * then applied to this replica's view and published on NATS; a kid is also revoked
 * in the keyring. `GET /v1/revocations` lists them, with the keys the keyring revoked
 * and this replica's view health.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => revocationRoutes(scope, { ...deps, revocations: mesh }));
 * await app.inject({ method: 'POST', url: '/v1/revocations', headers, payload: { kind: 'jti', value: jti, reason: 'leaked' } });
 * ```
 */
export async function revocationRoutes(app: FastifyInstance, deps: RevocationRouteDeps): Promise<void> {
  const admin = requireAdmin(deps.store);
  const tags = ['revocations'];

  app.post(
    '/v1/revocations',
    {
      onRequest: admin,
      schema: { body: RevokeBody, response: { 200: RevokeResponse, 201: RevokeResponse } },
      config: { openapi: { summary: 'Revoke a jti, kid or agent on every gateway replica (idempotent)', tags, admin: true } },
    },
    async (request, reply) => {
      const body = request.body as RevokeBody;
      const { revocation, created, keyRevoked } = await addRevocation(
        { store: deps.store, clock: deps.clock, actor: ACTOR, keyring: deps.keyring },
        { kind: body.kind, value: body.value, reason: body.reason },
      );
      deps.revocations?.announce(revocation);
      deps.ledger.notify();
      if (created) request.log.warn({ revocation_id: revocation.id, kind: revocation.kind }, 'revocation added');
      return reply.code(created ? 201 : 200).send({ revocation: revocationWire(revocation), created, key_revoked: keyRevoked });
    },
  );

  app.get(
    '/v1/revocations',
    {
      onRequest: admin,
      schema: { querystring: ListRevocationsQuery, response: { 200: RevocationListWire } },
      config: { openapi: { summary: 'Revocations (oldest first), keys the keyring revoked, and this replica\'s view', tags, admin: true } },
    },
    async (request) => {
      const q = request.query as { kind?: RevocationKind; after_id?: number; limit?: number };
      const { revocations, keyring } = await listRevocations(deps.store.db, {
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.after_id !== undefined ? { afterId: q.after_id } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
      // Keyring revocations are listed with the first page only.
      const keys = q.after_id === undefined ? keyring.map(keyringRevocationWire) : [];
      return {
        revocations: [...revocations.map(revocationWire), ...keys],
        view: deps.revocations ? revocationViewWire(deps.revocations.status(deps.clock.now())) : null,
      };
    },
  );
}
