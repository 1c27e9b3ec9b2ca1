import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ManualClock } from '../../../src/common/clock.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { DEV_IDP_AUDIENCE, DevIdentityProvider } from '../../../src/identity/dev-idp/dev-identity-provider.ts';
import { OidcVerifier } from '../../../src/identity/oidc/verifier.ts';
import { privilegeLevel } from '../../../src/identity/roles.ts';
import { assertRejects, countingFetch } from '../helpers.ts';

const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));

function setup(baseUrl = 'http://127.0.0.1:8787') {
  const idp = new DevIdentityProvider({ baseUrl, clock });
  const counter = countingFetch();
  const verifier = new OidcVerifier({ issuers: [idp.issuerConfig()], clock, fetch: counter.fetch });
  return { idp, verifier, urls: counter.urls };
}

test('dev tokens verify through issuerConfig() keys, with no HTTP at all', async () => {
  const { idp, verifier, urls } = setup();
  assert.equal(idp.issuer, 'http://127.0.0.1:8787/dev-idp');
  const token = await idp.issueIdToken('alice', { nonce: 'sha256:abc' });
  const { identity, claims } = await verifier.verify(token, { expectedNonce: 'sha256:abc' });
  assert.deepEqual(identity, {
    iss: 'http://127.0.0.1:8787/dev-idp', sub: 'alice', name: 'Alice (dev)', email: 'alice@dev.writ.invalid',
    groups: ['platform-security', 'approver'], roles: ['approver'],
  });
  assert.equal(claims.aud, DEV_IDP_AUDIENCE);
  assert.equal(claims.writ_dev_idp, true);
  assert.equal(decodeProtectedHeader(token).alg, 'ES256');
  assert.deepEqual(urls, []);
});

test('the dev users cover requester, approvers, L4, L5 and a viewer', async () => {
  const { idp, verifier } = setup();
  const who = async (user: string) => (await verifier.verify(await idp.issueIdToken(user))).identity;
  assert.deepEqual((await who('carol')).roles, ['operator']);
  assert.deepEqual((await who('bob')).groups, ['release-management', 'approver']);
  assert.equal(privilegeLevel(await who('dave')), 'L4');
  assert.ok((await who('dave')).groups.includes('platform-security'));
  assert.equal(privilegeLevel(await who('erin')), 'L5');
  assert.deepEqual((await who('mallory')).roles, ['viewer']);
  assert.ok(idp.users().length >= 6);
});

test('tokens follow the injected clock; the key is new for every instance', async () => {
  const { idp, verifier } = setup();
  const token = await idp.issueIdToken('carol', { ttlSeconds: 60 });
  const claims = decodeJwt(token);
  assert.equal(claims.iat, Math.floor(clock.now().getTime() / 1000));
  assert.equal(claims.exp, (claims.iat as number) + 60);
  const later = new ManualClock(new Date(clock.now().getTime() + 91_000));
  const strict = new OidcVerifier({ issuers: [idp.issuerConfig()], clock: later });
  await assertRejects(strict.verify(token), 'IDENTITY_INVALID', 'EXPIRED');
  await verifier.verify(token);

  // Another instance (a restart) has another key: old tokens are not accepted.
  const restarted = new DevIdentityProvider({ baseUrl: 'http://127.0.0.1:8787', clock });
  const afterRestart = new OidcVerifier({ issuers: [restarted.issuerConfig()], clock });
  await assertRejects(afterRestart.verify(token), 'IDENTITY_INVALID', 'KID_UNKNOWN');
  assert.ok(!('d' in (idp.jwks().keys[0] as object)), 'only the public key is published');
});

test('unknown users and bad options are BAD_REQUEST', async () => {
  const { idp } = setup();
  const badRequest = (err: unknown) => isWritError(err, 'BAD_REQUEST');
  await assert.rejects(idp.issueIdToken('zed'), badRequest);
  await assert.rejects(idp.issueIdToken('alice', { ttlSeconds: 0 }), badRequest);
  await assert.rejects(idp.issueIdToken('alice', { ttlSeconds: 86_401 }), badRequest);
  await assert.rejects(idp.issueIdToken('alice', { nonce: 'x'.repeat(513) }), badRequest);
});

test('discovery and JWKS describe the issuer; a LAN base URL is fine for static keys', async () => {
  const { idp } = setup('http://192.168.1.20:8787/');
  assert.equal(idp.issuer, 'http://192.168.1.20:8787/dev-idp');
  const doc = idp.discoveryDocument();
  assert.equal(doc.issuer, idp.issuer);
  assert.equal(doc.jwks_uri, `${idp.issuer}/jwks`);
  assert.equal(doc.dev_mode, true);
  const verifier = new OidcVerifier({ issuers: [idp.issuerConfig()], clock });
  await verifier.verify(await idp.issueIdToken('erin'));
  assert.throws(() => new DevIdentityProvider({ baseUrl: 'ftp://x', clock }), /base URL/);
});
