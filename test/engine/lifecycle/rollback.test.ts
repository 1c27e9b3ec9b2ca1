/**
 * The rollback plan reads the activation history: the known-good target is the last
 * bundle, other than the current one, that was active without an incident. And a
 * candidate that would deny every later policy.activate (closing the way back) is
 * refused at activation and blocked by lint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { transitionStatus } from '../../../src/engine/decisions/decision-store.ts';
import type { BundleDocument } from '../../../src/policy/bundle-document.ts';
import { checkBundleDocument } from '../../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../src/policy/load-bundle.ts';
import { lintBundle } from '../../../src/policy/lifecycle/lint/lint-bundle.ts';
import { startHumanServer, type HumanTestServer } from '../break-glass/human-server.ts';

function version(v: string, edit: (doc: BundleDocument) => BundleDocument = (d) => d): BundleDocument {
  const doc = structuredClone(loadBundleDir(DEFAULT_BUNDLE_DIR).document) as BundleDocument;
  return edit({ ...doc, manifest: { ...doc.manifest, version: v } });
}

/** Without the governance permit, policy.activate has no permit: every activation is denied. */
const withoutGovernance = (doc: BundleDocument): BundleDocument => ({
  ...doc,
  policies: doc.policies.filter((p) => p.file !== 'governance.cedar'),
  tests: doc.tests.filter((t) => t.file !== 'governance.yaml'),
});

describe('rollback', () => {
  let s: HumanTestServer;
  let v1: string;
  before(async () => {
    s = await startHumanServer();
    v1 = (await get('/v1/policy/active')).json().policy_bundle_hash;
  });
  after(async () => s.close());

  const post = (url: string, payload: object = {}) => s.app.inject({ method: 'POST', url, headers: s.admin, payload });
  const get = (url: string) => s.app.inject({ method: 'GET', url, headers: s.admin });
  async function pushAndActivate(doc: BundleDocument): Promise<string> {
    const pushed = await post('/v1/policy/bundles', doc as object);
    assert.ok(pushed.statusCode === 201 || pushed.statusCode === 200, pushed.body);
    const hash = pushed.json().policy_bundle_hash as string;
    const requested = await post('/v1/policy/activations', { policy_bundle_hash: hash });
    assert.equal(requested.statusCode, 201, requested.body);
    const id = requested.json().decision.decision_id as string;
    assert.equal(await s.store.transaction((trx) => transitionStatus(trx, id, 'pending_approval', 'approved', s.clock.now())), true);
    assert.equal((await post(`/v1/policy/activations/${id}/apply`)).statusCode, 200);
    return hash;
  }

  test('the known-good target skips a bundle whose activation saw an incident', async () => {
    s.clock.advance(60_000);
    const v2 = await pushAndActivate(version('2.0.0'));
    s.clock.advance(60_000);
    assert.equal((await post('/v1/signals/incidents', { targets: ['payments/prod'], reason: 'outage while 2.0.0 was active' })).statusCode, 201);
    s.clock.advance(60_000);
    const v3 = await pushAndActivate(version('3.0.0'));

    const plan = (await get('/v1/policy/rollback-plan')).json();
    assert.equal(plan.current_policy_bundle_hash, v3);
    assert.equal(plan.target.policy_bundle_hash, v1, 'v2 saw an incident, so the way back is v1');
    assert.equal(plan.activation_request.body.policy_bundle_hash, v1);
    assert.ok(plan.target.active_until, 'v1 was active until v2 replaced it');

    const chosen = (await get(`/v1/policy/rollback-plan?to=${v2}`)).json();
    assert.equal(chosen.target.policy_bundle_hash, v2);
    assert.match(chosen.target.why, /1 incident\(s\) were opened while it was active/);

    // Rolling back is an activation like any other, and the history grows.
    assert.equal(await pushAndActivate(version('1.0.0')), v1);
    const after = (await get('/v1/policy/rollback-plan')).json();
    assert.equal(after.target.policy_bundle_hash, v3, 'the last bundle before the rollback, active without incident');
  });

  test('a candidate that would deny every later activation is refused (ROLLBACK_UNREACHABLE) and blocked by lint', async () => {
    const doc = version('9.0.0', withoutGovernance);
    const check = checkBundleDocument(structuredClone(doc));
    assert.deepEqual(check.problems, []);
    const lint = lintBundle(check, { knownGroups: null });
    assert.ok(lint.issues.some((i) => i.code === 'POLICY_ACTIVATE_UNGOVERNED' && i.severity === 'blocker'), JSON.stringify(lint.issues.map((i) => i.code)));
    const pushed = await post('/v1/policy/bundles', doc as object);
    assert.equal(pushed.statusCode, 201, pushed.body);
    const refused = await post('/v1/policy/activations', { policy_bundle_hash: pushed.json().policy_bundle_hash });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().reason, 'ROLLBACK_UNREACHABLE');
  });
});
