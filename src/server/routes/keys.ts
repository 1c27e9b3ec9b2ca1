import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { JwksSchema, KeyListSchema, RevokeKeyBody, RotateKeyBody, RotateKeyResponse, KeyInfoSchema, type KeyInfoWire } from '../../contracts/keys.ts';
import type { KeyInfo } from '../../crypto/keyring/keyring.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import type { ServerDeps } from '../server-deps.ts';

function toWire(k: KeyInfo): KeyInfoWire {
  return {
    kid: k.kid,
    alg: k.alg,
    purpose: k.purpose,
    status: k.status,
    provider: k.provider,
    created_at: k.createdAt,
    retired_at: k.retiredAt,
    revoked_at: k.revokedAt,
    revocation_reason: k.revocationReason,
  };
}

/** JWKS (public) and the keyring admin API. */
export async function keyRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const admin = requireAdmin(deps.store);

  app.get(
    '/.well-known/jwks.json',
    { schema: { response: { 200: JwksSchema } }, config: { openapi: { summary: 'Public keys of active and retired token signing keys', tags: ['keys'] } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return deps.keyring.jwks('token');
    },
  );

  app.get(
    '/v1/keys',
    {
      onRequest: admin,
      schema: { querystring: Type.Object({ purpose: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('ledger')])) }), response: { 200: KeyListSchema } },
      config: { openapi: { summary: 'List keys', tags: ['keys'], admin: true } },
    },
    async (request) => {
      const { purpose } = request.query as { purpose?: 'token' | 'ledger' };
      return { keys: (await deps.keyring.list(purpose)).map(toWire) };
    },
  );

  app.post(
    '/v1/keys/rotate',
    {
      onRequest: admin,
      schema: { body: RotateKeyBody, response: { 200: RotateKeyResponse } },
      config: { openapi: { summary: 'Create a new active key and retire the previous one', tags: ['keys'], admin: true } },
    },
    async (request) => {
      const body = (request.body ?? {}) as { purpose?: 'token' | 'ledger'; alg?: 'EdDSA' | 'ES256' };
      const { created, retired } = await deps.keyring.rotate({ purpose: body.purpose ?? 'token', alg: body.alg ?? 'EdDSA', actor: 'admin' });
      request.log.info({ kid: created.kid, retired: retired?.kid }, 'key rotated');
      return { created: toWire(created), retired: retired ? toWire(retired) : null };
    },
  );

  app.post(
    '/v1/keys/:kid/revoke',
    {
      onRequest: admin,
      schema: { params: Type.Object({ kid: Type.String({ minLength: 1, maxLength: 128 }) }), body: RevokeKeyBody, response: { 200: KeyInfoSchema } },
      config: { openapi: { summary: 'Revoke a key: every token it signed is denied', tags: ['keys'], admin: true } },
    },
    async (request) => {
      const { kid } = request.params as { kid: string };
      const { reason } = request.body as { reason: string };
      const revoked = await deps.keyring.revoke(kid, reason, 'admin');
      request.log.warn({ kid }, 'key revoked');
      return toWire(revoked);
    },
  );
}
