/**
 * A test server for approvals: the usual test server, with its OIDC verifier also
 * trusting a real in-process OpenID Provider (oidc-provider). The clock starts at real time (oidc-provider signs
 * with real time) and only moves when a test moves it.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, type JWK } from 'jose';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { approvalBindingNonce, textRef } from '../../../src/engine/approvals/model.ts';
import { hashRef, leafHashOfJcs } from '../../../src/ledger/entry.ts';
import { OidcVerifier, type OidcIssuerConfig } from '../../../src/identity/oidc/verifier.ts';
import type { Intent } from '../../../src/policy/intent.ts';
import { startTestIdp, type TestIdp, type TestIdpUser } from '../../harness/oidc-idp.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { DEPLOY_SPIFFE_ID, promotionIntent } from '../helpers/intents.ts';

/** The approvers of the test IdP. */
export const TEST_USERS: Record<string, TestIdpUser> = {
  alice: { groups: ['platform-security', 'approver'] },
  bob: { groups: ['release-management', 'approver'] },
  dave: { groups: ['security-officer', 'platform-security'] },
  pat: { groups: ['platform-security', 'release-management'] },
  mallory: { groups: ['viewer'] },
};

/** A running approval test server. */
export interface ApprovalServer {
  s: TestServer;
  app: FastifyInstance;
  idp: TestIdp;
  verifier: OidcVerifier;
  admin: Record<string, string>;
  workload: Record<string, string>;
  close(): Promise<void>;
}

/** A decision as returned by `POST /v1/intents`. */
export interface WireDecision {
  decision_id: string;
  decision_hash: string;
  intent_digest: string;
  status: string;
  obligations: { approvals_required: number; approver_groups: string[]; approval_ttl_s: number };
}

/** Starts the server; `extraIssuers` are trusted too (e.g. a second IdP for audience tests). */
export async function startApprovalServer(options: { extraIssuers?: OidcIssuerConfig[] } = {}): Promise<ApprovalServer> {
  const idp = await startTestIdp({ users: TEST_USERS });
  const s = await startTestServer({ now: new Date(), oidcIssuers: [idp.issuerConfig(), ...(options.extraIssuers ?? [])] });
  const admin = { authorization: `Bearer ${s.adminToken}` };
  const cred = await s.app.inject({ method: 'POST', url: '/v1/workload-credentials', headers: admin, payload: { spiffe_id: DEPLOY_SPIFFE_ID, pipeline_id: 'deploy-main' } });
  assert.equal(cred.statusCode, 201, cred.body);
  const workload = { authorization: `Bearer ${cred.json().secret}` };
  return {
    s, app: s.app, idp, verifier: s.oidc, admin, workload,
    async close() {
      await s.close();
      await idp.close();
    },
  };
}

/** A fresh approval nonce (32 base64url characters). */
export const newNonce = (): string => randomBytes(24).toString('base64url');

/** Submits an intent and returns its decision. */
export async function decide(t: ApprovalServer, intent: Intent = promotionIntent('prod')): Promise<WireDecision> {
  const r = await t.app.inject({ method: 'POST', url: '/v1/intents', headers: t.workload, payload: intent });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().decision;
}

/** A prod promotion requested by a human (for separation of duties). */
export function humanPromotion(principalId: string): Intent {
  return promotionIntent('prod', { principal: { type: 'user', id: principalId } });
}

/** An ID token of the test IdP for `user`, bound to `decisionHash` and `nonce`. */
export function boundIdToken(t: ApprovalServer, user: string, decisionHash: string, nonce: string): Promise<string> {
  return t.idp.idTokenFor(user, { nonce: approvalBindingNonce(decisionHash, nonce) });
}

