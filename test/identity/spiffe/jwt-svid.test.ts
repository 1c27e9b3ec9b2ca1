import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { SignJWT, type JWK } from 'jose';
import type { DevCa } from '../../../src/identity/spiffe/dev-ca.ts';
import { verifyJwtSvid } from '../../../src/identity/spiffe/jwt-svid.ts';
import { parseJwtBundle, TrustBundleSet } from '../../../src/identity/spiffe/trust-bundles.ts';
import type { Store } from '../../../src/store/store.ts';
import { openDevCa, openSpiffeStore } from './helpers.ts';

let store: Store;
let devCa: DevCa;
let bundles: TrustBundleSet;
const now = new Date('2026-06-01T00:00:00Z');
const nowS = now.getTime() / 1000;
const audience = 'writ-gateway';

const acmeEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const acmeRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const pub = (k: KeyObject, kid: string) => ({ ...(k.export({ format: 'jwk' }) as JWK), kid });

before(async () => {
  store = await openSpiffeStore();
  ({ devCa } = await openDevCa(store, { now }));
  const acme = parseJwtBundle(JSON.stringify({ keys: [pub(acmeEc.publicKey, 'ec-1'), { ...pub(acmeRsa.publicKey, 'rsa-1'), use: 'jwt-svid' }] }), 'acme jwks');
  bundles = new TrustBundleSet([
    devCa.bundle(),
    { trustDomain: 'acme.example', x509Authorities: [], jwtAuthorities: new Map(acme.jwt.map((a) => [a.kid, a])), dev: false },
  ]);
});
after(async () => {
  await store?.close();
});

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { sub: 'spiffe://acme.example/ci/deploy', aud: audience, exp: nowS + 300, iat: nowS };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

async function signed(alg: string, key: KeyObject, header: Record<string, unknown>, body: Record<string, unknown> = claims()): Promise<string> {
  return new SignJWT(body).setProtectedHeader({ alg, ...header }).sign(key);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const verify = (token: string, aud = audience, at = now) => verifyJwtSvid(token, bundles, { audience: aud, now: at });

test('a JWT-SVID minted by the dev CA verifies for its audience', async () => {
  const { token, expiresAt } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/ci/deploy', audience: [audience], ttlSeconds: 300 });
  const r = await verify(token);
  assert.ok(r.ok);
  assert.deepEqual(r.spiffeId, { id: 'spiffe://writ.dev/ci/deploy', trustDomain: 'writ.dev', path: '/ci/deploy' });
  assert.equal(r.claims.exp, expiresAt.getTime() / 1000);
  const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString());
  assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
  assert.equal(header.alg, 'ES256');
});

test('RS256, PS256 and ES256 from a configured JWKS verify; the key type must fit the alg', async () => {
  for (const [alg, key, kid] of [['ES256', acmeEc.privateKey, 'ec-1'], ['RS256', acmeRsa.privateKey, 'rsa-1'], ['PS256', acmeRsa.privateKey, 'rsa-1'], ['RS512', acmeRsa.privateKey, 'rsa-1']] as const) {
    assert.equal((await verify(await signed(alg, key, { kid }))).ok, true, alg);
  }
  // An RSA signature announced under the EC key's kid.
  assert.deepEqual(await verify(await signed('RS256', acmeRsa.privateKey, { kid: 'ec-1' })), { ok: false, reason: 'ALG_NOT_ALLOWED' });
  // ES384 needs P-384.
  const fake = `${b64({ alg: 'ES384', kid: 'ec-1' })}.${b64(claims())}.${Buffer.alloc(96).toString('base64url')}`;
  assert.deepEqual(await verify(fake), { ok: false, reason: 'ALG_NOT_ALLOWED' });
});

test('audience: required, and must contain ours', async () => {
  assert.deepEqual(await verify((await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/x', audience: ['someone-else'], ttlSeconds: 60 })).token), { ok: false, reason: 'AUDIENCE_MISMATCH' });
  assert.equal((await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ aud: ['other', audience] })))).ok, true);
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ aud: undefined }))), { ok: false, reason: 'AUDIENCE_MISSING' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ aud: [] }))), { ok: false, reason: 'MALFORMED' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ aud: 42 }))), { ok: false, reason: 'MALFORMED' });
});

