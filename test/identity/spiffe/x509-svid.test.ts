import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { DevCa } from '../../../src/identity/spiffe/dev-ca.ts';
import { TrustBundleSet } from '../../../src/identity/spiffe/trust-bundles.ts';
import { readCertificateFacts } from '../../../src/identity/spiffe/x509-facts.ts';
import { verifyX509Svid } from '../../../src/identity/spiffe/x509-svid.ts';
import type { ManualClock } from '../../../src/common/clock.ts';
import type { Store } from '../../../src/store/store.ts';
import { keyIdentifier } from '../../../src/identity/spiffe/x509-issue.ts';
import { ecKeyPair, makeLeaf, makeTestCa, nodeSigner, openDevCa, openSpiffeStore, type TestCa } from './helpers.ts';

let store: Store;
let devCa: DevCa;
let clock: ManualClock;
let acmeCa: TestCa;
let bundles: TrustBundleSet;
const now = new Date('2026-06-01T00:00:00Z');

before(async () => {
  store = await openSpiffeStore();
  ({ devCa, clock } = await openDevCa(store, { now }));
  acmeCa = await makeTestCa('acme root', now);
  bundles = new TrustBundleSet([
    devCa.bundle(),
    { trustDomain: 'acme.example', x509Authorities: [acmeCa.cert], jwtAuthorities: new Map(), dev: false },
  ]);
});
after(async () => {
  await store?.close();
});

const raw = (...certs: X509Certificate[]) => certs.map((c) => new Uint8Array(c.raw));

test('an X.509-SVID minted by the dev CA verifies; its facts follow the SPIFFE profile', async () => {
  const { publicKey } = ecKeyPair();
  const { certificate, bundle, expiresAt } = await devCa.mintX509Svid({ spiffeId: 'spiffe://writ.dev/ci/deploy', publicKey, ttlSeconds: 600 });
  assert.deepEqual(verifyX509Svid(raw(certificate), bundles, clock.now()), {
    ok: true,
    spiffeId: { id: 'spiffe://writ.dev/ci/deploy', trustDomain: 'writ.dev', path: '/ci/deploy' },
  });
  const facts = readCertificateFacts(certificate.raw);
  assert.deepEqual([facts.ca, facts.keyUsage, facts.uris], [false, [0], ['spiffe://writ.dev/ci/deploy']]);
  assert.equal(expiresAt.toISOString(), '2026-06-01T00:10:00.000Z');
  assert.equal(new Date(certificate.validTo).toISOString(), expiresAt.toISOString());
  assert.equal(bundle.length, 1);
  assert.deepEqual(readCertificateFacts((bundle[0] as X509Certificate).raw).uris, ['spiffe://writ.dev']);
  assert.ok(certificate.checkIssued(bundle[0] as X509Certificate));
  // The chain may also carry the CA itself.
  assert.equal(verifyX509Svid(raw(certificate, bundle[0] as X509Certificate), bundles, clock.now()).ok, true);
});

test('validity is checked against the injected clock: expired and not yet valid', async () => {
  const { certificate } = await devCa.mintX509Svid({ spiffeId: 'spiffe://writ.dev/ci/deploy', publicKey: ecKeyPair().publicKey, ttlSeconds: 60 });
  const at = (ms: number) => new Date(now.getTime() + ms);
  assert.equal(verifyX509Svid(raw(certificate), bundles, at(59_000)).ok, true);
  assert.deepEqual(verifyX509Svid(raw(certificate), bundles, at(61_000)), { ok: false, reason: 'EXPIRED' });
  assert.deepEqual(verifyX509Svid(raw(certificate), bundles, at(-61_000)), { ok: false, reason: 'NOT_YET_VALID' });
});