/** Posts an approval body. */
export function postApproval(t: ApprovalServer, decisionId: string, payload: object): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/v1/decisions/${decisionId}/approvals`, payload });
}

/** Approves (or rejects) with a real ID token of the test IdP. */
export async function oidcApprove(
  t: ApprovalServer,
  user: string,
  d: Pick<WireDecision, 'decision_id' | 'decision_hash'>,
  opts: { verdict?: 'approve' | 'reject'; nonce?: string } = {},
): Promise<LightMyRequestResponse> {
  const nonce = opts.nonce ?? newNonce();
  const id_token = await boundIdToken(t, user, d.decision_hash, nonce);
  return postApproval(t, d.decision_id, { method: 'oidc', id_token, nonce, verdict: opts.verdict ?? 'approve', decision_hash: d.decision_hash });
}

/** The ledger entries of a decision's stream: type and parsed payload, in order. */
export async function streamEntries(
  t: ApprovalServer,
  decisionId: string,
): Promise<Array<{ entry_type: string; payload: Record<string, unknown>; entry_jcs: string; stream_prev: string | null; leaf: string }>> {
  const rows = await t.s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs']).where('stream_id', '=', decisionId).orderBy('seq').execute();
  return rows.map((r) => {
    const entry = JSON.parse(r.entry_jcs) as { payload: Record<string, unknown>; stream_prev: string | null };
    return { entry_type: r.entry_type, payload: entry.payload, entry_jcs: r.entry_jcs, stream_prev: entry.stream_prev, leaf: hashRef(leafHashOfJcs(r.entry_jcs)) };
  });
}

/**
 * Asserts a 403 `APPROVAL_REFUSED` problem with `reason`, and that the decision's
 * stream ends with an `approval.refused` entry carrying the same reason.
 */
export async function assertRefused(t: ApprovalServer, res: LightMyRequestResponse, decisionId: string, reason: string): Promise<Record<string, unknown>> {
  assert.equal(res.statusCode, 403, res.body);
  assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  const problem = res.json();
  assert.equal(problem.code, 'APPROVAL_REFUSED');
  assert.equal(problem.reason, reason);
  const entries = await streamEntries(t, decisionId);
  const last = entries[entries.length - 1];
  assert.equal(last?.entry_type, 'approval.refused');
  assert.equal(last?.payload.reason, reason);
  return last!.payload;
}

/** An approver key pair for the JWS method. */
export interface ApproverKeyPair {
  alg: 'EdDSA' | 'ES256';
  privateKey: KeyObject;
  publicJwk: JWK;
  kid: string;
}

/** Makes an Ed25519 (EdDSA) or P-256 (ES256) key pair and its RFC 7638 kid. */
export async function newApproverKey(alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<ApproverKeyPair> {
  const { privateKey, publicKey } = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  return { alg, privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** Registers `key` for `user` (bearer = a plain ID token of the test IdP). */
export async function registerKey(t: ApprovalServer, user: string, key: ApproverKeyPair): Promise<LightMyRequestResponse> {
  const bearer = await t.idp.idTokenFor(user, { nonce: newNonce() });
  return t.app.inject({ method: 'POST', url: '/v1/approver-keys', headers: { authorization: `Bearer ${bearer}` }, payload: { public_jwk: key.publicJwk } });
}

/** Signs approval claims with `key` (header overrides for negative tests). */
export async function signApproval(key: ApproverKeyPair, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  return new CompactSign(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'writ-approval+jwt', ...header } as never).sign(key.privateKey);
}

/** The claims of an approval of `d` issued at the server clock's now, valid `ttl` seconds. */
export function approvalClaims(t: ApprovalServer, d: WireDecision, over: Record<string, unknown> = {}, ttl = 300): Record<string, unknown> {
  const now = Math.floor(t.s.clock.now().getTime() / 1000);
  return { decision_id: d.decision_id, decision_hash: d.decision_hash, intent_digest: d.intent_digest, verdict: 'approve', nonce: newNonce(), issued_at: now, expires_at: now + ttl, ...over };
}

/** Approves with the JWS method. */
export async function jwsApprove(t: ApprovalServer, key: ApproverKeyPair, d: WireDecision, over: Record<string, unknown> = {}, ttl = 300): Promise<LightMyRequestResponse> {
  return postApproval(t, d.decision_id, { method: 'jws', jws: await signApproval(key, approvalClaims(t, d, over, ttl)) });
}

export { textRef };
