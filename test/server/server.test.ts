import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const auth = () => ({ authorization: `Bearer ${s.adminToken}` });

test('GET /healthz answers ok', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('GET /readyz answers 200 with the store check', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().status, 'ready');
  assert.equal(res.json().checks.store, 'ok');
});

test('GET /.well-known/jwks.json lists the active key without private parts', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  assert.equal(res.statusCode, 200);
  const { keys } = res.json() as { keys: Array<Record<string, unknown>> };
  assert.equal(keys.length, 1);
  assert.equal(keys[0]?.kid, (await s.keyring.active('token'))?.kid);
  assert.ok(!('d' in keys[0]!));
});

test('admin endpoints refuse missing or wrong credentials with a fixed message, before validation', async () => {
  for (const headers of [{}, { authorization: 'Bearer writ_admin_wrong' }, { authorization: 'Basic abc' }]) {
    const res = await s.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers, payload: 'not json' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual({ code: res.json().code, detail: res.json().detail }, { code: 'UNAUTHENTICATED', detail: 'authentication required' });
  }
});

test('rotate then revoke through the API; the JWKS follows', async () => {
  const before = await s.keyring.active('token');
  const rot = await s.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: auth(), payload: {} });
  assert.equal(rot.statusCode, 200);
  const { created, retired } = rot.json();
  assert.equal(retired.kid, before?.kid);
  let jwks = (await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  assert.deepEqual(new Set(jwks.keys.map((k: { kid: string }) => k.kid)), new Set([created.kid, before?.kid]));

  const rev = await s.app.inject({ method: 'POST', url: `/v1/keys/${before?.kid}/revoke`, headers: auth(), payload: { reason: 'test' } });
  assert.equal(rev.statusCode, 200);
  assert.equal(rev.json().status, 'revoked');
  jwks = (await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  assert.deepEqual(jwks.keys.map((k: { kid: string }) => k.kid), [created.kid]);

  const again = await s.app.inject({ method: 'POST', url: `/v1/keys/${before?.kid}/revoke`, headers: auth(), payload: { reason: 'test' } });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'KEY_STATE_INVALID');
  const missing = await s.app.inject({ method: 'POST', url: '/v1/keys/nope/revoke', headers: auth(), payload: { reason: 'x' } });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'KEY_NOT_FOUND');
});

test('GET /v1/keys lists keys with public facts only', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/v1/keys', headers: auth() });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.ok(body.keys.length >= 2);
  assert.ok(!res.body.includes('private_ref'));
  assert.ok(!res.body.includes('v1.'), 'no envelope leaks into the listing');
});

test('bad bodies are 400 problem+json naming the field', async () => {
  const res = await s.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: auth(), payload: { alg: 'HS256' } });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'BAD_REQUEST');
  assert.match(res.json().detail, /alg/);
  const extra = await s.app.inject({ method: 'POST', url: '/v1/keys/rotate', headers: auth(), payload: { purpose: 'token', extra: 1 } });
  assert.equal(extra.statusCode, 400);
});

test('unknown routes are 404 problem+json', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/nope' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().code, 'NOT_FOUND');
});

test('GET /openapi.json documents the routes from their schemas', async () => {
  const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/healthz', '/readyz', '/.well-known/jwks.json', '/v1/keys', '/v1/keys/rotate', '/v1/keys/{kid}/revoke']) {
    assert.ok(doc.paths[p], `missing ${p}`);
  }
  assert.deepEqual(doc.paths['/v1/keys/rotate'].post.security, [{ adminBearer: [] }]);
  assert.equal(doc.paths['/v1/keys/{kid}/revoke'].post.parameters[0].name, 'kid');
  assert.ok(doc.paths['/v1/keys/rotate'].post.requestBody.content['application/json'].schema.properties.alg);
});

test('GET /metrics serves Prometheus text with request counters', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /text\/plain/);
  assert.match(res.body, /writ_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
});

test('logs redact the Authorization header', async () => {
  await s.app.inject({ method: 'GET', url: '/v1/keys', headers: auth() });
  s.app.log.info({ req: { headers: { authorization: `Bearer ${s.adminToken}` } }, token: 'tok-secret', nested: { private_key: 'pk-secret' } }, 'probe');
  const text = s.logs.text();
  assert.ok(text.includes('probe'));
  assert.ok(!text.includes(s.adminToken), 'admin token never logged');
  assert.ok(!text.includes('tok-secret'));
  assert.ok(!text.includes('pk-secret'));
  assert.ok(text.includes('[REDACTED]'));
});

test('GET /readyz answers 503 when the store is unreachable', async () => {
  // The sequencer holds a pooled connection on PostgreSQL; stop it before pulling the store away.
  await s.ledger.stop();
  await s.store.close();
  const res = await s.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().status, 'not_ready');
  assert.equal(res.json().checks.store, 'fail');
});
