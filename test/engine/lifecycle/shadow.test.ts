/**
 * Shadow mode end to end over HTTP: a candidate that flips one verdict (a phase hold no
 * longer blocks staging promotions) is observed on live intents; exactly the expected
 * divergence is recorded (row, ledger entry, metrics), and activation is refused until
 * the promotion criteria are met (observation time, the divergence explained).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkBundleDocument } from '../../../src/policy/compile-bundle.ts';
import { transitionStatus } from '../../../src/engine/decisions/decision-store.ts';
import { startHumanServer, type HumanTestServer } from '../break-glass/human-server.ts';
import { promotionIntent } from '../helpers/intents.ts';
import { prodOnlyHoldCandidate } from './helpers.ts';

const HOLD_FORBID = 'promotion.forbid.phase_hold';

describe('shadow mode', () => {
  let s: HumanTestServer;
  let candidateHash: string;

  before(async () => {
    s = await startHumanServer();
    const doc = prodOnlyHoldCandidate();
    const check = checkBundleDocument(structuredClone(doc));
    assert.deepEqual(check.problems, []);
    candidateHash = check.policy_bundle_hash!;
    const pushed = await s.app.inject({ method: 'POST', url: '/v1/policy/bundles', headers: s.admin, payload: doc as object });
    assert.equal(pushed.statusCode, 201, pushed.body);
  });
  after(async () => s.close());

  const post = (url: string, payload: object = {}, headers = s.admin) => s.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string, headers = s.admin) => s.app.inject({ method: 'GET', url, headers });
  const submit = async (payload: object) => {
    const r = await post('/v1/intents', payload);
    assert.equal(r.statusCode, 201, r.body);
    return r.json().decision as { decision_id: string; verdict: string; deny_code: string | null };
  };
  const ledgerTypes = async (stream: string) =>
    (await s.store.db.selectFrom('ledger_entries').select('entry_type').where('stream_id', '=', stream).orderBy('seq').execute()).map((r) => r.entry_type);

  test('before any run the shadow status is none', async () => {
    const status = await get('/v1/policy/shadow');
    assert.equal(status.statusCode, 200, status.body);
    assert.equal(status.json().state, 'none');
  });

  test('a shadow run records exactly the flipped verdict, and activation waits for the criteria', async () => {
    const started = await post('/v1/policy/shadow', { policy_bundle_hash: candidateHash, min_observation_hours: 24 }, await s.as('carol'));
    assert.equal(started.statusCode, 201, started.body);
    const run = started.json();
    assert.equal(run.state, 'running');
    assert.equal(run.non_enforcing, true);
    assert.equal(run.promotion_criteria.dry_run_failed_count, 0);
    assert.equal((await post('/v1/policy/shadow', { policy_bundle_hash: candidateHash })).json().reason, 'SHADOW_RUNNING');

    // A hold on the staging target: the active bundle forbids staging promotion, the candidate would not.
    assert.equal((await post('/v1/signals/holds', { target: 'payments/stage', reason: 'freeze for the shadow test' })).statusCode, 201);
    const stage = await submit(promotionIntent('stage'));
    const prod = await submit(promotionIntent('prod'));
    const dev = await submit(promotionIntent('dev'));
    const secret = await submit({
      action_scope: 'file.read',
      principal: { type: 'agent', id: 'coding-agent' },
      resource: { type: 'file', id: '.env', attrs: { path: '.env' } },
      execution_identity: { agent_id: 'coding-agent', region: 'local', env_tier: 'dev' },
      parameters: {},
      context: {},
    });
    // Enforcement is the active bundle's: the candidate never decides.
    assert.deepEqual([stage.verdict, prod.verdict, dev.verdict, secret.verdict], ['deny', 'require_approval', 'allow', 'deny']);

    const list = await get('/v1/policy/shadow/divergences');
    assert.equal(list.statusCode, 200, list.body);
    const divergences = list.json().divergences as Array<{ divergence_id: string; decision_id: string; severity: string; active: { verdict: string; reasons: string[] }; candidate: { verdict: string } }>;
    assert.equal(divergences.length, 1, JSON.stringify(divergences));
    const [d] = divergences;
    assert.equal(d!.decision_id, stage.decision_id);
    assert.equal(d!.severity, 'critical');
    assert.equal(d!.active.verdict, 'deny');
    assert.deepEqual(d!.active.reasons, [HOLD_FORBID]);
    assert.equal(d!.candidate.verdict, 'allow');

    const summary = (await get('/v1/policy/shadow')).json();
    assert.equal(summary.intents_observed, 4);
    assert.deepEqual(summary.divergences.by_severity, { low: 0, medium: 0, high: 0, critical: 1 });
    assert.equal(summary.divergences.unexplained_high, 1);
    assert.equal(summary.criteria_met, false);

    const metrics = await s.app.inject({ method: 'GET', url: '/metrics' });
    if (metrics.statusCode === 200) assert.match(metrics.body, /writ_policy_shadow_divergences\{severity="critical"\} 1/);

    // Refused: not observed long enough, and an unexplained critical divergence.
    const early = await post('/v1/policy/activations', { policy_bundle_hash: candidateHash });
    assert.equal(early.statusCode, 409, early.body);
    assert.equal(early.json().reason, 'SHADOW_CRITERIA_UNMET');
    assert.match(early.json().detail ?? early.json().title ?? early.body, /observed .* of the 24 h required/);

    s.clock.advance(25 * 3_600_000);
    const stillUnexplained = await post('/v1/policy/activations', { policy_bundle_hash: candidateHash });
    assert.equal(stillUnexplained.statusCode, 409, stillUnexplained.body);
    assert.doesNotMatch(stillUnexplained.body, /observed/);
    assert.match(stillUnexplained.body, /not explained/);

    const explained = await post(`/v1/policy/shadow/divergences/${d!.divergence_id}/explain`, { explanation: 'intended: holds on staging no longer block (CHG-77)' }, await s.as('dave'));
    assert.equal(explained.statusCode, 200, explained.body);
    assert.equal((await post(`/v1/policy/shadow/divergences/${d!.divergence_id}/explain`, { explanation: 'again' })).json().reason, 'ALREADY_EXPLAINED');

    const requested = await post('/v1/policy/activations', { policy_bundle_hash: candidateHash });
    assert.equal(requested.statusCode, 201, requested.body);
    const decision = requested.json().decision;
    assert.equal(decision.status, 'pending_approval');
    const evidence = await get(`/v1/policy/activations/${decision.decision_id}/evidence`);
    assert.equal(evidence.statusCode, 200, evidence.body);
    const shadowEvidence = evidence.json().evidence.find((e: { kind: string }) => e.kind === 'shadow_summary');
    assert.equal(shadowEvidence.document.criteria_met, true);
    assert.equal(shadowEvidence.document.divergences.explained, 1);

    await s.store.transaction((trx) => transitionStatus(trx, decision.decision_id, 'pending_approval', 'approved', s.clock.now()));
    const applied = await post(`/v1/policy/activations/${decision.decision_id}/apply`);
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal((await get('/v1/policy/active')).json().policy_bundle_hash, candidateHash);

    // The run stopped when its candidate became active; every step is in the run's stream.
    const after = (await get(`/v1/policy/shadow?candidate=${candidateHash}`)).json();
    assert.equal(after.state, 'stopped');
    assert.deepEqual(await ledgerTypes(run.shadow_id), ['policy.shadow_started', 'policy.shadow_divergence', 'policy.divergence_explained', 'policy.shadow_stopped']);
    assert.ok((await ledgerTypes(decision.decision_id)).includes('policy.activation_evidence'));
  });
});
