/**
 * Acceptance (issue 4): intent ⇒ require_approval ⇒ two approvals carrying ID tokens
 * from a real OpenID provider ⇒ attestation token whose claims validate against the
 * Slice-0 claims schema ⇒ the whole ledger verifies, and the decision's stream chain
 * links intent, decision, both approvals and the token. Runs on PGlite (`npm test`)
 * and on PostgreSQL (`npm run test:pg`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import { decodeJwt } from 'jose';
import { hashCanonical } from '../../src/crypto/hash.ts';
import { ledgerNoteVerifier } from '../../src/ledger/checkpoint-signing.ts';
import { hashRef, leafHashOfJcs } from '../../src/ledger/entry.ts';
import { StoreLedgerSource } from '../../src/ledger/verify/store-ledger-source.ts';
import { verifyLedger } from '../../src/ledger/verify/verify-ledger.ts';
import { startTestIdp, type TestIdp } from '../harness/oidc-idp.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { DEPLOY_SPIFFE_ID, promotionIntent } from '../engine/helpers/intents.ts';

const CLAIMS_SCHEMA = JSON.parse(readFileSync(new URL('../../../shared/reference/slice0/attestation_token_claims.schema.json', import.meta.url), 'utf8'));

let idp: TestIdp;
let s: TestServer;

before(async () => {
  idp = await startTestIdp({
    users: {
      alice: { groups: ['platform-security', 'approver'] },
      bob: { groups: ['release-management', 'approver'] },
    },
  });
  // oidc-provider signs with real time: the server's manual clock starts now.
  s = await startTestServer({ now: new Date(), oidcIssuers: [idp.issuerConfig()] });
});
after(async () => {
  await s?.close();
  await idp?.close();
});

test('intent → two approvals with real OIDC tokens → attestation token → ledger verifies and the stream links every step', async () => {
  const admin = { authorization: `Bearer ${s.adminToken}` };
  const cred = await s.app.inject({ method: 'POST', url: '/v1/workload-credentials', headers: admin, payload: { spiffe_id: DEPLOY_SPIFFE_ID, pipeline_id: 'deploy-main' } });
  assert.equal(cred.statusCode, 201, cred.body);
  const workload = { authorization: `Bearer ${cred.json().secret}` };

  // 1. The intent: a prod promotion needs two approvals.
  const submitted = await s.app.inject({ method: 'POST', url: '/v1/intents', headers: workload, payload: promotionIntent('prod') });
  assert.equal(submitted.statusCode, 201, submitted.body);
  const decision = submitted.json().decision;
  assert.equal(decision.verdict, 'require_approval');
  assert.equal(decision.status, 'pending_approval');

  // 2. No token before quorum.
  const early = await s.app.inject({ method: 'POST', url: `/v1/decisions/${decision.decision_id}/token`, headers: workload });
  assert.equal(early.statusCode, 403);
  assert.equal(early.json().reason, 'QUORUM_NOT_REACHED');

  // 3. Two approvers, one per required group, each with an ID token whose nonce binds {decision_hash, nonce}.
  const statuses: string[] = [];
  for (const [i, user] of ['alice', 'bob'].entries()) {
    const nonce = `e2e-approval-nonce-${i}-${decision.decision_id}`;
    const idToken = await idp.idTokenFor(user, { nonce: hashCanonical({ decision_hash: decision.decision_hash, nonce }) });
    const r = await s.app.inject({
      method: 'POST',
      url: `/v1/decisions/${decision.decision_id}/approvals`,
      payload: { method: 'oidc', id_token: idToken, nonce, verdict: 'approve', decision_hash: decision.decision_hash },
    });
    assert.ok(r.statusCode === 200 || r.statusCode === 201, r.body);
    statuses.push(r.json().decision_status ?? r.json().decision?.status ?? r.json().status);
  }
  assert.deepEqual(statuses, ['pending_approval', 'approved']);

  // 4. The named workload gets its token; the claims are exactly the Slice-0 contract.
  const issued = await s.app.inject({ method: 'POST', url: `/v1/decisions/${decision.decision_id}/token`, headers: workload });
  assert.equal(issued.statusCode, 201, issued.body);
  const claims = decodeJwt(issued.json().token);
  const ajv = new Ajv({ strict: false });
  assert.equal(ajv.validate(CLAIMS_SCHEMA, claims), true, JSON.stringify(ajv.errors));
  assert.equal(claims.decision_hash, decision.decision_hash);
  assert.equal(claims.exec_identity_hash, decision.exec_identity_hash);
  assert.equal(claims.policy_bundle_hash, decision.policy_bundle_hash);

  // 5. The whole ledger verifies.
  const keys = await s.keyring.list('ledger');
  const report = await verifyLedger(new StoreLedgerSource(s.store.db), {
    origin: 'writ.test/ledger',
    verifiers: keys.map((k) => ledgerNoteVerifier('writ.test/ledger', k.publicJwk)),
  });
  assert.equal(report.ok, true, JSON.stringify(report.problems));

  // 6. The decision's stream: intent, decision, the early refusal, two approvals, token — each linked to the one before.
  const rows = await s.store.db.selectFrom('ledger_entries').select(['seq', 'entry_type', 'entry_jcs']).where('stream_id', '=', decision.decision_id).orderBy('seq').execute();
  assert.deepEqual(rows.map((r) => r.entry_type), ['intent.received', 'decision.recorded', 'token.refused', 'approval.recorded', 'approval.recorded', 'token.issued']);
  let prev: string | null = null;
  for (const row of rows) {
    const entry = JSON.parse(row.entry_jcs) as { stream_prev: string | null; payload: Record<string, unknown> };
    assert.equal(entry.stream_prev, prev, `stream_prev of seq ${row.seq}`);
    prev = hashRef(leafHashOfJcs(row.entry_jcs));
  }
  const payloads = rows.map((r) => (JSON.parse(r.entry_jcs) as { payload: Record<string, unknown> }).payload);
  assert.equal(payloads[1]?.decision_hash, decision.decision_hash);
  assert.deepEqual(payloads.slice(3, 5).map((p) => (p.approver as { sub: string }).sub), ['alice', 'bob']);
  assert.equal(payloads[5]?.jti, claims.jti);
  // No raw token anywhere in the stream.
  assert.ok(!rows.some((r) => r.entry_jcs.includes(issued.json().token.split('.')[2])));
});
