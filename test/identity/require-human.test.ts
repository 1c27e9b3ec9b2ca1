import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ManualClock } from '../../src/common/clock.ts';
import { DevIdentityProvider } from '../../src/identity/dev-idp/dev-identity-provider.ts';
import { OidcVerifier } from '../../src/identity/oidc/verifier.ts';
import { optionalHuman, requireHuman } from '../../src/server/auth/require-human.ts';
import { installProblemHandlers } from '../../src/server/problem.ts';

const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const idp = new DevIdentityProvider({ baseUrl: 'http://127.0.0.1:8787', clock });
const down: typeof fetch = async () => {
  throw new TypeError('fetch failed');
};
const verifier = new OidcVerifier({
  issuers: [idp.issuerConfig(), { issuer: 'https://down.example.test', audience: ['writ'] }],
  clock,
  fetch: down,
});
const app = Fastify();
installProblemHandlers(app);
app.get('/who', { onRequest: requireHuman(verifier) }, async (request) => ({ sub: request.human?.identity.sub, roles: request.human?.identity.roles }));
app.get('/maybe', { onRequest: optionalHuman(verifier) }, async (request) => ({ human: request.human?.identity.sub ?? null }));
after(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('a valid ID token sets request.human', async () => {
  const res = await app.inject({ url: '/who', headers: bearer(await idp.issueIdToken('dave')) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { sub: 'dave', roles: ['security_officer'] });
});

test('no or bad credentials: 401 IDENTITY_INVALID with a fixed message and the reason', async () => {
  const none = await app.inject({ url: '/who' });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().code, 'IDENTITY_INVALID');
  assert.equal(none.json().detail, 'authentication required');
  assert.equal(none.headers['www-authenticate'], 'Bearer');

  const basic = await app.inject({ url: '/who', headers: { authorization: 'Basic YTpi' } });
  assert.equal(basic.statusCode, 401);
  assert.equal(basic.json().reason, 'MALFORMED');

  const token = await idp.issueIdToken('alice');
  const [h, p, s] = token.split('.') as [string, string, string];
  const forged = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
  const bad = await app.inject({ url: '/who', headers: bearer(forged) });
  assert.equal(bad.statusCode, 401);
  assert.equal(bad.json().reason, 'SIGNATURE');
  assert.equal(bad.json().detail, 'authentication required');
  assert.match(String(bad.headers['www-authenticate']), /invalid_token/);
});

test('an issuer whose keys cannot be fetched: 503 IDENTITY_UNAVAILABLE', async () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss: 'https://down.example.test', sub: 'x', aud: 'writ' })}.c2ln`;
  const res = await app.inject({ url: '/who', headers: bearer(token) });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().code, 'IDENTITY_UNAVAILABLE');
  assert.equal(res.json().reason, 'JWKS_UNAVAILABLE');
});

test('optionalHuman: no header passes anonymously, a present header must be valid', async () => {
  assert.deepEqual((await app.inject({ url: '/maybe' })).json(), { human: null });
  assert.deepEqual((await app.inject({ url: '/maybe', headers: bearer(await idp.issueIdToken('erin')) })).json(), { human: 'erin' });
  const bad = await app.inject({ url: '/maybe', headers: bearer('x.y.z') });
  assert.equal(bad.statusCode, 401);
});
