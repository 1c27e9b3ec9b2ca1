import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { ManualClock } from '../../../src/common/clock.ts';
import { OidcVerifier } from '../../../src/identity/oidc/verifier.ts';
import { privilegeLevel } from '../../../src/identity/roles.ts';
import { startTestIdp, type TestIdp } from '../../harness/oidc-idp.ts';
import { assertRejects, b64, countingFetch } from '../helpers.ts';

// One real OpenID Provider for this file; tokens come out of a real authorization-code flow.
let idp: TestIdp;
// oidc-provider signs with real time, so the injected clock starts at real time and only moves when told.
const realNow = () => new ManualClock(new Date());

before(async () => {
  idp = await startTestIdp({
    users: {
      alice: { groups: ['platform-security', 'approver'], name: 'Alice' },
      dave: { groups: ['security-officer', 'platform-security'] },
      erin: { groups: ['executive'] },
      mallory: { groups: [] },
    },
  });
});
after(async () => {
  await idp?.close();
});

function verifierFor(clock: ManualClock, extra: { audience?: string[]; jwksCacheMs?: number } = {}) {
  const counter = countingFetch();
  const verifier = new OidcVerifier({
    issuers: [{ ...idp.issuerConfig(), ...(extra.audience ? { audience: extra.audience } : {}) }],
    clock,
    fetch: counter.fetch,
    ...(extra.jwksCacheMs ? { jwksCacheMs: extra.jwksCacheMs } : {}),
  });
  return { verifier, urls: counter.urls, jwksFetches: () => counter.urls.filter((u) => u.endsWith('/jwks')).length };
}

/** A token with a trusted iss and valid times, signed by a key the IdP never published. */
async function bogusKidToken(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ nonce: 'n' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(idp.issuer).setSubject('alice').setAudience(idp.clientId).setIssuedAt(now).setExpirationTime(now + 300)
    .sign(privateKey);
}

test('a real ID token verifies: identity with groups and roles, claims, token hash', async () => {
  const { verifier } = verifierFor(realNow());
  const token = await idp.idTokenFor('alice', { nonce: 'nonce-alice-1' });
  const verified = await verifier.verify(token, { expectedNonce: 'nonce-alice-1' });
  assert.deepEqual(verified.identity, {
    iss: idp.issuer, sub: 'alice', name: 'Alice', email: 'alice@idp.test',
    groups: ['platform-security', 'approver'], roles: ['approver'],
  });
  assert.equal(verified.claims.nonce, 'nonce-alice-1');
  assert.equal(verified.token_hash, `sha256:${createHash('sha256').update(token).digest('hex')}`);
  assert.equal(privilegeLevel(verified.identity), null);

  const dave = await verifier.verify(await idp.idTokenFor('dave', { nonce: 'n-dave' }));
  assert.deepEqual(dave.identity.roles, ['security_officer']);
  assert.equal(privilegeLevel(dave.identity), 'L4');
  const erin = await verifier.verify(await idp.idTokenFor('erin', { nonce: 'n-erin' }));
  assert.equal(privilegeLevel(erin.identity), 'L5');
  const mallory = await verifier.verify(await idp.idTokenFor('mallory', { nonce: 'n-m' }));
  assert.deepEqual(mallory.identity.groups, []);
  assert.deepEqual(mallory.identity.roles, []);
});

test('keys are discovered once and then served from the cache until it expires', async () => {
  const clock = realNow();
  const { verifier, urls, jwksFetches } = verifierFor(clock, { jwksCacheMs: 60_000 });
  const token = await idp.idTokenFor('alice', { nonce: 'n' });
  await verifier.verify(token);
  await verifier.verify(token);
  assert.deepEqual(urls, [`${idp.issuer}/.well-known/openid-configuration`, `${idp.issuer}/jwks`]);
  clock.advance(60_001);
  await verifier.verify(token);
  assert.equal(jwksFetches(), 2, 'an expired cache is refreshed');
  assert.equal(urls.filter((u) => u.includes('openid-configuration')).length, 1, 'discovery is not repeated');
});

