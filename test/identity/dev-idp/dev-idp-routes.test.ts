import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { ManualClock } from '../../../src/common/clock.ts';
import { DevIdentityProvider } from '../../../src/identity/dev-idp/dev-identity-provider.ts';
import { OidcVerifier } from '../../../src/identity/oidc/verifier.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import { devIdpRoutes } from '../../../src/server/routes/dev-idp.ts';

const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const idp = new DevIdentityProvider({ baseUrl: 'http://127.0.0.1:8787', clock });
const app = Fastify();
app.setValidatorCompiler(TypeBoxValidatorCompiler);
installProblemHandlers(app);
await app.register(async (scope) => devIdpRoutes(scope, idp));
app.get('/elsewhere', async () => ({ ok: true }));
after(() => app.close());

test('POST /dev-idp/token issues a token that verifies and says it is dev mode', async () => {
  const res = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'bob', nonce: 'sha256:n' } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-writ-dev-idp'], '1');
  const body = res.json() as { id_token: string; token_type: string; expires_in: number; dev_mode: boolean };
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, 3600);
  assert.equal(body.dev_mode, true);
  const verifier = new OidcVerifier({ issuers: [idp.issuerConfig()], clock });
  const { identity } = await verifier.verify(body.id_token, { expectedNonce: 'sha256:n' });
  assert.equal(identity.sub, 'bob');
});

test('bad token requests are 400 problems, still marked dev mode', async () => {
  for (const payload of [{ user: 'zed' }, { user: 'alice', extra: 1 }, {}, { user: 'alice', nonce: 'x'.repeat(600) }]) {
    const res = await app.inject({ method: 'POST', url: '/dev-idp/token', payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.headers['x-writ-dev-idp'], '1');
  }
});

test('discovery, JWKS and users respond and are marked dev mode; other routes are not', async () => {
  const discovery = await app.inject({ method: 'GET', url: '/dev-idp/.well-known/openid-configuration' });
  assert.equal(discovery.statusCode, 200);
  assert.equal(discovery.json().issuer, 'http://127.0.0.1:8787/dev-idp');
  assert.equal(discovery.json().token_endpoint, 'http://127.0.0.1:8787/dev-idp/token');
  assert.equal(discovery.json().dev_mode, true);

  const jwks = await app.inject({ method: 'GET', url: '/dev-idp/jwks' });
  assert.deepEqual(jwks.json(), { ...idp.jwks(), dev_mode: true });

  const users = await app.inject({ method: 'GET', url: '/dev-idp/users' });
  const list = users.json().users as { name: string; roles: string[] }[];
  assert.deepEqual(list.find((u) => u.name === 'dave')?.roles, ['security_officer']);
  assert.equal(users.json().dev_mode, true);
  for (const res of [discovery, jwks, users]) assert.equal(res.headers['x-writ-dev-idp'], '1');

  const other = await app.inject({ method: 'GET', url: '/elsewhere' });
  assert.equal(other.headers['x-writ-dev-idp'], undefined);
});
