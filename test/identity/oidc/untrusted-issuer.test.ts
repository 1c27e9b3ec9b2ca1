import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/common/clock.ts';
import { DevIdentityProvider } from '../../../src/identity/dev-idp/dev-identity-provider.ts';
import { OidcVerifier } from '../../../src/identity/oidc/verifier.ts';
import { startTestIdp, type TestIdp } from '../../harness/oidc-idp.ts';
import { assertRejects, countingFetch } from '../helpers.ts';

// A real provider that Writ does NOT trust; the verifier trusts another issuer only.
let stranger: TestIdp;
before(async () => {
  stranger = await startTestIdp({ users: { eve: { groups: ['admin', 'security-officer'] } }, clientId: 'writ-dev' });
});
after(async () => {
  await stranger?.close();
});

test('a real token from an issuer that is not configured is UNTRUSTED_ISSUER, and its keys are never fetched', async () => {
  const clock = new ManualClock(new Date());
  const trusted = new DevIdentityProvider({ baseUrl: 'http://127.0.0.1:1', clock });
  const counter = countingFetch();
  const verifier = new OidcVerifier({ issuers: [trusted.issuerConfig()], clock, fetch: counter.fetch });
  const token = await stranger.idTokenFor('eve', { nonce: 'n' });
  const before = stranger.keyRequests();

  await assertRejects(verifier.verify(token, { expectedNonce: 'n' }), 'IDENTITY_INVALID', 'UNTRUSTED_ISSUER');
  assert.deepEqual(counter.urls, []);
  assert.deepEqual(stranger.keyRequests(), before, 'the untrusted IdP was not contacted');
});

test('issuer matching is exact: a trailing slash is another issuer', async () => {
  const clock = new ManualClock(new Date());
  const counter = countingFetch();
  const verifier = new OidcVerifier({
    issuers: [{ issuer: `${stranger.issuer}/`, audience: ['writ-dev'] }],
    clock,
    fetch: counter.fetch,
  });
  await assertRejects(verifier.verify(await stranger.idTokenFor('eve', { nonce: 'n' })), 'IDENTITY_INVALID', 'UNTRUSTED_ISSUER');
  assert.deepEqual(counter.urls, []);
  // The same provider, configured exactly, is trusted.
  verifier.addIssuer(stranger.issuerConfig());
  const { identity } = await verifier.verify(await stranger.idTokenFor('eve', { nonce: 'n' }));
  assert.deepEqual(identity.roles, ['admin', 'security_officer']);
});