test('a leaf from a second CA that is not in the bundle is UNTRUSTED, even for the same names', async () => {
  const rogue = await makeTestCa('acme root', now); // same subject name as the trusted one
  const { cert } = await makeLeaf(rogue, now, { uris: ['spiffe://acme.example/ci/deploy'] });
  assert.deepEqual(verifyX509Svid(raw(cert), bundles, now), { ok: false, reason: 'UNTRUSTED' });
  const devLike = await makeLeaf(rogue, now, { uris: ['spiffe://writ.dev/ci/deploy'] });
  assert.deepEqual(verifyX509Svid(raw(devLike.cert), bundles, now), { ok: false, reason: 'UNTRUSTED' });
  // The genuine CA's leaf passes.
  assert.equal(verifyX509Svid(raw((await makeLeaf(acmeCa, now)).cert), bundles, now).ok, true);
});

test('wrong trust domain: a CA signs only for its own trust domain; unknown domains are refused', async () => {
  const crossed = await makeLeaf(acmeCa, now, { uris: ['spiffe://writ.dev/ci/deploy'] });
  assert.deepEqual(verifyX509Svid(raw(crossed.cert), bundles, now), { ok: false, reason: 'UNTRUSTED' });
  const unknown = await makeLeaf(acmeCa, now, { uris: ['spiffe://other.example/ci/deploy'] });
  assert.deepEqual(verifyX509Svid(raw(unknown.cert), bundles, now), { ok: false, reason: 'UNKNOWN_TRUST_DOMAIN' });
  await assert.rejects(devCa.mintX509Svid({ spiffeId: 'spiffe://acme.example/x', publicKey: ecKeyPair().publicKey, ttlSeconds: 60 }), { code: 'BAD_REQUEST', reason: 'TRUST_DOMAIN_MISMATCH' });
});

test('leaf profile: CA as leaf, two URI SANs, no URI SAN, bad SPIFFE ID, key usage', async () => {
  const cases: Array<[string, Parameters<typeof makeLeaf>[2]]> = [
    ['LEAF_IS_CA', { ca: true, keyUsage: ['digitalSignature', 'keyCertSign'] }],
    ['MULTIPLE_URI_SANS', { uris: ['spiffe://acme.example/a', 'spiffe://acme.example/b'] }],
    ['NO_URI_SAN', { uris: [], dnsNames: ['deploy.acme.example'] }],
    ['INVALID_SPIFFE_ID', { uris: ['spiffe://acme.example/a/'] }],
    ['INVALID_SPIFFE_ID', { uris: ['https://acme.example/a'] }],
    ['LEAF_KEY_USAGE', { keyUsage: ['digitalSignature', 'keyCertSign'] }],
    ['LEAF_KEY_USAGE', { keyUsage: ['digitalSignature', 'cRLSign'] }],
    ['LEAF_KEY_USAGE', { keyUsage: ['keyEncipherment'] }],
  ];
  for (const [reason, overrides] of cases) {
    const { cert } = await makeLeaf(acmeCa, now, overrides);
    assert.deepEqual(verifyX509Svid(raw(cert), bundles, now), { ok: false, reason }, reason);
  }
  // A DNS SAN next to the one URI SAN is fine.
  assert.equal(verifyX509Svid(raw((await makeLeaf(acmeCa, now, { dnsNames: ['x.acme.example'] })).cert), bundles, now).ok, true);
});

