import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hashCanonical } from '../../../src/crypto/hash.ts';
import {
  approvalBindingNonce, isSelfApproval, lifetimeOk, parseApprovalClaims, refusalForIdentityReason, textRef,
} from '../../../src/engine/approvals/model.ts';
import { countedMembers, quorumReached } from '../../../src/engine/approvals/quorum.ts';

const PS = 'platform-security';
const RM = 'release-management';
const m = (key: string, ...groups: string[]) => ({ key, groups });

test('quorum: N distinct approvers in required groups; with N ≥ groups, one distinct approver per group', () => {
  assert.equal(quorumReached([m('a', PS), m('b', RM)], 2, [PS, RM]), true);
  assert.equal(quorumReached([m('a', PS), m('c', PS)], 2, [PS, RM]), false);
  assert.equal(quorumReached([m('a', PS), m('a', RM)], 2, [PS, RM]), false, 'one approver counts once');
  assert.equal(quorumReached([m('p', PS, RM), m('a', PS)], 2, [PS, RM]), true, 'p stands for RM, a for PS');
  assert.equal(quorumReached([m('p', PS, RM)], 2, [PS, RM]), false);
  assert.equal(quorumReached([m('p', PS, RM), m('q', PS, RM)], 2, [PS, RM]), true);
  assert.equal(quorumReached([m('a', PS), m('x', 'viewer')], 2, [PS, RM]), false, 'outsiders do not count');
  // N < groups: any N approvers of any required group.
  assert.equal(quorumReached([m('a', PS)], 1, [PS, RM]), true);
  assert.equal(quorumReached([m('b', RM)], 1, [PS, RM]), true);
  // Coverage alone is not enough with three groups: x covers B and C but can stand for only one.
  assert.equal(quorumReached([m('x', 'A', 'B', 'C'), m('y', 'A'), m('z', 'A')], 3, ['A', 'B', 'C']), false);
  assert.equal(quorumReached([m('x', 'A', 'B', 'C'), m('y', 'A'), m('z', 'C')], 3, ['A', 'B', 'C']), true);
  // No required groups: nobody qualifies (fail closed).
  assert.equal(quorumReached([m('a', PS)], 1, []), false);
  assert.equal(quorumReached([], 0, [PS]), false);
  assert.deepEqual(countedMembers([m('a', 'approver', PS), m('a', PS), m('b', 'viewer')], [PS, RM]), [m('a', PS)]);
});

test('quorum (property): never reached with fewer distinct members than required, and adding members never un-reaches it', () => {
  const groups = ['g1', 'g2', 'g3'];
  const member = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), groups: fc.subarray(['g1', 'g2', 'g3', 'other']) });
  fc.assert(
    fc.property(fc.array(member, { maxLength: 8 }), member, fc.integer({ min: 1, max: 4 }), fc.subarray(groups, { minLength: 1 }), (ms, extra, n, req) => {
      const reached = quorumReached(ms, n, req);
      if (reached) assert.ok(countedMembers(ms, req).length >= n);
      if (reached) assert.equal(quorumReached([...ms, extra], n, req), true);
    }),
  );
});

test('binding nonce is sha256 of JCS {decision_hash, nonce}; refs hash the UTF-8 text', () => {
  const h = `sha256:${'a'.repeat(64)}`;
  assert.equal(approvalBindingNonce(h, 'n1'), hashCanonical({ nonce: 'n1', decision_hash: h }));
  assert.notEqual(approvalBindingNonce(h, 'n1'), approvalBindingNonce(h, 'n2'));
  assert.equal(textRef('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('lifetime: expiry, future issue beyond 30 s skew, TTL bound', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  assert.equal(lifetimeOk({ issuedAt: at(0), expiresAt: at(300) }, now, 3600), true);
  assert.equal(lifetimeOk({ issuedAt: at(-300), expiresAt: at(0) }, now, 3600), false, 'expires_at == now is expired');
  assert.equal(lifetimeOk({ issuedAt: at(30), expiresAt: at(300) }, now, 3600), true);
  assert.equal(lifetimeOk({ issuedAt: at(31), expiresAt: at(300) }, now, 3600), false);
  assert.equal(lifetimeOk({ issuedAt: at(0), expiresAt: at(3600) }, now, 3600), true);
  assert.equal(lifetimeOk({ issuedAt: at(0), expiresAt: at(3601) }, now, 3600), false);
  assert.equal(lifetimeOk({ issuedAt: at(10), expiresAt: at(5) }, now, 3600), false);
  assert.equal(lifetimeOk({ issuedAt: new Date(Number.NaN), expiresAt: at(5) }, now, 3600), false);
});

test('separation of duties: sub, email, preferred_username or iss#sub, case-insensitive', () => {
  const who = { iss: 'https://idp', sub: 'u1', names: ['Alice@Example.com', 'alice', null] };
  assert.equal(isSelfApproval('u1', who), true);
  assert.equal(isSelfApproval('alice@example.com', who), true);
  assert.equal(isSelfApproval(' ALICE ', who), true);
  assert.equal(isSelfApproval('https://idp#u1', who), true);
  assert.equal(isSelfApproval('bob', who), false);
  assert.equal(isSelfApproval('', { iss: 'i', sub: 's', names: [''] }), false);
});

test('approval claims are parsed strictly', () => {
  const ok = { decision_id: 'dec_1', decision_hash: `sha256:${'a'.repeat(64)}`, intent_digest: `sha256:${'b'.repeat(64)}`, verdict: 'approve', nonce: 'n'.repeat(22), issued_at: 1, expires_at: 2 };
  assert.deepEqual(parseApprovalClaims(ok), ok);
  assert.equal(parseApprovalClaims({ ...ok, extra: 1 }), null);
  assert.equal(parseApprovalClaims({ ...ok, verdict: 'maybe' }), null);
  assert.equal(parseApprovalClaims({ ...ok, issued_at: '1' }), null);
  assert.equal(parseApprovalClaims({ ...ok, issued_at: 1.5 }), null);
  assert.equal(parseApprovalClaims({ ...ok, nonce: 'short' }), null);
  assert.equal(parseApprovalClaims({ ...ok, decision_hash: 'sha256:XYZ' }), null);
  const { nonce: _n, ...missing } = ok;
  void _n;
  assert.equal(parseApprovalClaims(missing), null);
  assert.equal(parseApprovalClaims([ok]), null);
});

test('identity reasons map to approval refusals; unknown ones fail closed', () => {
  assert.equal(refusalForIdentityReason('EXPIRED'), 'ID_TOKEN_EXPIRED');
  assert.equal(refusalForIdentityReason('SIGNATURE'), 'SIGNATURE_INVALID');
  assert.equal(refusalForIdentityReason('UNTRUSTED_ISSUER'), 'UNTRUSTED_ISSUER');
  assert.equal(refusalForIdentityReason('AUDIENCE_MISMATCH'), 'AUDIENCE_MISMATCH');
  assert.equal(refusalForIdentityReason('NONCE_MISMATCH'), 'NONCE_MISMATCH');
  assert.equal(refusalForIdentityReason('toString'), 'ID_TOKEN_MALFORMED');
  assert.equal(refusalForIdentityReason(undefined), 'ID_TOKEN_MALFORMED');
});
