import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { DevCa } from '../../../src/identity/spiffe/dev-ca.ts';
import { SpiffeWorkloadAuthenticator } from '../../../src/identity/spiffe/spiffe-authenticator.ts';
import { TrustBundleSet } from '../../../src/identity/spiffe/trust-bundles.ts';
import type { PresentedCredentials } from '../../../src/identity/spiffe/workload-authenticator.ts';
import type { Store } from '../../../src/store/store.ts';
import { ecKeyPair, makeLeaf, makeTestCa, openDevCa, openSpiffeStore } from './helpers.ts';

let store: Store;
let devCa: DevCa;
let authenticator: SpiffeWorkloadAuthenticator;
const now = new Date('2026-06-01T00:00:00Z');
const opts = { audience: 'writ-gateway', now };

before(async () => {
  store = await openSpiffeStore();
  ({ devCa } = await openDevCa(store, { now }));
  authenticator = new SpiffeWorkloadAuthenticator({ bundles: new TrustBundleSet([devCa.bundle()]) });
});
after(async () => {
  await store?.close();
});

test('X.509 from the peer chain when present, else a Bearer JWT-SVID', async () => {
  const { certificate } = await devCa.mintX509Svid({ spiffeId: 'spiffe://writ.dev/x509', publicKey: ecKeyPair().publicKey, ttlSeconds: 60 });
  const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/jwt', audience: ['writ-gateway'], ttlSeconds: 60 });
  const chain = [new Uint8Array(certificate.raw)];
  assert.deepEqual(await authenticator.authenticate({ peerCertificateChain: chain }, opts), { ok: true, spiffe_id: 'spiffe://writ.dev/x509', method: 'x509-svid' });
  assert.deepEqual(await authenticator.authenticate({ authorization: `Bearer ${token}` }, opts), { ok: true, spiffe_id: 'spiffe://writ.dev/jwt', method: 'jwt-svid' });
  // The certificate decides when there is one.
  assert.deepEqual(await authenticator.authenticate({ peerCertificateChain: chain, authorization: `Bearer ${token}` }, opts), { ok: true, spiffe_id: 'spiffe://writ.dev/x509', method: 'x509-svid' });
  // An empty chain is no chain.
  assert.deepEqual(await authenticator.authenticate({ peerCertificateChain: [], authorization: `Bearer ${token}` }, opts), { ok: true, spiffe_id: 'spiffe://writ.dev/jwt', method: 'jwt-svid' });
});

test('no credential is SVID_MISSING; every failure is SVID_INVALID with a detail', async () => {
  assert.deepEqual(await authenticator.authenticate({}, opts), { ok: false, reason: 'SVID_MISSING' });
  assert.deepEqual(await authenticator.authenticate({ authorization: '' }, opts), { ok: false, reason: 'SVID_MISSING' });
  assert.deepEqual(await authenticator.authenticate({ authorization: 'Basic dXNlcjpwdw==' }, opts), { ok: false, reason: 'SVID_MISSING', detail: 'jwt:MALFORMED' });
  assert.deepEqual(await authenticator.authenticate({ authorization: 'Bearer' }, opts), { ok: false, reason: 'SVID_INVALID', detail: 'jwt:MALFORMED' });
  assert.deepEqual(await authenticator.authenticate({ authorization: 'Bearer a.b.c' }, opts), { ok: false, reason: 'SVID_INVALID', detail: 'jwt:MALFORMED' });
  const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/jwt', audience: ['elsewhere'], ttlSeconds: 60 });
  assert.deepEqual(await authenticator.authenticate({ authorization: `Bearer ${token}` }, opts), { ok: false, reason: 'SVID_INVALID', detail: 'jwt:AUDIENCE_MISMATCH' });
  const rogue = await makeTestCa('rogue', now);
  const { cert } = await makeLeaf(rogue, now, { uris: ['spiffe://writ.dev/x'] });
  assert.deepEqual(await authenticator.authenticate({ peerCertificateChain: [new Uint8Array(cert.raw)] }, opts), { ok: false, reason: 'SVID_INVALID', detail: 'x509:UNTRUSTED' });
});

test('property: never throws, never ok for garbage, whatever is presented', async () => {
  const presented = fc.record(
    {
      authorization: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => `Bearer ${s}`), fc.constant(undefined)),
      peerCertificateChain: fc.oneof(fc.constant(undefined), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 })),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(presented, async (p) => {
      const r = await authenticator.authenticate(p as PresentedCredentials, opts);
      return !r.ok && (r.reason === 'SVID_MISSING' || r.reason === 'SVID_INVALID');
    }),
    { numRuns: 400 },
  );
  // Hostile shapes too.
  for (const p of [null, 7, { peerCertificateChain: [null] }, { peerCertificateChain: 'x' }, { authorization: 42 }]) {
    const r = await authenticator.authenticate(p as unknown as PresentedCredentials, opts);
    assert.equal(r.ok, false);
  }
});