test('exp is required and checked with the injected clock (30 s skew); nbf / iat not in the future', async () => {
  const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/x', audience: [audience], ttlSeconds: 60 });
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  assert.equal((await verify(token, audience, at(89))).ok, true);
  assert.deepEqual(await verify(token, audience, at(90)), { ok: false, reason: 'EXPIRED' });
  assert.deepEqual(await verify(token, audience, at(3600)), { ok: false, reason: 'EXPIRED' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ exp: undefined }))), { ok: false, reason: 'EXPIRY_MISSING' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ exp: 'soon' }))), { ok: false, reason: 'MALFORMED' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ nbf: nowS + 120 }))), { ok: false, reason: 'NOT_YET_VALID' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ iat: nowS + 120 }))), { ok: false, reason: 'NOT_YET_VALID' });
});

test('algorithm allowlist: HS256 keyed with the public key, alg none, EdDSA are refused', async () => {
  const publicPem = acmeEc.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const input = `${b64({ alg: 'HS256', kid: 'ec-1', typ: 'JWT' })}.${b64(claims())}`;
  const hs = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
  assert.deepEqual(await verify(hs), { ok: false, reason: 'ALG_NOT_ALLOWED' });
  const jwkText = JSON.stringify(pub(acmeEc.publicKey, 'ec-1'));
  const hs2 = `${input}.${createHmac('sha256', jwkText).update(input).digest('base64url')}`;
  assert.deepEqual(await verify(hs2), { ok: false, reason: 'ALG_NOT_ALLOWED' });

  const none = `${b64({ alg: 'none', kid: 'ec-1' })}.${b64(claims())}.`;
  assert.deepEqual(await verify(none), { ok: false, reason: 'MALFORMED' });
  const noneWithSig = `${b64({ alg: 'none', kid: 'ec-1' })}.${b64(claims())}.AAAA`;
  assert.deepEqual(await verify(noneWithSig), { ok: false, reason: 'ALG_NOT_ALLOWED' });

  assert.deepEqual(await verify(await signed('EdDSA', ed.privateKey, { kid: 'ec-1' })), { ok: false, reason: 'ALG_NOT_ALLOWED' });
  // Even with the Ed25519 key published in the bundle, configuring it is refused.
  assert.throws(() => parseJwtBundle(JSON.stringify({ keys: [pub(ed.publicKey, 'ed-1')] }), 'x'), /kty "OKP"/);
});

test('kid: missing, unknown; signature by another key; typ', async () => {
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, {})), { ok: false, reason: 'KID_MISSING' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'nope' })), { ok: false, reason: 'KID_UNKNOWN' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.deepEqual(await verify(await signed('ES256', other.privateKey, { kid: 'ec-1' })), { ok: false, reason: 'SIGNATURE' });
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1', typ: 'at+jwt' })), { ok: false, reason: 'TYP' });
  assert.equal((await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1', typ: 'JOSE' }))).ok, true);
});

test('sub: must be a SPIFFE ID, of a trust domain whose bundle holds the kid', async () => {
  for (const sub of ['acme', 'https://acme.example/ci', 'spiffe://acme.example/ci/', 'SPIFFE://acme.example/ci', undefined, 7]) {
    assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ sub }))), { ok: false, reason: 'SUBJECT_INVALID' }, String(sub));
  }
  // Signed by acme's key, claiming a writ.dev identity: writ.dev's bundle does not hold acme's kid.
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ sub: 'spiffe://writ.dev/ci/deploy' }))), { ok: false, reason: 'KID_UNKNOWN' });
  // And a trust domain with no bundle at all.
  assert.deepEqual(await verify(await signed('ES256', acmeEc.privateKey, { kid: 'ec-1' }, claims({ sub: 'spiffe://other.example/x' }))), { ok: false, reason: 'UNKNOWN_TRUST_DOMAIN' });
});

test('property: garbage tokens and corrupted genuine tokens never verify and never throw', async () => {
  const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/ci/deploy', audience: [audience], ttlSeconds: 300 });
  assert.equal((await verify(token)).ok, true);
  const b64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 120 });
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.tuple(b64url, b64url, b64url).map((p) => p.join('.')),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
        fc.tuple(fc.jsonValue(), fc.jsonValue(), b64url).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${s}`),
      ),
      async (t) => !(await verify(t)).ok,
    ),
    { numRuns: 400 },
  );
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), async (at, ch) => {
      fc.pre(token[at] !== '.' && token[at] !== ch);
      const bad = token.slice(0, at) + ch + token.slice(at + 1);
      // base64url's last character carries unused bits: a change there may decode to the same bytes.
      const sameBytes = token.split('.').every((part, i) => Buffer.from(part, 'base64url').equals(Buffer.from(bad.split('.')[i] as string, 'base64url')));
      return sameBytes || !(await verify(bad)).ok;
    }),
    { numRuns: 300 },
  );
});