test('a token for another client is AUDIENCE_MISMATCH', async () => {
  const { verifier } = verifierFor(realNow(), { audience: ['some-other-client'] });
  const token = await idp.idTokenFor('alice', { nonce: 'n' });
  await assertRejects(verifier.verify(token), 'IDENTITY_INVALID', 'AUDIENCE_MISMATCH');
});

test('exp is judged by the injected clock with 30 s of skew: EXPIRED after that', async () => {
  const clock = realNow();
  const { verifier } = verifierFor(clock);
  const token = await idp.idTokenFor('alice', { nonce: 'n' });
  const { exp } = decodeJwt(token);
  clock.set(new Date(((exp as number) + 29) * 1000));
  await verifier.verify(token); // within skew
  clock.set(new Date(((exp as number) + 31) * 1000));
  await assertRejects(verifier.verify(token), 'IDENTITY_INVALID', 'EXPIRED');
});

test('a token issued in the future of the injected clock is NOT_YET_VALID', async () => {
  const clock = realNow();
  const { verifier } = verifierFor(clock);
  const token = await idp.idTokenFor('alice', { nonce: 'n' });
  clock.set(new Date(((decodeJwt(token).iat as number) - 31) * 1000));
  await assertRejects(verifier.verify(token), 'IDENTITY_INVALID', 'NOT_YET_VALID');
  clock.set(new Date(((decodeJwt(token).iat as number) - 29) * 1000));
  await verifier.verify(token);
});

test('the nonce must equal the expected one when one is expected', async () => {
  const { verifier } = verifierFor(realNow());
  const token = await idp.idTokenFor('alice', { nonce: 'sha256:aaaa' });
  await assertRejects(verifier.verify(token, { expectedNonce: 'sha256:bbbb' }), 'IDENTITY_INVALID', 'NONCE_MISMATCH');
  await assertRejects(verifier.verify(token, { expectedNonce: 'sha256:aaa' }), 'IDENTITY_INVALID', 'NONCE_MISMATCH');
  await verifier.verify(token, { expectedNonce: 'sha256:aaaa' });
});

test('a tampered signature or payload is SIGNATURE', async () => {
  const { verifier } = verifierFor(realNow());
  const token = await idp.idTokenFor('mallory', { nonce: 'n' });
  const [h, p, s] = token.split('.') as [string, string, string];
  const i = Math.floor(s.length / 2);
  const flipped = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
  await assertRejects(verifier.verify(`${h}.${p}.${flipped}`), 'IDENTITY_INVALID', 'SIGNATURE');
  // Mallory grants herself admin: same signature over a different payload.
  const escalated = b64({ ...decodeJwt(token), groups: ['admin', 'security-officer'] });
  await assertRejects(verifier.verify(`${h}.${escalated}.${s}`), 'IDENTITY_INVALID', 'SIGNATURE');
});

test('alg none and HS256 tokens are refused before any key is fetched', async () => {
  const { verifier, urls } = verifierFor(realNow());
  const real = await idp.idTokenFor('alice', { nonce: 'n' });
  const claims = { ...decodeJwt(real), sub: 'alice', groups: ['admin'] };
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
  await assertRejects(verifier.verify(none), 'IDENTITY_INVALID', 'ALG_NOT_ALLOWED');
  // Classic key confusion: HMAC keyed with the issuer's public key.
  const jwks = await (await fetch(`${idp.issuer}/jwks`)).text();
  const signingInput = `${b64({ alg: 'HS256', kid: decodeProtectedHeader(real).kid })}.${b64(claims)}`;
  const hs = `${signingInput}.${createHmac('sha256', jwks).update(signingInput).digest('base64url')}`;
  await assertRejects(verifier.verify(hs), 'IDENTITY_INVALID', 'ALG_NOT_ALLOWED');
  await assertRejects(verifier.verify('not-a-jwt'), 'IDENTITY_INVALID', 'MALFORMED');
  await assertRejects(verifier.verify(`${b64({ alg: 'RS256' })}.bm90IGpzb24.c2ln`), 'IDENTITY_INVALID', 'MALFORMED');
  assert.deepEqual(urls, [], 'nothing was fetched for an attack token');
});

