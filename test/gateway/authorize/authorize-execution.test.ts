/**
 * authorize_execution over HTTP: ALLOW, the Slice-0 contracts (request, response,
 * token, events), and every `deny_on` condition of the Slice-0 fail-closed matrix
 * provoked and answered with its code. Runs on PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { hashCanonical } from '../../../src/crypto/hash.ts';
import { CommitSweeper } from '../../../src/gateway/commit/commit-sweeper.ts';
import type { Intent } from '../../../src/policy/intent.ts';
import { gatewayDepsOf } from '../../../src/server/routes/authorize.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';
import { KeptEvents, SetEpochs, SetRevocations, TestSvids } from '../helpers/ports.ts';

const ref = (name: string) => JSON.parse(readFileSync(new URL(`../../../../shared/reference/slice0/${name}`, import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validRequest = ajv.compile(ref('authorize_execution.request.schema.json'));
const validResponse = ajv.compile(ref('authorize_execution.response.schema.json'));
const validEvent = ajv.compile(ref('enforcement_event.schema.json'));
const validClaims = ajv.compile(ref('attestation_token_claims.schema.json'));
const MATRIX = ref('fail_closed_matrix.slice0.json') as { rules: Array<{ action_scope: string; deny_on: string[] }> };

const SPIFFE = 'spiffe://acme.example/ci/deploy-main';
const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'prod' as const, spiffe_id: SPIFFE };

function intent(tier: 'prod' | 'stage', target = `payments/${tier}`): Intent {
  return {
    action_scope: 'promotion',
    principal: { type: 'pipeline', id: 'deploy-main' },
    resource: { type: 'environment', id: target, attrs: { tier } },
    execution_identity: { ...IDENTITY, env_tier: tier },
    parameters: {},
    context: { change_ref: 'CHG-7' },
  };
}

describe('authorize_execution', () => {
  let s: TestServer;
  const revocations = new SetRevocations();
  const epochs = new SetEpochs();
  const events = new KeptEvents();
  let admin: Record<string, string>;
  let workload: Record<string, string>;
  const svid = { authorization: `Bearer test-svid:${SPIFFE}` };
  // Which deny_on conditions of the matrix a test provoked, with the code it got.
  const provoked = new Map<string, string>();

  before(async () => {
    s = await startTestServer({ gateway: { revocations, epochs, workloads: new TestSvids(), events, audience: 'writ-gateway' } });
    admin = { authorization: `Bearer ${s.adminToken}` };
    const cred = await s.app.inject({ method: 'POST', url: '/v1/workload-credentials', headers: admin, payload: { spiffe_id: SPIFFE } });
    workload = { authorization: `Bearer ${cred.json().secret}` };
  });
  after(async () => {
    await s.close();
  });
  beforeEach(() => {
    revocations.stale = false;
    revocations.jtis.clear();
    revocations.kids.clear();
    revocations.agents.clear();
  });

  /** An allowed decision and its token (stage promotions are allowed without approvals). */
  async function allowedToken(tier: 'stage' | 'prod' = 'stage', target?: string) {
    const submitted = await s.app.inject({ method: 'POST', url: '/v1/intents', headers: workload, payload: intent(tier, target) });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const decision = submitted.json().decision;
    if (decision.status === 'pending_approval') {
      for (const user of ['alice', 'bob']) {
        const nonce = `gateway-test-nonce-${user}-${decision.decision_id}`;
        const idToken = await s.devIdp.issueIdToken(user, { nonce: hashCanonical({ decision_hash: decision.decision_hash, nonce }) });
        const r = await s.app.inject({ method: 'POST', url: `/v1/decisions/${decision.decision_id}/approvals`, payload: { method: 'oidc', id_token: idToken, nonce, verdict: 'approve', decision_hash: decision.decision_hash } });
        assert.equal(r.statusCode, 201, r.body);
      }
    }
    const t = await s.app.inject({ method: 'POST', url: `/v1/decisions/${decision.decision_id}/token`, headers: workload });
    assert.equal(t.statusCode, 201, t.body);
    return { decision, token: t.json().token as string, tier };
  }

  const body = (a: { decision: { decision_hash: string }; token: string; tier: 'stage' | 'prod' }, extra: Record<string, unknown> = {}) => ({
    decision_hash: a.decision.decision_hash,
    attestation_token: a.token,
    action_scope: 'promotion',
    execution_identity: { ...IDENTITY, env_tier: a.tier },
    requested_at: s.clock.now().toISOString(),
    ...extra,
  });
  const authorize = (payload: unknown, headers: Record<string, string> = svid) => s.app.inject({ method: 'POST', url: '/v1/authorize_execution', headers, payload: payload as object });

  async function expectDeny(payload: unknown, code: string, condition?: string, headers?: Record<string, string>) {
    const r = await authorize(payload, headers);
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json();
    assert.equal(res.verdict, 'DENY', r.body);
    assert.equal(res.denial_code, code);
    assert.equal(validResponse(res), true, JSON.stringify(validResponse.errors));
    if (condition) provoked.set(condition, res.denial_code);
    return res;
  }

  test('a valid token for an allowed decision is ALLOWed; request, token, response and events fit Slice-0', async () => {
    const a = await allowedToken();
    const payload = body(a);
    assert.equal(validRequest(payload), true, JSON.stringify(validRequest.errors));
    assert.equal(validClaims(JSON.parse(Buffer.from(a.token.split('.')[1]!, 'base64url').toString())), true);
    const r = await authorize(payload);
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json();
    assert.equal(res.verdict, 'ALLOW', r.body);
    assert.equal(validResponse(res), true, JSON.stringify(validResponse.errors));
    assert.deepEqual(res.enforcement_epoch, { value: 1, state: 'active', grace_window_seconds: 60 });
    const mine = events.events.filter((e) => e.authorization_id === res.authorization_id);
    assert.deepEqual(mine.map((e) => e.event_type), ['authorization_requested', 'authorization_approved']);
    for (const e of mine) assert.equal(validEvent(e), true, JSON.stringify(validEvent.errors));
    // The commit: the sequencer integrates it; the status then carries an inclusion proof.
    await s.ledger.drainOnce();
    const st = await s.app.inject({ method: 'GET', url: `/v1/authorizations/${res.authorization_id}`, headers: admin });
    assert.equal(st.json().state, 'committed', st.body);
    assert.ok(st.json().commit.inclusion_proof.length >= 0);
    assert.match(st.json().commit.checkpoint.note, /writ\.test\/ledger/);
  });

  test('token_replay: the second use of a token is TOKEN_REPLAY', async () => {
    const a = await allowedToken();
    assert.equal((await authorize(body(a))).json().verdict, 'ALLOW');
    const res = await expectDeny(body(a), 'TOKEN_REPLAY', 'token_replay');
    const denied = events.events.filter((e) => e.authorization_id === res.authorization_id && e.event_type === 'authorization_denied');
    assert.equal(denied.length, 1);
    assert.equal(validEvent(denied[0]), true);
  });

  test('token_invalid: tampered signature, wrong decision hash, wrong scope, expired', async () => {
    const a = await allowedToken();
    const [h, p, sig] = a.token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('A') ? 'B' : 'A'}A`;
    await expectDeny(body(a, { attestation_token: flipped }), 'TOKEN_INVALID', 'token_invalid');
    await expectDeny(body(a, { decision_hash: `sha256:${'1'.repeat(64)}` }), 'TOKEN_INVALID');
    await expectDeny(body(a, { action_scope: 'terraform.apply' }), 'TOKEN_INVALID');
    s.clock.advance(331_000);
    try {
      await expectDeny(body(a), 'TOKEN_INVALID');
    } finally {
      s.clock.advance(-331_000);
    }
  });

  test('revocation_uncertain: a stale revocation view denies; a revoked jti, kid or agent is TOKEN_INVALID', async () => {
    const a = await allowedToken();
    revocations.stale = true;
    await expectDeny(body(a), 'REVOCATION_UNCERTAIN', 'revocation_uncertain');
    revocations.stale = false;
    const claims = JSON.parse(Buffer.from(a.token.split('.')[1]!, 'base64url').toString());
    revocations.kids.add(claims.kid);
    await expectDeny(body(a), 'TOKEN_INVALID');
    assert.ok(events.events.some((e) => e.event_type === 'revocation_hit'));
  });

  test('epoch_incompatible: a deprecated epoch, and a draining one past its grace', async () => {
    const a = await allowedToken();
    epochs.states.set(1, { value: 1, state: 'deprecate', grace_window_seconds: 60, grace_remaining_ms: 0 });
    epochs.states.set(2, { value: 2, state: 'active', grace_window_seconds: 60, grace_remaining_ms: 0 });
    try {
      await expectDeny(body(a), 'EPOCH_INCOMPATIBLE', 'epoch_incompatible');
      epochs.states.set(1, { value: 1, state: 'drain', grace_window_seconds: 60, grace_remaining_ms: -1 });
      await expectDeny(body(a), 'EPOCH_INCOMPATIBLE');
      epochs.states.set(1, { value: 1, state: 'drain', grace_window_seconds: 60, grace_remaining_ms: 10_000 });
      assert.equal((await authorize(body(a))).json().verdict, 'ALLOW');
    } finally {
      epochs.states.set(1, { value: 1, state: 'active', grace_window_seconds: 60, grace_remaining_ms: 0 });
      epochs.states.delete(2);
    }
  });

  test('identity_binding_mismatch: no SVID, another SPIFFE ID, another tuple', async () => {
    const a = await allowedToken();
    await expectDeny(body(a), 'IDENTITY_BINDING_MISMATCH', 'identity_binding_mismatch', {});
    await expectDeny(body(a), 'IDENTITY_BINDING_MISMATCH', undefined, { authorization: 'Bearer test-svid:spiffe://acme.example/ci/other' });
    await expectDeny(body(a, { execution_identity: { ...IDENTITY, env_tier: 'stage', region: 'us-east-1' } }), 'IDENTITY_BINDING_MISMATCH');
  });

  test('phase_hold_active and drift_check_failed: a hold or an incident that appeared after the decision', async () => {
    const a = await allowedToken('stage', 'svc-hold/stage');
    const hold = await s.app.inject({ method: 'POST', url: '/v1/signals/holds', headers: admin, payload: { target: 'svc-hold/stage', reason: 'freeze' } });
    await expectDeny(body(a), 'PHASE_HOLD_ACTIVE', 'phase_hold_active');
    await s.app.inject({ method: 'POST', url: `/v1/signals/holds/${hold.json().id}/clear`, headers: admin, payload: {} });
    const b = await allowedToken('stage', 'svc-inc/stage');
    const inc = await s.app.inject({ method: 'POST', url: '/v1/signals/incidents', headers: admin, payload: { targets: ['svc-inc/stage'], reason: 'outage' } });
    await expectDeny(body(b), 'DRIFT_DETECTED', 'drift_check_failed');
    await s.app.inject({ method: 'POST', url: `/v1/signals/incidents/${inc.json().id}/resolve`, headers: admin, payload: {} });
    assert.equal((await authorize(body(b))).json().verdict, 'ALLOW');
  });

  test('override_expired: a hold waived by an override at decision time, the override lapsed before execution', async () => {
    await s.app.inject({ method: 'POST', url: '/v1/signals/holds', headers: admin, payload: { target: 'svc-ovr/prod', reason: 'freeze' } });
    await s.app.inject({ method: 'POST', url: '/v1/signals/overrides', headers: admin, payload: { targets: ['svc-ovr/prod'], ttl_seconds: 120, reason: 'hotfix approved by CAB' } });
    const a = await allowedToken('prod', 'svc-ovr/prod');
    assert.equal(a.decision.verdict, 'require_approval');
    s.clock.advance(121_000);
    await expectDeny(body(a), 'OVERRIDE_EXPIRED', 'override_expired');
  });

  test('ledger_commit_timeout: an ALLOW not integrated in time is compensated; no record, no ALLOW', async () => {
    const a = await allowedToken();
    await s.ledger.stop();
    try {
      const res = (await authorize(body(a))).json();
      assert.equal(res.verdict, 'ALLOW');
      const sweeper = new CommitSweeper(gatewayDepsOf({ config: undefined as never, store: s.store, keyring: s.keyring, clock: s.clock, logger: undefined as never, ledger: s.ledger, version: 't' }, { revocations, epochs, workloads: new TestSvids(), events, audience: 'writ-gateway' }));
      s.clock.advance(31_000);
      const swept = await sweeper.sweepOnce();
      assert.ok(swept.compensated.includes(res.authorization_id));
      const st = await s.app.inject({ method: 'GET', url: `/v1/authorizations/${res.authorization_id}`, headers: admin });
      assert.equal(st.json().state, 'compensated');
      const comp = events.events.find((e) => e.event_type === 'compensation_triggered' && e.authorization_id === res.authorization_id);
      assert.equal(comp?.denial_code, 'LEDGER_COMMIT_TIMEOUT');
      assert.equal(validEvent(comp), true);
      provoked.set('ledger_commit_timeout', comp?.denial_code ?? '');
    } finally {
      await s.ledger.start();
    }
  });

  test('a body without decision_hash is a 400 problem with MISSING_DECISION_HASH, and still recorded', async () => {
    const r = await authorize({ attestation_token: 'x'.repeat(40), action_scope: 'promotion' });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().denial_code, 'MISSING_DECISION_HASH');
    const row = await s.store.db.selectFrom('authorizations' as never).selectAll().where('authorization_id' as never, '=', r.json().authorization_id as never).executeTakeFirst();
    assert.ok(row, 'the denied request is recorded');
  });

  test('every deny_on condition of the Slice-0 fail-closed matrix was provoked and denied with its code', () => {
    const expected: Record<string, string> = {
      token_invalid: 'TOKEN_INVALID',
      token_replay: 'TOKEN_REPLAY',
      revocation_uncertain: 'REVOCATION_UNCERTAIN',
      epoch_incompatible: 'EPOCH_INCOMPATIBLE',
      identity_binding_mismatch: 'IDENTITY_BINDING_MISMATCH',
      drift_check_failed: 'DRIFT_DETECTED',
      phase_hold_active: 'PHASE_HOLD_ACTIVE',
      override_expired: 'OVERRIDE_EXPIRED',
      ledger_commit_timeout: 'LEDGER_COMMIT_TIMEOUT',
    };
    const rule = MATRIX.rules.find((r) => r.action_scope === 'promotion');
    assert.ok(rule);
    for (const condition of rule.deny_on) assert.equal(provoked.get(condition), expected[condition], `deny_on ${condition}`);
  });
});
