import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { textRef } from '../../../src/engine/approvals/model.ts';
import {
  approvalClaims, assertRefused, decide, humanPromotion, jwsApprove, newApproverKey, newNonce, oidcApprove, postApproval, registerKey, signApproval, startApprovalServer,
  streamEntries, type ApprovalServer, type ApproverKeyPair,
} from './harness.ts';

describe('approvals signed by registered approver keys (JWS)', () => {
  let t: ApprovalServer;
  let aliceKey: ApproverKeyPair;
  let bobKey: ApproverKeyPair;
  let patKey: ApproverKeyPair;
  let malloryKey: ApproverKeyPair;

  before(async () => {
    t = await startApprovalServer();
    aliceKey = await newApproverKey('EdDSA');
    bobKey = await newApproverKey('ES256');
    patKey = await newApproverKey('EdDSA');
    malloryKey = await newApproverKey('ES256');
    for (const [user, key] of [['alice', aliceKey], ['bob', bobKey], ['pat', patKey], ['mallory', malloryKey]] as const) {
      const r = await registerKey(t, user, key);
      assert.equal(r.statusCode, 201, r.body);
    }
  });
  after(async () => t?.close());

  test('approver keys: kid is the RFC 7638 thumbprint, bound to the human, ledgered; listed; re-registering is idempotent', async () => {
    const keys = (await t.app.inject({ method: 'GET', url: '/v1/approver-keys', headers: t.admin })).json().keys;
    const alice = keys.find((k: { kid: string }) => k.kid === aliceKey.kid);
    assert.deepEqual(alice.approver, { iss: t.idp.issuer, sub: 'alice' });
    assert.deepEqual(alice.approver_groups, ['platform-security', 'approver']);
    assert.equal(alice.alg, 'EdDSA');
    assert.deepEqual(alice.public_jwk, { kty: 'OKP', crv: 'Ed25519', x: aliceKey.publicJwk.x });
    assert.equal(keys.find((k: { kid: string }) => k.kid === bobKey.kid).alg, 'ES256');
    const filtered = await t.app.inject({ method: 'GET', url: `/v1/approver-keys?iss=${encodeURIComponent(t.idp.issuer)}&sub=bob`, headers: t.admin });
    assert.deepEqual(filtered.json().keys.map((k: { kid: string }) => k.kid), [bobKey.kid]);

    const again = await registerKey(t, 'alice', aliceKey);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().created, false);
    const stolen = await registerKey(t, 'dave', aliceKey);
    assert.equal(stolen.statusCode, 409);
    assert.equal(stolen.json().reason, 'KEY_REGISTERED_TO_ANOTHER_APPROVER');

    const entries = await t.s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs']).where('stream_id', '=', 'system.approver_keys').orderBy('seq').execute();
    assert.equal(entries.length, 4);
    const payload = JSON.parse(entries[0]!.entry_jcs).payload;
    assert.deepEqual(payload, { kid: aliceKey.kid, approver: { iss: t.idp.issuer, sub: 'alice' }, approver_groups: ['platform-security', 'approver'], alg: 'EdDSA' });
  });

  test('approver keys: private material, unsupported keys and missing identity are refused', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const privateJwk = privateKey.export({ format: 'jwk' });
    const bearer = { authorization: `Bearer ${await t.idp.idTokenFor('alice', { nonce: newNonce() })}` };
    const withD = await t.app.inject({ method: 'POST', url: '/v1/approver-keys', headers: bearer, payload: { public_jwk: privateJwk } });
    assert.equal(withD.statusCode, 400);
    assert.equal(withD.json().reason, 'PRIVATE_KEY_MATERIAL');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const unsupported = await t.app.inject({ method: 'POST', url: '/v1/approver-keys', headers: bearer, payload: { public_jwk: rsa } });
    assert.equal(unsupported.json().reason, 'UNSUPPORTED_KEY');
    const notOnCurve = await t.app.inject({ method: 'POST', url: '/v1/approver-keys', headers: bearer, payload: { public_jwk: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) } } });
    assert.equal(notOnCurve.json().reason, 'INVALID_KEY');
    // The admin credential is not a human: it cannot register approver keys.
    const asAdmin = await t.app.inject({ method: 'POST', url: '/v1/approver-keys', headers: t.admin, payload: { public_jwk: (await newApproverKey()).publicJwk } });
    assert.equal(asAdmin.statusCode, 401);
    const anon = await t.app.inject({ method: 'POST', url: '/v1/approver-keys', payload: { public_jwk: (await newApproverKey()).publicJwk } });
    assert.equal(anon.statusCode, 401);
  });

  test('happy path: an EdDSA and an ES256 approval reach the quorum; ledger holds references only', async () => {
    const d = await decide(t);
    const claims = approvalClaims(t, d);
    const jws = await signApproval(aliceKey, claims);
    const first = await postApproval(t, d.decision_id, { method: 'jws', jws });
    assert.equal(first.statusCode, 201, first.body);
    const a = first.json();
    assert.deepEqual([a.decision_status, a.approvals_counted], ['pending_approval', 1]);
    assert.equal(a.approval.method, 'jws');
    assert.deepEqual(a.approval.approver, { iss: t.idp.issuer, sub: 'alice' });
    assert.equal(a.approval.signature_ref, textRef(jws));
    assert.equal(a.approval.nonce_ref, textRef(claims.nonce as string));
    assert.equal(a.approval.issued_at, new Date((claims.issued_at as number) * 1000).toISOString());
    assert.equal(a.approval.expires_at, new Date((claims.expires_at as number) * 1000).toISOString());
    const second = await jwsApprove(t, bobKey, d);
    assert.equal(second.statusCode, 201, second.body);
    assert.deepEqual([second.json().decision_status, second.json().approvals_counted], ['approved', 2]);
    const entries = await streamEntries(t, d.decision_id);
    assert.deepEqual(entries.map((e) => e.entry_type), ['intent.received', 'decision.recorded', 'approval.recorded', 'approval.recorded']);
    assert.equal(entries[2]?.payload.method, 'jws');
    assert.ok(!entries.some((e) => e.entry_jcs.includes(jws.split('.')[2]!)));
  });

  test('SIGNATURE_INVALID: forged by another key under a registered kid, or a tampered payload', async () => {
    const d = await decide(t);
    const forger = await newApproverKey('EdDSA');
    const forged = await signApproval({ ...forger, kid: aliceKey.kid }, approvalClaims(t, d));
    const refused = await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: forged }), d.decision_id, 'SIGNATURE_INVALID');
    assert.equal(refused.approver, null);
    assert.equal(refused.method, 'jws');
    const genuine = await signApproval(bobKey, approvalClaims(t, d, { verdict: 'reject' }));
    const [h, , sig] = genuine.split('.') as [string, string, string];
    const flipped = `${h}.${Buffer.from(JSON.stringify(approvalClaims(t, d))).toString('base64url')}.${sig}`;
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: flipped }), d.decision_id, 'SIGNATURE_INVALID');
    // An EdDSA key cannot have made an ES256 signature.
    const algSwap = await signApproval({ ...bobKey, kid: aliceKey.kid }, approvalClaims(t, d));
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: algSwap }), d.decision_id, 'SIGNATURE_INVALID');
    assert.equal((await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}`, headers: t.admin })).json().decision.status, 'pending_approval');
  });

  test('UNKNOWN_APPROVER_KEY and ALG_NOT_ALLOWED', async () => {
    const d = await decide(t);
    const stranger = await newApproverKey('EdDSA');
    await assertRefused(t, await jwsApprove(t, stranger, d), d.decision_id, 'UNKNOWN_APPROVER_KEY');
    const hs = await new SignJWT(approvalClaims(t, d)).setProtectedHeader({ alg: 'HS256', kid: aliceKey.kid }).sign(new Uint8Array(32));
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: hs }), d.decision_id, 'ALG_NOT_ALLOWED');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: aliceKey.kid })).toString('base64url')}.${Buffer.from(JSON.stringify(approvalClaims(t, d))).toString('base64url')}.`;
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: none }), d.decision_id, 'MALFORMED_APPROVAL');
  });

  test('MALFORMED_APPROVAL: signed claims that are not exactly the approval claims, or another typ', async () => {
    const d = await decide(t);
    const extra = await signApproval(aliceKey, { ...approvalClaims(t, d), scope: 'all' });
    const refused = await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: extra }), d.decision_id, 'MALFORMED_APPROVAL');
    assert.deepEqual(refused.approver, { iss: t.idp.issuer, sub: 'alice' });
    const wrongTyp = await signApproval(aliceKey, approvalClaims(t, d), { typ: 'writ-attestation+jwt' });
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: wrongTyp }), d.decision_id, 'MALFORMED_APPROVAL');
  });

  test('BINDING_MISMATCH and STALE_DECISION_HASH', async () => {
    const d = await decide(t);
    const other = await decide(t);
    await assertRefused(t, await jwsApprove(t, aliceKey, d, { decision_id: other.decision_id }), d.decision_id, 'BINDING_MISMATCH');
    await assertRefused(t, await jwsApprove(t, aliceKey, d, { intent_digest: textRef('another intent') }), d.decision_id, 'BINDING_MISMATCH');
    const stale = await assertRefused(t, await jwsApprove(t, aliceKey, d, { decision_hash: other.decision_hash }), d.decision_id, 'STALE_DECISION_HASH');
    assert.equal(stale.presented_decision_hash, other.decision_hash);
    // An approval for the other decision presented here.
    const forOther = await signApproval(aliceKey, approvalClaims(t, other));
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: forOther }), d.decision_id, 'BINDING_MISMATCH');
  });

  test('APPROVAL_EXPIRED: past expires_at, issued in the future beyond 30 s, or living longer than approval_ttl_s', async () => {
    const d = await decide(t);
    const now = Math.floor(t.s.clock.now().getTime() / 1000);
    await assertRefused(t, await jwsApprove(t, aliceKey, d, { issued_at: now - 600, expires_at: now - 1 }), d.decision_id, 'APPROVAL_EXPIRED');
    await assertRefused(t, await jwsApprove(t, aliceKey, d, { issued_at: now + 31, expires_at: now + 300 }), d.decision_id, 'APPROVAL_EXPIRED');
    await assertRefused(t, await jwsApprove(t, aliceKey, d, { issued_at: now, expires_at: now + d.obligations.approval_ttl_s + 1 }), d.decision_id, 'APPROVAL_EXPIRED');
    await assertRefused(t, await jwsApprove(t, aliceKey, d, { issued_at: now, expires_at: now }), d.decision_id, 'APPROVAL_EXPIRED');
    // Within bounds: issued 30 s ahead (skew), living exactly approval_ttl_s.
    const ok = await jwsApprove(t, aliceKey, d, { issued_at: now + 30, expires_at: now + 30 + d.obligations.approval_ttl_s });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  test('APPROVAL_EXPIRED on the injected clock: a valid approval presented after its expires_at', async () => {
    const d = await decide(t);
    const jws = await signApproval(aliceKey, approvalClaims(t, d, {}, 120));
    t.s.clock.advance(121_000);
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws }), d.decision_id, 'APPROVAL_EXPIRED');
  });

  test('an approval that expired before the quorum was reached no longer counts', async () => {
    const d = await decide(t);
    assert.equal((await jwsApprove(t, aliceKey, d, {}, 120)).json().approvals_counted, 1);
    t.s.clock.advance(121_000);
    const second = await jwsApprove(t, bobKey, d);
    assert.equal(second.statusCode, 201, second.body);
    assert.deepEqual([second.json().decision_status, second.json().approvals_counted], ['pending_approval', 1]);
    const third = await jwsApprove(t, patKey, d);
    assert.deepEqual([third.json().decision_status, third.json().approvals_counted], ['approved', 2]);
  });

  test('with a JWS the identity and groups are those of the key registration', async () => {
    const mine = await decide(t, humanPromotion('alice'));
    await assertRefused(t, await jwsApprove(t, aliceKey, mine), mine.decision_id, 'SELF_APPROVAL');
    const d = await decide(t);
    await assertRefused(t, await jwsApprove(t, malloryKey, d), d.decision_id, 'NOT_IN_REQUIRED_GROUP');
    assert.equal((await jwsApprove(t, aliceKey, d)).statusCode, 201);
    await assertRefused(t, await jwsApprove(t, aliceKey, d), d.decision_id, 'DUPLICATE_APPROVER');
  });

  test('NONCE_REPLAYED with JWS: the same signed approval twice, and a nonce reused on another decision', async () => {
    const d = await decide(t);
    const jws = await signApproval(bobKey, approvalClaims(t, d, { verdict: 'reject' }));
    assert.equal((await postApproval(t, d.decision_id, { method: 'jws', jws })).json().decision_status, 'rejected');
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws }), d.decision_id, 'NONCE_REPLAYED');
    const other = await decide(t);
    const claims = approvalClaims(t, d);
    await assertRefused(t, await postApproval(t, d.decision_id, { method: 'jws', jws: await signApproval(aliceKey, claims) }), d.decision_id, 'DECISION_NOT_PENDING');
    await assertRefused(t, await jwsApprove(t, aliceKey, other, { nonce: claims.nonce }), other.decision_id, 'NONCE_REPLAYED');
  });

  test('concurrent duplicates count once: the same approval twice, and one approver with two nonces', async () => {
    const d = await decide(t);
    const jws = await signApproval(aliceKey, approvalClaims(t, d));
    const same = await Promise.all([postApproval(t, d.decision_id, { method: 'jws', jws }), postApproval(t, d.decision_id, { method: 'jws', jws })]);
    assert.deepEqual(same.map((r) => r.statusCode).sort(), [201, 403]);
    assert.equal(same.find((r) => r.statusCode === 403)?.json().reason, 'NONCE_REPLAYED');

    const e = await decide(t);
    const two = await Promise.all([jwsApprove(t, bobKey, e), jwsApprove(t, bobKey, e), jwsApprove(t, bobKey, e)]);
    assert.deepEqual(two.map((r) => r.statusCode).sort(), [201, 403, 403]);
    for (const r of two.filter((x) => x.statusCode === 403)) assert.equal(r.json().reason, 'DUPLICATE_APPROVER');
    const rows = await t.s.store.db.selectFrom('approvals' as never).selectAll().where('decision_id' as never, '=', e.decision_id as never).execute();
    assert.equal(rows.length, 1);

    // Two different approvers at once: both count, the quorum is reached exactly once.
    const f = await decide(t);
    const both = await Promise.all([jwsApprove(t, aliceKey, f), jwsApprove(t, bobKey, f)]);
    assert.deepEqual(both.map((r) => r.statusCode), [201, 201]);
    assert.deepEqual(both.map((r) => r.json().decision_status).sort(), ['approved', 'pending_approval']);
    const recorded = (await streamEntries(t, f.decision_id)).filter((x) => x.entry_type === 'approval.recorded');
    assert.deepEqual(recorded.map((x) => x.payload.approvals_counted), [1, 2]);
  });

  test('OIDC and JWS approvals of one human are the same approver', async () => {
    const d = await decide(t);
    assert.equal((await jwsApprove(t, aliceKey, d)).statusCode, 201);
    await assertRefused(t, await oidcApprove(t, 'alice', d), d.decision_id, 'DUPLICATE_APPROVER');
  });
});
