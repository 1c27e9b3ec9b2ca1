import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ManualClock } from '../../../src/common/clock.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { DevCa } from '../../../src/identity/spiffe/dev-ca.ts';
import { createSpiffeRuntime } from '../../../src/identity/spiffe/spiffe-runtime.ts';
import { verifyX509Svid } from '../../../src/identity/spiffe/x509-svid.ts';
import type { Store } from '../../../src/store/store.ts';
import { ecKeyPair, openSpiffeStore } from './helpers.ts';

let store: Store;
const now = new Date('2026-06-01T00:00:00Z');
const masterKey = randomBytes(32);

before(async () => {
  store = await openSpiffeStore();
});
after(async () => {
  await store?.close();
});

type Row = { ca_kid: string; trust_domain: string; generation: number; ca_private_ref: string; jwt_private_ref: string; ca_cert_pem: string; jwt_kid: string };
const rows = async (td: string) =>
  (await sql<Row>`select * from spiffe_dev_cas where trust_domain = ${td} order by generation`.execute(store.db as unknown as Kysely<unknown>)).rows;
const open = (td: string, options: { key?: Buffer; clock?: ManualClock; caValidityDays?: number } = {}) =>
  DevCa.open({ store, provider: new LocalKeyProvider(options.key ?? masterKey), clock: options.clock ?? new ManualClock(now), trustDomain: td, ...(options.caValidityDays ? { caValidityDays: options.caValidityDays } : {}) });

test('created on first use, reopened with the same keys; private keys are sealed, never plaintext', async () => {
  const first = await open('home.dev');
  const again = await open('home.dev');
  const fp = (ca: DevCa) => ca.bundle().x509Authorities.map((c) => c.fingerprint256);
  assert.deepEqual(fp(again), fp(first));
  assert.deepEqual([...again.bundle().jwtAuthorities.keys()], [...first.bundle().jwtAuthorities.keys()]);
  const stored = await rows('home.dev');
  assert.equal(stored.length, 1);
  for (const ref of [stored[0]?.ca_private_ref, stored[0]?.jwt_private_ref]) {
    assert.match(ref ?? '', /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(ref ?? '', /PRIVATE KEY|MIG/);
  }
  // An SVID of the first handle verifies against the second's bundle (same CA).
  const { certificate } = await first.mintX509Svid({ spiffeId: 'spiffe://home.dev/a', publicKey: ecKeyPair().publicKey, ttlSeconds: 60 });
  const { TrustBundleSet } = await import('../../../src/identity/spiffe/trust-bundles.ts');
  assert.equal(verifyX509Svid([new Uint8Array(certificate.raw)], new TrustBundleSet([again.bundle()]), now).ok, true);
});

test('another master key cannot open the stored dev CA', async () => {
  await open('sealed.dev');
  await assert.rejects(open('sealed.dev', { key: randomBytes(32) }), { code: 'KEY_DECRYPT_FAILED' });
});

test('two processes opening a new dev CA at once agree on one', async () => {
  const [a, b] = await Promise.all([open('race.dev'), open('race.dev')]);
  assert.equal(a.bundle().x509Authorities[0]?.fingerprint256, b.bundle().x509Authorities[0]?.fingerprint256);
  assert.equal((await rows('race.dev')).length, 1);
});

test('an expired CA is replaced by a new generation; the table is append-only', async () => {
  const clock = new ManualClock(now);
  const g1 = await open('aging.dev', { clock, caValidityDays: 1 });
  clock.advance(2 * 86_400_000);
  const g2 = await open('aging.dev', { clock, caValidityDays: 1 });
  assert.notEqual(g1.bundle().x509Authorities[0]?.fingerprint256, g2.bundle().x509Authorities[0]?.fingerprint256);
  assert.equal(g2.bundle().x509Authorities.length, 1);
  assert.deepEqual((await rows('aging.dev')).map((r) => r.generation), [1, 2]);
  await assert.rejects(sql`update spiffe_dev_cas set trust_domain = 'x' where trust_domain = 'aging.dev'`.execute(store.db as unknown as Kysely<unknown>), /append-only/);
  await assert.rejects(sql`delete from spiffe_dev_cas where trust_domain = 'aging.dev'`.execute(store.db as unknown as Kysely<unknown>), /append-only/);
  // An SVID never outlives its CA.
  const svid = await g2.mintJwtSvid({ spiffeId: 'spiffe://aging.dev/x', audience: ['a'], ttlSeconds: 86_400 });
  assert.ok(svid.expiresAt.getTime() <= new Date(g2.bundle().x509Authorities[0]?.validTo as string).getTime());
});

test('minting refuses bad input with stable reasons', async () => {
  const ca = await open('mint.dev');
  const key = ecKeyPair().publicKey;
  await assert.rejects(ca.mintX509Svid({ spiffeId: 'spiffe://mint.dev/a/', publicKey: key, ttlSeconds: 60 }), { code: 'BAD_REQUEST', reason: 'TRAILING_SLASH' });
  await assert.rejects(ca.mintX509Svid({ spiffeId: 'spiffe://mint.dev/a', publicKey: key, ttlSeconds: 0 }), { code: 'BAD_REQUEST', reason: 'TTL' });
  await assert.rejects(ca.mintJwtSvid({ spiffeId: 'spiffe://mint.dev/a', audience: ['a'], ttlSeconds: 86_401 }), { code: 'BAD_REQUEST', reason: 'TTL' });
  await assert.rejects(ca.mintJwtSvid({ spiffeId: 'spiffe://mint.dev/a', audience: [], ttlSeconds: 60 }), { code: 'BAD_REQUEST', reason: 'AUDIENCE' });
  await assert.rejects(ca.mintX509Svid({ spiffeId: 'spiffe://mint.dev/a', publicKey: ecKeyPair().privateKey, ttlSeconds: 60 }), { code: 'BAD_REQUEST', reason: 'PUBLIC_KEY' });
  await assert.rejects(DevCa.open({ store, provider: new LocalKeyProvider(masterKey), clock: new ManualClock(now), trustDomain: 'Bad' }), { code: 'CONFIG_INVALID' });
});

test('runtime: the dev bundle is published next to configured ones; production refuses the dev CA', async () => {
  const spiffe = { audience: 'writ-gateway', trustDomains: [], devCa: true, devTrustDomain: 'rt.dev' };
  const rt = await createSpiffeRuntime({ config: { mode: 'dev', spiffe }, store, clock: new ManualClock(now), keyProvider: new LocalKeyProvider(masterKey) });
  assert.deepEqual(rt.bundles.all().map((b) => [b.trustDomain, b.dev]), [['rt.dev', true]]);
  assert.equal(rt.devCa?.trustDomain, 'rt.dev');
  await assert.rejects(
    createSpiffeRuntime({ config: { mode: 'production', spiffe }, store, clock: new ManualClock(now), keyProvider: new LocalKeyProvider(masterKey) }),
    { code: 'CONFIG_INVALID', message: /production refuses/ },
  );
  const off = await createSpiffeRuntime({ config: { mode: 'production', spiffe: { ...spiffe, devCa: false } }, store, clock: new ManualClock(now), keyProvider: new LocalKeyProvider(masterKey) });
  assert.deepEqual([off.devCa, off.bundles.all().length], [undefined, 0]);
});
