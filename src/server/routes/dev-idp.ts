import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DevDiscoveryResponse, DevJwksResponse, DevTokenRequest, DevTokenResponse, DevUsersResponse } from '../../identity/dev-idp/contracts.ts';
import type { DevIdentityProvider } from '../../identity/dev-idp/dev-identity-provider.ts';
import { rolesFromGroups } from '../../identity/roles.ts';

/**
 * Response header on every dev IdP response, errors included.
 *
 * @example
 * ```ts
 * res.headers[DEV_IDP_HEADER]; // '1'
 * ```
 */
export const DEV_IDP_HEADER = 'x-writ-dev-idp';

const tags = ['dev-idp'];
const DEV_NOTE = 'DEV MODE ONLY: the built-in dev identity provider signs a token for any listed user without authenticating anyone.';

async function markDev(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header(DEV_IDP_HEADER, '1');
  return payload;
}

/**
 * Routes of the built-in dev identity provider (dev mode only): discovery, JWKS, the
 * user list, and `POST /dev-idp/token`, which hands out an ID token for a named dev
 * user. Every response says it is dev mode (`dev_mode: true` and `x-writ-dev-idp: 1`).
 *
 * @example
 * ```ts
 * if (config.devIdp) await app.register(async (scope) => devIdpRoutes(scope, devIdp));
 * const res = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'alice' } });
 * ```
 */
export async function devIdpRoutes(app: FastifyInstance, idp: DevIdentityProvider): Promise<void> {
  app.get(
    '/dev-idp/.well-known/openid-configuration',
    { onSend: markDev, schema: { response: { 200: DevDiscoveryResponse } }, config: { openapi: { summary: `OpenID discovery of the dev IdP. ${DEV_NOTE}`, tags } } },
    async () => idp.discoveryDocument(),
  );

  app.get(
    '/dev-idp/jwks',
    { onSend: markDev, schema: { response: { 200: DevJwksResponse } }, config: { openapi: { summary: `Public keys of the dev IdP (in memory; new at every start). ${DEV_NOTE}`, tags } } },
    async () => ({ ...idp.jwks(), dev_mode: true as const }),
  );

  app.get(
    '/dev-idp/users',
    { onSend: markDev, schema: { response: { 200: DevUsersResponse } }, config: { openapi: { summary: `The dev users and their groups. ${DEV_NOTE}`, tags } } },
    async () => ({
      users: idp.users().map((u) => ({ name: u.name, display_name: u.display_name, groups: [...u.groups], roles: rolesFromGroups(u.groups), note: u.note })),
      dev_mode: true as const,
    }),
  );

  app.post(
    '/dev-idp/token',
    { onSend: markDev, schema: { body: DevTokenRequest, response: { 200: DevTokenResponse } }, config: { openapi: { summary: `Issue an ID token for a dev user. ${DEV_NOTE}`, tags } } },
    async (request) => {
      const body = request.body as DevTokenRequest;
      const ttl = idp.defaultTtlSeconds;
      const idToken = await idp.issueIdToken(body.user, { ttlSeconds: ttl, ...(body.nonce !== undefined ? { nonce: body.nonce } : {}) });
      request.log.warn({ dev_user: body.user }, 'dev IdP issued an ID token (dev mode)');
      return { id_token: idToken, token_type: 'Bearer' as const, expires_in: ttl, dev_mode: true as const };
    },
  );
}
