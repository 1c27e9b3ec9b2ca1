import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { decodeJwt, decodeProtectedHeader, importJWK, compactVerify } from 'jose';
import { canonicalize } from '../../../src/crypto/jcs.ts';
import { decisionHash, execIdentityHash, intentDigest, type DecisionBody } from '../../../src/engine/decisions/model.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { DEPLOY_SPIFFE_ID, promotionIntent } from '../helpers/intents.ts';

const CLAIMS_SCHEMA = JSON.parse(readFileSync(new URL('../../../../shared/reference/slice0/attestation_token_claims.schema.json', import.meta.url), 'utf8'));

describe('intents, decisions and tokens over HTTP', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  let workload: Record<string, string>;
  let otherWorkload: Record<string, string>;

  before(async () => {
    s = await startTestServer();
    admin = { authorization: `Bearer ${s.adminToken}` };
    const mk = async (body: object) => {
      const r = await s.app.inject({ method: 'POST', url: '/v1/workload-credentials', headers: admin, payload: body });
      assert.equal(r.statusCode, 201, r.body);
      return { authorization: `Bearer ${r.json().secret}` };
    };
    workload = await mk({ spiffe_id: DEPLOY_SPIFFE_ID, pipeline_id: 'deploy-main' });
    otherWorkload = await mk({ spiffe_id: 'spiffe://acme.example/ci/other' });
  });
  after(async () => s.close());

  const submit = (payload: object, headers = workload) => s.app.inject({ method: 'POST', url: '/v1/intents', headers, payload });

  test('a staging promotion is allowed, hashed over its canonical body, and ledgered before the response', async () => {
    const intent = promotionIntent('stage');
    const r = await submit(intent);
    assert.equal(r.statusCode, 201, r.body);
    const { decision, created, ledger } = r.json();
    assert.equal(created, true);
    assert.equal(decision.verdict, 'allow');
    assert.equal(decision.status, 'allowed');
    assert.equal(decision.intent_digest, intentDigest(intent));
    assert.equal(decision.exec_identity_hash, execIdentityHash(intent.execution_identity));
    const { decision_hash, status, status_changed_at, ...body } = decision;
    void status; void status_changed_at;
    assert.equal(decision_hash, decisionHash(body as DecisionBody));
    // The decision's entries are in the log when the response arrives.
    const rows = await s.store.db.selectFrom('ledger_entries').select(['seq', 'entry_type', 'entry_jcs']).where('stream_id', '=', decision.decision_id).orderBy('seq').execute();
    assert.deepEqual(rows.map((x) => x.entry_type), ['intent.received', 'decision.recorded']);
    assert.equal(rows[1]?.seq, ledger.seq);
    assert.ok(canonicalize(JSON.parse(rows[1]!.entry_jcs)).includes(decision_hash));
  });

  test('a prod promotion needs two approvals from platform-security and release-management', async () => {
    const r = await submit(promotionIntent('prod'));
    assert.equal(r.statusCode, 201, r.body);
    const d = r.json().decision;
    assert.equal(d.verdict, 'require_approval');
    assert.equal(d.status, 'pending_approval');
    assert.deepEqual(d.obligations, { approvals_required: 2, approver_groups: ['platform-security', 'release-management'], separation_of_duties: true, approval_ttl_s: 3600 });
    const list = await s.app.inject({ method: 'GET', url: '/v1/decisions?status=pending_approval&group=release-management', headers: admin });
    assert.ok(list.json().decisions.some((x: { decision_id: string }) => x.decision_id === d.decision_id));
    const none = await s.app.inject({ method: 'GET', url: '/v1/decisions?status=pending_approval&group=nobody', headers: admin });
    assert.equal(none.json().decisions.length, 0);
  });

  test('idempotency: the same key returns the first decision; another intent under it is a conflict', async () => {
    const intent = promotionIntent('stage', { idempotency_key: 'deploy-42' });
    const first = await submit(intent);
    const again = await submit(intent);
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().decision.decision_id, first.json().decision.decision_id);
    assert.equal(again.json().created, false);
    const other = await submit(promotionIntent('dev', { idempotency_key: 'deploy-42' }));
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().reason, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('a schema-invalid intent is a 400 problem; no credential is a 401', async () => {
    const bad = await submit({ ...promotionIntent('stage'), surprise: 1 });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    const anon = await s.app.inject({ method: 'POST', url: '/v1/intents', payload: promotionIntent('stage') });
    assert.equal(anon.statusCode, 401);
  });

  test('the named workload gets a token whose claims validate against the Slice-0 schema', async () => {
    const d = (await submit(promotionIntent('stage'))).json().decision;
    const r = await s.app.inject({ method: 'POST', url: `/v1/decisions/${d.decision_id}/token`, headers: workload });
    assert.equal(r.statusCode, 201, r.body);
    const { token } = r.json();
    const header = decodeProtectedHeader(token);
    assert.equal(header.typ, 'writ-attestation+jwt');
    assert.equal(header.alg, 'EdDSA');
    const claims = decodeJwt(token);
    const ajv = new Ajv({ strict: false });
    assert.equal(ajv.validate(CLAIMS_SCHEMA, claims), true, JSON.stringify(ajv.errors));
    assert.equal(claims.kid, header.kid);
    assert.equal(claims.decision_hash, d.decision_hash);
    assert.equal(claims.exp, (claims.issued_at as number) + 300);
    // Signed by the active token key published in the JWKS.
    const jwks = (await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
    await compactVerify(token, await importJWK(jwk, 'EdDSA'));
    // Ledgered with a hash of the token, never the token.
    const entries = await s.store.db.selectFrom('ledger_entries').select(['entry_type', 'entry_jcs']).where('stream_id', '=', d.decision_id).orderBy('seq').execute();
    assert.deepEqual(entries.map((e) => e.entry_type), ['intent.received', 'decision.recorded', 'token.issued']);
    assert.ok(!entries.some((e) => e.entry_jcs.includes(token.split('.')[2])));
  });

  test('refusals carry reason codes: another workload, and a decision still waiting for approvals', async () => {
    const allowed = (await submit(promotionIntent('stage'))).json().decision;
    const wrong = await s.app.inject({ method: 'POST', url: `/v1/decisions/${allowed.decision_id}/token`, headers: otherWorkload });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().reason, 'WRONG_WORKLOAD');
    const pending = (await submit(promotionIntent('prod'))).json().decision;
    const early = await s.app.inject({ method: 'POST', url: `/v1/decisions/${pending.decision_id}/token`, headers: workload });
    assert.equal(early.statusCode, 403);
    assert.equal(early.json().reason, 'QUORUM_NOT_REACHED');
    const refused = await s.store.db.selectFrom('ledger_entries').select('entry_jcs').where('stream_id', '=', pending.decision_id).where('entry_type', '=', 'token.refused').execute();
    assert.equal(refused.length, 1);
    assert.match(refused[0]!.entry_jcs, /QUORUM_NOT_REACHED/);
  });
});
