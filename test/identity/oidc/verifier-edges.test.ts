// Edge cases and attack shapes that a conforming IdP would not produce, so these
// tokens are made by hand; keys are served by an injected fetch (no network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { ManualClock } from '../../../src/common/clock.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { OidcVerifier } from '../../../src/identity/oidc/verifier.ts';
import type { OidcIssuerConfig } from '../../../src/identity/oidc/issuer-config.ts';
import { assertRejects, countingFetch } from '../helpers.ts';

const ISS = 'https://idp.example.test';
const AUD = 'writ';
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const NOW = Math.floor(clock.now().getTime() / 1000);

const rsa = await generateKeyPair('RS256', { extractable: true });
const rsa2 = await generateKeyPair('RS256', { extractable: true });
const rsaJwk: JWK = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig' };
const rsa2Jwk: JWK = await exportJWK(rsa2.publicKey);

function json(body: unknown, status = 200): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake IdP: discovery + JWKS routes answered from memory. */
function fakeIdp(routes: Record<string, () => Response>) {
  return countingFetch(async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    const route = routes[url];
    if (!route) throw new TypeError(`fetch failed: ${url}`);
    return route();
  });
}

const standardRoutes = (keys: JWK[]) => ({
  [`${ISS}/.well-known/openid-configuration`]: () => json({ issuer: ISS, jwks_uri: `${ISS}/keys` }),
  [`${ISS}/keys`]: () => json({ keys }),
});

function verifierWith(routes: Record<string, () => Response>, config: Partial<OidcIssuerConfig> = {}) {
  const counter = fakeIdp(routes);
  return { verifier: new OidcVerifier({ issuers: [{ issuer: ISS, audience: [AUD], ...config }], clock, fetch: counter.fetch }), urls: counter.urls };
}

async function sign(claims: JWTPayload, header: Record<string, unknown> = { alg: 'RS256', kid: 'rsa-1' }, key: CryptoKey = rsa.privateKey): Promise<string> {
  const body: JWTPayload = { iss: ISS, sub: 'u-1', aud: AUD, iat: NOW, exp: NOW + 300, ...claims };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return new SignJWT(body).setProtectedHeader(header as { alg: string }).sign(key);
}

test('a well-formed token verifies; a configured jwks_uri skips discovery', async () => {
  const { verifier, urls } = verifierWith({ [`${ISS}/jwks-direct`]: () => json({ keys: [rsaJwk] }) }, { jwksUri: `${ISS}/jwks-direct` });
  const { identity } = await verifier.verify(await sign({ groups: ['approver'] }));
  assert.deepEqual(identity.roles, ['approver']);
  assert.deepEqual(urls, [`${ISS}/jwks-direct`]);
});

test('keys that cannot be obtained are IDENTITY_UNAVAILABLE', async () => {
  const token = await sign({});
  const cases: Record<string, () => Response>[] = [
    { ...standardRoutes([rsaJwk]), [`${ISS}/.well-known/openid-configuration`]: () => json({ issuer: 'https://evil.example', jwks_uri: `${ISS}/keys` }) },
    { ...standardRoutes([rsaJwk]), [`${ISS}/.well-known/openid-configuration`]: () => json({ issuer: ISS, jwks_uri: 'http://idp.example.test/keys' }) },
    { ...standardRoutes([rsaJwk]), [`${ISS}/keys`]: () => json({ error: 'x' }, 500) },
    { ...standardRoutes([rsaJwk]), [`${ISS}/keys`]: () => json('<html>') },
    { ...standardRoutes([rsaJwk]), [`${ISS}/keys`]: () => json({ nokeys: [] }) },
    {},
  ];
  for (const routes of cases) {
    await assertRejects(verifierWith(routes).verifier.verify(token), 'IDENTITY_UNAVAILABLE', 'JWKS_UNAVAILABLE');
  }
});

test('claims: azp must be an accepted audience; sub, exp and iat are required; iss is required', async () => {
  const { verifier } = verifierWith(standardRoutes([rsaJwk]));
  await assertRejects(verifier.verify(await sign({ azp: 'other-client' })), 'IDENTITY_INVALID', 'AUDIENCE_MISMATCH');
  await verifier.verify(await sign({ azp: AUD }));
  await assertRejects(verifier.verify(await sign({ aud: ['other', 'another'] })), 'IDENTITY_INVALID', 'AUDIENCE_MISMATCH');
  await verifier.verify(await sign({ aud: ['other', AUD] }));
  await assertRejects(verifier.verify(await sign({ sub: undefined })), 'IDENTITY_INVALID', 'MISSING_CLAIM');
  await assertRejects(verifier.verify(await sign({ exp: undefined })), 'IDENTITY_INVALID', 'MISSING_CLAIM');
  await assertRejects(verifier.verify(await sign({ iat: undefined })), 'IDENTITY_INVALID', 'MISSING_CLAIM');
  await assertRejects(verifier.verify(await sign({ iss: undefined })), 'IDENTITY_INVALID', 'MISSING_CLAIM');
  await assertRejects(verifier.verify(await sign({ nbf: NOW + 120 })), 'IDENTITY_INVALID', 'NOT_YET_VALID');
  await verifier.verify(await sign({})); // no nonce expected, none needed
  await assertRejects(verifier.verify(await sign({}), { expectedNonce: 'x' }), 'IDENTITY_INVALID', 'NONCE_MISMATCH');
});