test('key rotation at the IdP: new tokens verify after one refetch', async () => {
  const clock = realNow();
  const { verifier, jwksFetches } = verifierFor(clock);
  const oldToken = await idp.idTokenFor('alice', { nonce: 'old' });
  await verifier.verify(oldToken);
  assert.equal(jwksFetches(), 1);

  const newKid = await idp.rotateKeys();
  const newToken = await idp.idTokenFor('alice', { nonce: 'new' });
  assert.equal(decodeProtectedHeader(newToken).kid, newKid);
  assert.notEqual(decodeProtectedHeader(oldToken).kid, newKid);

  // Right after the first fetch the cooldown forbids a refetch, even for a real rotation.
  await assertRejects(verifier.verify(newToken), 'IDENTITY_INVALID', 'KID_UNKNOWN');
  assert.equal(jwksFetches(), 1);
  clock.advance(30_000);
  const verified = await verifier.verify(newToken);
  assert.equal(verified.identity.sub, 'alice');
  assert.equal(jwksFetches(), 2, 'exactly one refetch');
  // The old key left the JWKS: its tokens no longer verify, and asking again does not refetch.
  await assertRejects(verifier.verify(oldToken), 'IDENTITY_INVALID', 'KID_UNKNOWN');
  assert.equal(jwksFetches(), 2);
});

test('a stream of unknown kids refetches at most once per cooldown', async () => {
  const clock = realNow();
  const { verifier, jwksFetches } = verifierFor(clock);
  await verifier.verify(await idp.idTokenFor('alice', { nonce: 'n' }));
  const served = idp.keyRequests().jwks;
  assert.equal(jwksFetches(), 1);

  clock.advance(31_000);
  const bogus = await Promise.all(Array.from({ length: 6 }, (_, i) => bogusKidToken(`bogus-${i}`)));
  await Promise.all(bogus.slice(0, 3).map((t) => assertRejects(verifier.verify(t), 'IDENTITY_INVALID', 'KID_UNKNOWN')));
  for (const t of bogus.slice(3)) await assertRejects(verifier.verify(t), 'IDENTITY_INVALID', 'KID_UNKNOWN');
  assert.equal(jwksFetches(), 2, 'one refetch for six unknown kids');

  clock.advance(10_000);
  await assertRejects(verifier.verify(bogus[0] as string), 'IDENTITY_INVALID', 'KID_UNKNOWN');
  assert.equal(jwksFetches(), 2, 'still within the cooldown');
  clock.advance(21_000);
  for (const t of bogus) await assertRejects(verifier.verify(t), 'IDENTITY_INVALID', 'KID_UNKNOWN');
  assert.equal(jwksFetches(), 3, 'one more after the cooldown');
  assert.equal(idp.keyRequests().jwks - served, 2, 'the IdP saw exactly the refetches');
});

test('IdP down: IDENTITY_UNAVAILABLE without cached keys; cached keys keep working until they expire', async () => {
  const clock = realNow();
  const warm = verifierFor(clock, { jwksCacheMs: 60_000 });
  const token = await idp.idTokenFor('alice', { nonce: 'n' });
  await warm.verifier.verify(token);

  await idp.close();
  const cold = verifierFor(clock);
  await assertRejects(cold.verifier.verify(token), 'IDENTITY_UNAVAILABLE', 'JWKS_UNAVAILABLE');
  assert.equal((await warm.verifier.verify(token)).identity.sub, 'alice');
  clock.advance(60_000);
  await assertRejects(warm.verifier.verify(token), 'IDENTITY_UNAVAILABLE', 'JWKS_UNAVAILABLE');
});
