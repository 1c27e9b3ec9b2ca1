import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { textRef } from '../../../src/engine/approvals/model.ts';
import { startTestIdp, type TestIdp } from '../../harness/oidc-idp.ts';
import { promotionIntent } from '../helpers/intents.ts';
import {
  assertRefused, boundIdToken, decide, humanPromotion, newNonce, oidcApprove, postApproval, startApprovalServer, streamEntries, TEST_USERS, type ApprovalServer,
} from './harness.ts';

describe('approvals with real OIDC ID tokens', () => {
  let t: ApprovalServer;
  // A second real IdP whose tokens are for another client (audience), trusted under Writ's audience.
  let otherAudience: TestIdp;

  before(async () => {
    otherAudience = await startTestIdp({ users: TEST_USERS, clientId: 'some-other-app' });
    t = await startApprovalServer({ extraIssuers: [{ ...otherAudience.issuerConfig(), audience: ['writ-test'] }] });
  });
  after(async () => {
    await t?.close();
    await otherAudience?.close();
  });

  test('two approvers, one per required group, reach the quorum: approved, chained in the ledger, token issuable', async () => {
    const d = await decide(t);
    assert.equal(d.status, 'pending_approval');

    const nonceA = newNonce();
    const tokenA = await boundIdToken(t, 'alice', d.decision_hash, nonceA);
    const first = await postApproval(t, d.decision_id, { method: 'oidc', id_token: tokenA, nonce: nonceA, verdict: 'approve', decision_hash: d.decision_hash });
    assert.equal(first.statusCode, 201, first.body);
    const a = first.json();
    assert.equal(a.decision_status, 'pending_approval');
    assert.equal(a.approvals_counted, 1);
    assert.equal(a.approvals_required, 2);
    assert.equal(a.approval.approver.iss, t.idp.issuer);
    assert.equal(a.approval.approver.sub, 'alice');
    assert.deepEqual(a.approval.approver_groups, ['platform-security']);
    assert.equal(a.approval.method, 'oidc');
    assert.equal(a.approval.signature_ref, textRef(tokenA));
    assert.equal(a.approval.nonce_ref, textRef(nonceA));
    assert.equal(a.approval.issued_at, t.s.clock.now().toISOString());
    assert.ok(Date.parse(a.approval.expires_at) > t.s.clock.now().getTime());
    assert.ok(Date.parse(a.approval.expires_at) <= t.s.clock.now().getTime() + d.obligations.approval_ttl_s * 1000);

    const early = await t.app.inject({ method: 'POST', url: `/v1/decisions/${d.decision_id}/token`, headers: t.workload });
    assert.equal(early.json().reason, 'QUORUM_NOT_REACHED');
    const second = await oidcApprove(t, 'bob', d);
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.json().decision_status, 'approved');
    assert.equal(second.json().approvals_counted, 2);

    // The decision's stream, each entry chained to the previous one (ledgered before the responses).
    const all = await streamEntries(t, d.decision_id);
    assert.deepEqual(all.map((e) => e.entry_type), ['intent.received', 'decision.recorded', 'approval.recorded', 'token.refused', 'approval.recorded']);
    all.forEach((e, i) => assert.equal(e.stream_prev, i === 0 ? null : all[i - 1]!.leaf));
    const entries = all.filter((e) => e.entry_type !== 'token.refused');
    assert.deepEqual(entries.map((e) => e.entry_type), ['intent.received', 'decision.recorded', 'approval.recorded', 'approval.recorded']);
    const [r1, r2] = entries.filter((e) => e.entry_type === 'approval.recorded');
    assert.deepEqual([r1?.payload.status_after, r1?.payload.approvals_counted], ['pending_approval', 1]);
    assert.deepEqual([r2?.payload.status_after, r2?.payload.approvals_counted], ['approved', 2]);
    assert.equal(r1?.payload.signature_ref, textRef(tokenA));
    assert.equal(r1?.payload.nonce_ref, textRef(nonceA));
    // Never the raw token, its signature or the nonce.
    for (const e of entries) {
      assert.ok(!e.entry_jcs.includes(tokenA.split('.')[2]!));
      assert.ok(!e.entry_jcs.includes(nonceA));
    }

    const decision = await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}`, headers: t.admin });
    assert.equal(decision.json().decision.status, 'approved');
    const token = await t.app.inject({ method: 'POST', url: `/v1/decisions/${d.decision_id}/token`, headers: t.workload });
    assert.equal(token.statusCode, 201, token.body);

    const list = await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}/approvals`, headers: t.admin });
    assert.equal(list.statusCode, 200, list.body);
    // Same instant on the manual clock: order between them is not defined.
    assert.deepEqual(list.json().approvals.map((x: { approver: { sub: string } }) => x.approver.sub).sort(), ['alice', 'bob']);
    assert.equal(list.json().approvals_counted, 2);
    assert.equal(list.json().decision_status, 'approved');
  });

  test('two approvers of one group are not "one of each"; an approver in both groups then completes it', async () => {
    const d = await decide(t);
    assert.equal((await oidcApprove(t, 'alice', d)).json().decision_status, 'pending_approval');
    const second = await oidcApprove(t, 'dave', d);
    assert.equal(second.statusCode, 201, second.body);
    assert.deepEqual([second.json().decision_status, second.json().approvals_counted], ['pending_approval', 2]);
    // pat is in platform-security and release-management: stands for release-management.
    const third = await oidcApprove(t, 'pat', d);
    assert.deepEqual([third.json().decision_status, third.json().approvals_counted], ['approved', 3]);
  });

  test('a reject from a required group ends the decision; later approvals find it not pending', async () => {
    const d = await decide(t);
    const r = await oidcApprove(t, 'bob', d, { verdict: 'reject' });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().decision_status, 'rejected');
    assert.equal(r.json().approval.verdict, 'reject');
    const late = await oidcApprove(t, 'alice', d);
    await assertRefused(t, late, d.decision_id, 'DECISION_NOT_PENDING');
    const token = await t.app.inject({ method: 'POST', url: `/v1/decisions/${d.decision_id}/token`, headers: t.workload });
    assert.equal(token.json().reason, 'DECISION_REJECTED');
  });

  test('DECISION_NOT_PENDING: an allowed decision and an approved one take no approvals', async () => {
    const allowed = await decide(t, promotionIntent('stage'));
    await assertRefused(t, await oidcApprove(t, 'alice', allowed), allowed.decision_id, 'DECISION_NOT_PENDING');
    const d = await decide(t);
    await oidcApprove(t, 'alice', d);
    assert.equal((await oidcApprove(t, 'bob', d)).json().decision_status, 'approved');
    await assertRefused(t, await oidcApprove(t, 'pat', d), d.decision_id, 'DECISION_NOT_PENDING');
  });

  test('SELF_APPROVAL: the requester cannot approve, matched by sub or by email', async () => {
    const bySub = await decide(t, humanPromotion('alice'));
    const refused = await assertRefused(t, await oidcApprove(t, 'alice', bySub), bySub.decision_id, 'SELF_APPROVAL');
    assert.deepEqual(refused.approver, { iss: t.idp.issuer, sub: 'alice' });
    assert.equal(refused.method, 'oidc');
    assert.equal(refused.presented_decision_hash, bySub.decision_hash);
    const byEmail = await decide(t, humanPromotion('Bob@IdP.test'));
    await assertRefused(t, await oidcApprove(t, 'bob', byEmail), byEmail.decision_id, 'SELF_APPROVAL');
    // Someone else may approve it.
    assert.equal((await oidcApprove(t, 'alice', byEmail)).statusCode, 201);
  });

  test('NOT_IN_REQUIRED_GROUP: a viewer cannot approve', async () => {
    const d = await decide(t);
    await assertRefused(t, await oidcApprove(t, 'mallory', d), d.decision_id, 'NOT_IN_REQUIRED_GROUP');
    const list = await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}/approvals`, headers: t.admin });
    assert.equal(list.json().approvals.length, 0);
  });

  test('DUPLICATE_APPROVER: one approver counts once, whatever the nonce', async () => {
    const d = await decide(t);
    assert.equal((await oidcApprove(t, 'alice', d)).statusCode, 201);
    await assertRefused(t, await oidcApprove(t, 'alice', d), d.decision_id, 'DUPLICATE_APPROVER');
    await assertRefused(t, await oidcApprove(t, 'alice', d, { verdict: 'reject' }), d.decision_id, 'DUPLICATE_APPROVER');
    const list = await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}/approvals`, headers: t.admin });
    assert.equal(list.json().approvals_counted, 1);
  });

  test('NONCE_REPLAYED: a nonce is single use across decisions, and a refused attempt burns it', async () => {
    const d1 = await decide(t);
    const d2 = await decide(t);
    const nonce = newNonce();
    assert.equal((await oidcApprove(t, 'alice', d1, { nonce })).statusCode, 201);
    // A new ID token, properly bound to d2 and the same nonce: still replayed.
    const replay = await assertRefused(t, await oidcApprove(t, 'bob', d2, { nonce }), d2.decision_id, 'NONCE_REPLAYED');
    assert.equal(replay.nonce_ref, textRef(nonce));
    // A refused attempt (viewer) burns its nonce too.
    const burnt = newNonce();
    await assertRefused(t, await oidcApprove(t, 'mallory', d2, { nonce: burnt }), d2.decision_id, 'NOT_IN_REQUIRED_GROUP');
    await assertRefused(t, await oidcApprove(t, 'bob', d2, { nonce: burnt }), d2.decision_id, 'NONCE_REPLAYED');
    const rows = await t.s.store.db.selectFrom('approval_nonces' as never).selectAll().execute();
    assert.ok((rows as Array<{ nonce: string }>).some((r) => r.nonce === textRef(burnt)));
  });

  test('STALE_DECISION_HASH: an approval bound to another decision hash', async () => {
    const d = await decide(t);
    const other = await decide(t);
    // The IdP signed a binding to the other decision's hash; it is presented for this decision.
    const refused = await oidcApprove(t, 'alice', { decision_id: d.decision_id, decision_hash: other.decision_hash });
    const entry = await assertRefused(t, refused, d.decision_id, 'STALE_DECISION_HASH');
    assert.equal(entry.presented_decision_hash, other.decision_hash);
  });

  test('NONCE_MISMATCH: the ID token binds another nonce or another decision hash than presented', async () => {
    const d = await decide(t);
    const nonce = newNonce();
    const idToken = await boundIdToken(t, 'alice', d.decision_hash, nonce);
    const otherNonce = newNonce();
    const r1 = await postApproval(t, d.decision_id, { method: 'oidc', id_token: idToken, nonce: otherNonce, verdict: 'approve', decision_hash: d.decision_hash });
    const e1 = await assertRefused(t, r1, d.decision_id, 'NONCE_MISMATCH');
    assert.equal(e1.approver, null);
    assert.equal(e1.nonce_ref, textRef(otherNonce));
    const other = await decide(t);
    const r2 = await postApproval(t, d.decision_id, { method: 'oidc', id_token: await boundIdToken(t, 'alice', d.decision_hash, nonce), nonce, verdict: 'approve', decision_hash: other.decision_hash });
    // Presented with another decision hash than the one the IdP signed: the binding does not verify.
    await assertRefused(t, r2, d.decision_id, 'NONCE_MISMATCH');
  });

  test('AUDIENCE_MISMATCH: an ID token for another client of a trusted issuer', async () => {
    const d = await decide(t);
    const nonce = newNonce();
    const { approvalBindingNonce } = await import('../../../src/engine/approvals/model.ts');
    const idToken = await otherAudience.idTokenFor('alice', { nonce: approvalBindingNonce(d.decision_hash, nonce) });
    const r = await postApproval(t, d.decision_id, { method: 'oidc', id_token: idToken, nonce, verdict: 'approve', decision_hash: d.decision_hash });
    await assertRefused(t, r, d.decision_id, 'AUDIENCE_MISMATCH');
  });

  test('UNTRUSTED_ISSUER: an ID token from an issuer Writ does not trust', async () => {
    const d = await decide(t);
    const nonce = newNonce();
    const { approvalBindingNonce } = await import('../../../src/engine/approvals/model.ts');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Math.floor(t.s.clock.now().getTime() / 1000);
    const forged = await new SignJWT({ nonce: approvalBindingNonce(d.decision_hash, nonce), groups: ['platform-security'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.attacker.example').setSubject('alice').setAudience('writ-test').setIssuedAt(now).setExpirationTime(now + 300)
      .sign(privateKey);
    const r = await postApproval(t, d.decision_id, { method: 'oidc', id_token: forged, nonce, verdict: 'approve', decision_hash: d.decision_hash });
    await assertRefused(t, r, d.decision_id, 'UNTRUSTED_ISSUER');
  });

  test('SIGNATURE_INVALID: a tampered ID token of the trusted issuer', async () => {
    const d = await decide(t);
    const nonce = newNonce();
    const real = await boundIdToken(t, 'mallory', d.decision_hash, nonce);
    const [h, p, sig] = real.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, groups: ['platform-security'] })).toString('base64url')}.${sig}`;
    const r = await postApproval(t, d.decision_id, { method: 'oidc', id_token: tampered, nonce, verdict: 'approve', decision_hash: d.decision_hash });
    await assertRefused(t, r, d.decision_id, 'SIGNATURE_INVALID');
  });

  test('schema and lookups: unknown decision 404, body that does not fit its method 400, nothing ledgered', async () => {
    const missing = await postApproval(t, 'dec_nope', { method: 'oidc', id_token: 'a.b.c', nonce: newNonce(), verdict: 'approve', decision_hash: `sha256:${'0'.repeat(64)}` });
    assert.equal(missing.statusCode, 404);
    const d = await decide(t);
    const noToken = await postApproval(t, d.decision_id, { method: 'oidc', nonce: newNonce(), verdict: 'approve', decision_hash: d.decision_hash });
    assert.equal(noToken.statusCode, 400);
    const shortNonce = await postApproval(t, d.decision_id, { method: 'oidc', id_token: 'a.b.c', nonce: 'short', verdict: 'approve', decision_hash: d.decision_hash });
    assert.equal(shortNonce.statusCode, 400);
    assert.deepEqual((await streamEntries(t, d.decision_id)).map((e) => e.entry_type), ['intent.received', 'decision.recorded']);
  });

  test('reading: any authenticated human may read decisions and approvals; anonymous may not', async () => {
    const d = await decide(t);
    const bearer = { authorization: `Bearer ${await t.idp.idTokenFor('mallory', { nonce: newNonce() })}` };
    const one = await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}`, headers: bearer });
    assert.equal(one.statusCode, 200, one.body);
    const work = await t.app.inject({ method: 'GET', url: '/v1/decisions?status=pending_approval&group=release-management', headers: bearer });
    assert.ok(work.json().decisions.some((x: { decision_id: string }) => x.decision_id === d.decision_id));
    assert.equal((await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}/approvals`, headers: bearer })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}` })).statusCode, 401);
    const garbage = await t.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}`, headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(garbage.statusCode, 401);
    assert.equal((await t.app.inject({ method: 'GET', url: '/v1/approver-keys', headers: bearer })).statusCode, 200);
    const paths = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths;
    assert.ok(paths['/v1/decisions/{id}/approvals'].post.requestBody);
    assert.ok(paths['/v1/approver-keys'].get);
  });

  // Moves the clock forward for good: keep it last in this file.
  test('ID_TOKEN_EXPIRED: an ID token past its exp on the injected clock', async () => {
    const d = await decide(t);
    const nonce = newNonce();
    const idToken = await boundIdToken(t, 'alice', d.decision_hash, nonce);
    t.s.clock.advance(3_600_000);
    const r = await postApproval(t, d.decision_id, { method: 'oidc', id_token: idToken, nonce, verdict: 'approve', decision_hash: d.decision_hash });
    await assertRefused(t, r, d.decision_id, 'ID_TOKEN_EXPIRED');
  });
});
