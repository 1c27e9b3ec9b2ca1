import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { sql } from 'kysely';
import { openTestStore } from '../../harness/test-store.ts';
import { ManualClock } from '../../../src/common/clock.ts';
import { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import type { Store } from '../../../src/store/store.ts';
import type { KeyInfo } from '../../../src/crypto/keyring/keyring.ts';

let store: Store;
const master = randomBytes(32);
const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
let keyring: Keyring;

before(async () => {
  store = await openTestStore();
  keyring = new Keyring({ store, provider: new LocalKeyProvider(master), clock, rotationDays: 30 });
});
after(async () => {
  await store.close();
});

function verifyWith(info: KeyInfo, data: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey({ key: info.publicJwk as never, format: 'jwk' });
  return info.alg === 'EdDSA'
    ? verify(null, data, key, sig)
    : verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
}

test('ensureActiveKey creates one EdDSA key and is idempotent', async () => {
  const a = await keyring.ensureActiveKey('token');
  const b = await keyring.ensureActiveKey('token');
  assert.equal(a.kid, b.kid);
  assert.equal(a.alg, 'EdDSA');
  assert.equal(a.status, 'active');
  assert.match(a.kid, /^[A-Za-z0-9_-]{43}$/, 'kid is a base64url SHA-256 JWK thumbprint');
});

test('the active signer produces signatures its public JWK verifies', async () => {
  const signer = await keyring.activeSigner('token');
  const info = await keyring.get(signer.kid);
  const data = new TextEncoder().encode('writ');
  const sig = await signer.sign(data);
  assert.equal(sig.length, 64);
  assert.ok(verifyWith(info, data, sig));
  assert.ok(!verifyWith(info, new TextEncoder().encode('wrip'), sig));
});

test('rotate makes a new active key, retires the old one, and the JWKS lists both', async () => {
  const before = await keyring.active('token');
  const { created, retired } = await keyring.rotate({ purpose: 'token' });
  assert.equal(retired?.kid, before?.kid);
  assert.equal(retired?.status, 'retired');
  assert.notEqual(created.kid, before?.kid);
  const jwks = await keyring.jwks('token');
  assert.deepEqual(new Set(jwks.keys.map((k) => k.kid)), new Set([created.kid, before?.kid]));
  for (const k of jwks.keys) {
    assert.equal(k.use, 'sig');
    assert.ok(!('d' in k), 'no private part in the JWKS');
  }
});

test('ES256 keys sign in JOSE P1363 form', async () => {
  const { created } = await keyring.rotate({ purpose: 'ledger', alg: 'ES256' });
  const signer = await keyring.activeSigner('ledger');
  assert.equal(signer.kid, created.kid);
  const data = randomBytes(100);
  const sig = await signer.sign(data);
  assert.equal(sig.length, 64);
  assert.ok(verifyWith(created, data, sig));
});

test('revoke removes a key from the JWKS and refuses a second revoke', async () => {
  const active = await keyring.active('token');
  const { created } = await keyring.rotate({ purpose: 'token' });
  const revoked = await keyring.revoke(active!.kid, 'compromised in test');
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.revocationReason, 'compromised in test');
  const jwks = await keyring.jwks('token');
  assert.ok(!jwks.keys.some((k) => k.kid === active!.kid));
  assert.ok(jwks.keys.some((k) => k.kid === created.kid));
  await assert.rejects(keyring.revoke(active!.kid, 'again'), (e) => isWritError(e, 'KEY_STATE_INVALID'));
  await assert.rejects(keyring.revoke('no-such-kid', 'x'), (e) => isWritError(e, 'KEY_NOT_FOUND'));
});

test('rotateIfDue rotates only after the rotation period on the injected clock', async () => {
  const current = await keyring.ensureActiveKey('token');
  clock.set(new Date(Date.parse(current.createdAt) + 29 * 86_400_000));
  assert.equal(await keyring.rotateIfDue('token'), null);
  clock.advance(2 * 86_400_000);
  const rotated = await keyring.rotateIfDue('token');
  assert.ok(rotated);
  assert.notEqual(rotated.kid, current.kid);
  assert.equal((await keyring.get(current.kid)).status, 'retired');
});

test('a keyring with another master key cannot use the stored keys', async () => {
  const other = new Keyring({ store, provider: new LocalKeyProvider(randomBytes(32)), clock });
  await assert.rejects(other.activeSigner('token'), (e) => isWritError(e, 'KEY_DECRYPT_FAILED') && e.message === 'key decryption failed');
});

test('a tampered or moved envelope does not decrypt', async () => {
  const rows = await store.db.selectFrom('keyring_keys').select(['kid', 'private_ref']).where('status', '=', 'active').execute();
  const [a, b] = rows;
  assert.ok(a && b);
  const provider = new LocalKeyProvider(master);
  // moved: a's envelope under b's kid
  await assert.rejects(provider.signer(b.kid, 'EdDSA', a.private_ref), (e) => isWritError(e, 'KEY_DECRYPT_FAILED'));
  // tampered: one ciphertext character changed
  const parts = a.private_ref.split('.');
  const ct = parts[2]!;
  parts[2] = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
  await assert.rejects(provider.signer(a.kid, 'EdDSA', parts.join('.')), (e) => isWritError(e, 'KEY_DECRYPT_FAILED'));
});

test('concurrent rotations leave exactly one active key', async () => {
  await Promise.allSettled(Array.from({ length: 4 }, () => keyring.rotate({ purpose: 'token' })));
  const n = await sql<{ n: number }>`select count(*)::int as n from keyring_keys where purpose = 'token' and status = 'active'`.execute(store.db);
  assert.equal(n.rows[0]?.n, 1);
});