test('intermediates: a presented CA intermediate links the leaf to the root; pathLen and CA flags are honoured', async () => {
  const root = await makeTestCa('td root', now, { pathLen: 1 });
  const inter = await makeTestCa('td intermediate', now, { issuer: root, pathLen: 0, trustDomain: 'td.example' });
  const set = new TrustBundleSet([{ trustDomain: 'td.example', x509Authorities: [root.cert], jwtAuthorities: new Map(), dev: false }]);
  const leaf = await makeLeaf(inter, now, { uris: ['spiffe://td.example/svc'] });
  assert.equal(verifyX509Svid(raw(leaf.cert, inter.cert), set, now).ok, true);
  assert.deepEqual(verifyX509Svid(raw(leaf.cert), set, now), { ok: false, reason: 'UNTRUSTED' });

  // Root pathLen 0 forbids any intermediate.
  const strictRoot = await makeTestCa('strict root', now, { pathLen: 0 });
  const strictInter = await makeTestCa('strict intermediate', now, { issuer: strictRoot });
  const strictSet = new TrustBundleSet([{ trustDomain: 'td.example', x509Authorities: [strictRoot.cert], jwtAuthorities: new Map(), dev: false }]);
  const strictLeaf = await makeLeaf(strictInter, now, { uris: ['spiffe://td.example/svc'] });
  assert.deepEqual(verifyX509Svid(raw(strictLeaf.cert, strictInter.cert), strictSet, now), { ok: false, reason: 'UNTRUSTED' });

  // A non-CA "intermediate" (a leaf signing a leaf) does not link.
  const fakeLeafKey = await makeLeaf(root, now, { uris: ['spiffe://td.example/signer'] });
  const signerAsCa: TestCa = { ...inter, cert: fakeLeafKey.cert, privateKey: fakeLeafKey.privateKey, publicKey: fakeLeafKey.cert.publicKey, issuer: { name: { organization: 'Writ test SVID' }, keyId: keyIdentifier(fakeLeafKey.cert.publicKey), sign: nodeSigner(fakeLeafKey.privateKey) } };
  const grandchild = await makeLeaf(signerAsCa, now, { uris: ['spiffe://td.example/svc'] });
  assert.deepEqual(verifyX509Svid(raw(grandchild.cert, fakeLeafKey.cert), set, now), { ok: false, reason: 'UNTRUSTED' });

  // An intermediate naming another trust domain does not link.
  const foreignInter = await makeTestCa('foreign intermediate', now, { issuer: root, trustDomain: 'elsewhere.example' });
  const viaForeign = await makeLeaf(foreignInter, now, { uris: ['spiffe://td.example/svc'] });
  assert.deepEqual(verifyX509Svid(raw(viaForeign.cert, foreignInter.cert), set, now), { ok: false, reason: 'UNTRUSTED' });
});

test('an expired intermediate or root reports the time failure', async () => {
  const root = await makeTestCa('root', now);
  const inter = await makeTestCa('inter', now, { issuer: root });
  const set = new TrustBundleSet([{ trustDomain: 'td.example', x509Authorities: [root.cert], jwtAuthorities: new Map(), dev: false }]);
  const later = new Date(now.getTime() + 366 * 86_400_000);
  const leaf = await makeLeaf(inter, later, { uris: ['spiffe://td.example/svc'] });
  assert.deepEqual(verifyX509Svid(raw(leaf.cert, inter.cert), set, later), { ok: false, reason: 'EXPIRED' });
});

test('malformed input and limits', () => {
  assert.deepEqual(verifyX509Svid([], bundles, now), { ok: false, reason: 'MALFORMED' });
  assert.deepEqual(verifyX509Svid([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], bundles, now), { ok: false, reason: 'MALFORMED' });
  assert.deepEqual(verifyX509Svid(Array.from({ length: 9 }, () => new Uint8Array(acmeCa.cert.raw)), bundles, now), { ok: false, reason: 'CHAIN_TOO_LONG' });
});

test('property: random bytes and single-byte corruptions of a valid SVID never verify and never throw', async () => {
  const { certificate } = await devCa.mintX509Svid({ spiffeId: 'spiffe://writ.dev/ci/deploy', publicKey: ecKeyPair().publicKey, ttlSeconds: 600 });
  const good = new Uint8Array(certificate.raw);
  assert.equal(verifyX509Svid([good], bundles, now).ok, true);
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 3 }), (chain) => !verifyX509Svid(chain, bundles, now).ok),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
      const bad = Uint8Array.from(good);
      bad[at] = (bad[at] as number) ^ xor;
      return !verifyX509Svid([bad], bundles, now).ok;
    }),
    { numRuns: 400 },
  );
});
