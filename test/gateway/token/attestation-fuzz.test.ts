/**
 * Attacks on attestation tokens and on the authorize_execution body: no crash, no
 * ALLOW. Hand-made attack tokens (alg none, HS256 keyed with the public key, kid
 * mismatch, truncation, oversize, unicode look-alikes) and fast-check mutations of a
 * valid token and of the whole request body.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { cryptoIdSource } from '../../../src/common/ids.ts';
import { signCompactJws } from '../../../src/crypto/jws/sign-compact.ts';
import { submitIntent } from '../../../src/engine/decisions/submit-intent.ts';
import { ATTESTATION_TOKEN_TYP, attestationClaims } from '../../../src/engine/tokens/claims.ts';
import { authorizeExecution } from '../../../src/gateway/authorize/authorize-execution.ts';
import type { GatewayDeps } from '../../../src/gateway/gateway-deps.ts';
import { AttestationVerifier } from '../../../src/gateway/token/attestation-verifier.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { KeptEvents, SetEpochs, SetRevocations, TestSvids } from '../helpers/ports.ts';

const SPIFFE = 'spiffe://acme.example/ci/deploy-main';
const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'stage' as const, spiffe_id: SPIFFE };
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

let s: TestServer;
let deps: GatewayDeps;
let valid: string;
let decisionHash: string;
let claims: Record<string, unknown>;
let header: Record<string, unknown>;
let publicJwkText: string;

before(async () => {
  s = await startTestServer();
  deps = {
    store: s.store, clock: s.clock, ids: cryptoIdSource, ledger: s.ledger, keyring: s.keyring,
    tokens: new AttestationVerifier(s.keyring), revocations: new SetRevocations(), epochs: new SetEpochs(), workloads: new TestSvids(), events: new KeptEvents(), audience: 'writ-gateway',
  };
  const { decision } = await submitIntent(deps, { action_scope: 'promotion', principal: { type: 'pipeline', id: 'deploy-main' }, resource: { type: 'environment', id: 'payments/stage', attrs: { tier: 'stage' } }, execution_identity: IDENTITY }, 'fuzz');
  decisionHash = decision.decision_hash;
  const signer = await s.keyring.activeSigner('token');
  valid = await signCompactJws(signer, { typ: ATTESTATION_TOKEN_TYP }, attestationClaims({ decision, jti: 'fuzz-jti-0000000000000', kid: signer.kid, issuedAt: Math.floor(s.clock.now().getTime() / 1000), ttlSeconds: 300 }));
  const [h, p] = valid.split('.') as [string, string];
  header = JSON.parse(Buffer.from(h, 'base64url').toString());
  claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  publicJwkText = JSON.stringify((await s.keyring.get(signer.kid)).publicJwk);
});
after(async () => s.close());

const verify = (token: unknown) => deps.tokens.verify(token, s.clock.now());
const body = (token: unknown) => ({ decision_hash: decisionHash, attestation_token: token, action_scope: 'promotion', execution_identity: IDENTITY, requested_at: s.clock.now().toISOString() });
const presented = { authorization: `Bearer test-svid:${SPIFFE}` };

test('the untouched token verifies (so the attacks below are measured against a working verifier)', async () => {
  const r = await verify(valid);
  assert.equal(r.ok, true);
});

test('hand-made attacks are refused with their reason', async () => {
  const [h, p, sig] = valid.split('.') as [string, string, string];
  const cases: Array<[string, string, string]> = [
    ['alg none, no signature', `${b64({ ...header, alg: 'none' })}.${p}.`, 'CLAIMS'],
    ['alg none with a signature', `${b64({ ...header, alg: 'none' })}.${p}.${sig}`, 'ALG'],
    ['HS256 keyed with the public key', (() => { const hh = b64({ ...header, alg: 'HS256' }); return `${hh}.${p}.${createHmac('sha256', publicJwkText).update(`${hh}.${p}`).digest('base64url')}`; })(), 'ALG'],
    ['ES256 header on an EdDSA key', `${b64({ ...header, alg: 'ES256' })}.${p}.${sig}`, 'ALG'],
    ['header kid differs from the claim kid', `${b64({ ...header, kid: 'another-kid-123' })}.${p}.${sig}`, 'KID_UNKNOWN'],
    ['claims changed under the same signature', `${h}.${b64({ ...claims, exp: (claims.exp as number) + 3600 })}.${sig}`, 'SIGNATURE'],
    ['an extra claim', `${h}.${b64({ ...claims, admin: true })}.${sig}`, 'SIGNATURE'],
    ['truncated signature', `${h}.${p}.${sig.slice(0, 20)}`, 'SIGNATURE'],
    ['two parts', `${h}.${p}`, 'CLAIMS'],
    ['oversized', `${h}.${p}.${sig}${'A'.repeat(5000)}`, 'CLAIMS'],
    ['typ look-alike (Cyrillic а)', `${b64({ ...header, typ: 'writ-\u0430ttestation+jwt' })}.${p}.${sig}`, 'CLAIMS'],
    ['crit header', `${b64({ ...header, crit: ['exp'] })}.${p}.${sig}`, 'CLAIMS'],
    ['embedded jwk header', `${b64({ ...header, jwk: JSON.parse(publicJwkText) })}.${p}.${sig}`, 'CLAIMS'],
    ['padding characters', `${h}=.${p}.${sig}`, 'CLAIMS'],
  ];
  for (const [name, token, reason] of cases) {
    const r = await verify(token);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.reason, reason, name);
    const out = await authorizeExecution(deps, body(token), presented);
    assert.equal(out.response.verdict, 'DENY', name);
  }
});

test('property: any single-character change of a valid token is refused, and verification never throws', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 10_000 }), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }), async (pos, ch) => {
      const i = pos % valid.length;
      const mutated = `${valid.slice(0, i)}${ch}${valid.slice(i + 1)}`;
      const r = await verify(mutated);
      // A change that decodes to the same bytes (base64url's unused trailing bits) may still verify.
      if (r.ok) assert.equal(Buffer.from(mutated.split('.')[2] ?? '', 'base64url').equals(Buffer.from(valid.split('.')[2]!, 'base64url')) && mutated.split('.').slice(0, 2).join('.') === valid.split('.').slice(0, 2).join('.'), true, mutated);
    }),
    { numRuns: 500 },
  );
});

test('property: random token strings and random request bodies never ALLOW and never throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 600 }), fc.string({ maxLength: 200, unit: 'binary' }), fc.constantFrom('', '..', 'a.b.c', `${valid}.`, valid.replaceAll('.', '..'))), async (token) => {
      const r = await verify(token);
      assert.equal(r.ok, false);
      const out = await authorizeExecution(deps, body(token), presented);
      assert.equal(out.response.verdict, 'DENY');
    }),
    { numRuns: 150 },
  );
  await fc.assert(
    fc.asyncProperty(fc.anything({ maxDepth: 3 }), async (anything) => {
      const out = await authorizeExecution(deps, anything, presented);
      assert.equal(out.response.verdict, 'DENY');
      assert.equal(out.status, 400);
    }),
    { numRuns: 100 },
  );
});