test('an access token (typ at+jwt) is not an ID token', async () => {
  const { verifier } = verifierWith(standardRoutes([rsaJwk]));
  await assertRejects(verifier.verify(await sign({}, { alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt' })), 'IDENTITY_INVALID', 'MALFORMED');
  await verifier.verify(await sign({}, { alg: 'RS256', kid: 'rsa-1', typ: 'JWT' }));
});

test('groups: a custom claim is read; anything but a list of strings is MALFORMED', async () => {
  const custom = verifierWith(standardRoutes([rsaJwk]), { groupsClaim: 'writ_groups' });
  const { identity } = await custom.verifier.verify(await sign({ writ_groups: ['executive', 'executive'], groups: ['admin'] }));
  assert.deepEqual(identity.groups, ['executive']);
  assert.deepEqual(identity.roles, ['executive']);
  const { verifier } = verifierWith(standardRoutes([rsaJwk]));
  await assertRejects(verifier.verify(await sign({ groups: 'admin' })), 'IDENTITY_INVALID', 'MALFORMED');
  await assertRejects(verifier.verify(await sign({ groups: ['admin', 7] })), 'IDENTITY_INVALID', 'MALFORMED');
});

test('algorithms: the issuer allowlist applies; a key of the wrong type never verifies', async () => {
  const esOnly = verifierWith(standardRoutes([rsaJwk]), { algorithms: ['ES256'] });
  await assertRejects(esOnly.verifier.verify(await sign({})), 'IDENTITY_INVALID', 'ALG_NOT_ALLOWED');
  assert.deepEqual(esOnly.urls, []);
  const es = await generateKeyPair('ES256');
  const { verifier } = verifierWith(standardRoutes([rsaJwk]));
  // ES256 header naming the RSA key's kid: no fitting key.
  await assertRejects(verifier.verify(await sign({}, { alg: 'ES256', kid: 'rsa-1' }, es.privateKey)), 'IDENTITY_INVALID', 'KID_UNKNOWN');
});

test('keys without kid: every fitting key is tried; private members of a JWKS are ignored', async () => {
  const withPrivate: JWK = { ...(await exportJWK(rsa.privateKey)), kid: 'rsa-1' };
  assert.ok(withPrivate.d, 'the published JWK carries a private member');
  const { verifier } = verifierWith(standardRoutes([rsa2Jwk, withPrivate]));
  await verifier.verify(await sign({}, { alg: 'RS256' }));
  await verifier.verify(await sign({}, { alg: 'RS256' }, rsa2.privateKey));
  const other = await generateKeyPair('RS256');
  await assertRejects(verifier.verify(await sign({}, { alg: 'RS256' }, other.privateKey)), 'IDENTITY_INVALID', 'SIGNATURE');
});

test('configuration: never none/HS*, https issuers (http only on loopback), no duplicates', () => {
  const bad = (config: OidcIssuerConfig, pattern: RegExp) => assert.throws(
    () => new OidcVerifier({ issuers: [config], clock }),
    (err: unknown) => isWritError(err, 'CONFIG_INVALID') && pattern.test(err.message),
  );
  bad({ issuer: ISS, audience: [AUD], algorithms: ['HS256'] }, /algorithms/);
  bad({ issuer: ISS, audience: [AUD], algorithms: ['none'] }, /algorithms/);
  bad({ issuer: 'http://idp.example.test', audience: [AUD] }, /issuer: expected an https/);
  bad({ issuer: ISS, audience: [] }, /audience/);
  bad({ issuer: ISS, audience: [AUD], jwksUri: 'http://idp.example.test/keys' }, /jwks_uri/);
  new OidcVerifier({ issuers: [{ issuer: 'http://127.0.0.1:9/x', audience: [AUD] }, { issuer: 'http://localhost:9', audience: [AUD] }], clock });
  const verifier = new OidcVerifier({ issuers: [{ issuer: ISS, audience: [AUD] }], clock });
  assert.throws(() => verifier.addIssuer({ issuer: ISS, audience: ['x'] }), /configured twice/);
  assert.deepEqual(verifier.issuers().map((i) => i.issuer), [ISS]);
});
