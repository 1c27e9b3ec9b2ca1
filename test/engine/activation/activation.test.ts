import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { transitionStatus } from '../../../src/engine/decisions/decision-store.ts';
import { engineDb } from '../../../src/engine/tables.ts';
import type { BundleDocument } from '../../../src/policy/bundle-document.ts';
import { checkBundleDocument } from '../../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../src/policy/load-bundle.ts';
import { startHumanServer, type HumanTestServer } from '../break-glass/human-server.ts';
import { promotionIntent } from '../helpers/intents.ts';

/** The default bundle with another version (a distinct, valid bundle). */
function bundleVersion(version: string): BundleDocument {
  const doc = structuredClone(loadBundleDir(DEFAULT_BUNDLE_DIR).document) as BundleDocument;
  return { ...doc, manifest: { ...doc.manifest, version } };
}

/** A bundle that parses but fails strict Cedar validation (an attribute the schema does not declare). */
function invalidBundle(): BundleDocument {
  const doc = bundleVersion('6.6.6');
  return {
    ...doc,
    policies: doc.policies.map((f) =>
      f.file === 'governance.cedar' ? { ...f, text: `${f.text}\n@id("policy.activate.colour")\npermit (principal, action == Writ::Action::"policy.activate", resource is Writ::PolicyBundle) when { resource.colour == "red" };\n` } : f,
    ),
  };
}

const hashOf = (doc: BundleDocument): string => {
  const h = checkBundleDocument(structuredClone(doc)).policy_bundle_hash;
  assert.ok(h);
  return h;
};

describe('policy bundles and governed activation', () => {
  let s: HumanTestServer;
  let defaultHash: string;
  const v11 = bundleVersion('1.1.0');
  const v12 = bundleVersion('1.2.0');

  before(async () => {
    s = await startHumanServer();
    const active = await s.app.inject({ method: 'GET', url: '/v1/policy/active', headers: s.admin });
    assert.equal(active.statusCode, 200, active.body);
    defaultHash = active.json().policy_bundle_hash;
  });
  after(async () => s.close());

  const push = async (doc: unknown, headers: Record<string, string> = s.admin) => s.app.inject({ method: 'POST', url: '/v1/policy/bundles', headers, payload: doc as object });
  const activate = async (hash: string, headers: Record<string, string> = s.admin, justification?: string) =>
    s.app.inject({ method: 'POST', url: '/v1/policy/activations', headers, payload: { policy_bundle_hash: hash, ...(justification ? { justification } : {}) } });
  const apply = async (decisionId: string, headers: Record<string, string> = s.admin) =>
    s.app.inject({ method: 'POST', url: `/v1/policy/activations/${decisionId}/apply`, headers });
  const activeHash = async () => (await s.app.inject({ method: 'GET', url: '/v1/policy/active', headers: s.admin })).json().policy_bundle_hash as string;
  /**
   * Drives a pending decision to `approved` directly in the store. Approvals are the
   * approvals API's job (POST /v1/decisions/{id}/approvals, another module); the
   * end-to-end path with real approvals is tested there and by the lead.
   */
  const approve = async (decisionId: string) => {
    const moved = await s.store.transaction((trx) => transitionStatus(trx, decisionId, 'pending_approval', 'approved', s.clock.now()));
    assert.equal(moved, true);
  };
  const storedCount = async () => Number((await s.store.db.selectFrom('policy_bundles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const policyEntries = async (type: string) =>
    (await s.store.db.selectFrom('ledger_entries').select('entry_jcs').where('stream_id', '=', 'system.policy').where('entry_type', '=', type).orderBy('seq').execute()).map((r) => r.entry_jcs);

  test('push: a valid bundle is stored once under its hash and ledgered; pushing it again is a no-op', async () => {
    const hash = hashOf(v11);
    const first = await push(v11, await s.as('carol'));
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual({ ...(first.json() as object), ledger: null, warnings: [] }, { policy_bundle_hash: hash, bundle_id: 'writ-default', version: '1.1.0', stored: true, warnings: [], ledger: null });
    assert.ok(first.json().ledger);
    const stored = await policyEntries('policy.bundle_stored');
    assert.ok(stored.some((e) => e.includes(hash) && e.includes(`${s.idp.issuer}#carol`)));
    const again = await push(v11);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().stored, false);
    assert.equal(again.json().ledger, null);
    assert.equal((await policyEntries('policy.bundle_stored')).filter((e) => e.includes(hash)).length, 1);
    // The default bundle, stored at first start, is already there too.
    const dflt = await push(loadBundleDir(DEFAULT_BUNDLE_DIR).document);
    assert.equal(dflt.statusCode, 200);
    assert.equal(dflt.json().policy_bundle_hash, defaultHash);
  });

  test('push: a bundle failing strict Cedar validation is refused with its problems and not stored', async () => {
    const bad = invalidBundle();
    const count = await storedCount();
    const r = await push(bad);
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().reason, 'BUNDLE_INVALID');
    assert.ok(r.json().problems.length > 0);
    assert.ok(r.json().problems.some((p: { file: string; policy_id?: string }) => p.file === 'policies/governance.cedar' && p.policy_id === 'policy.activate.colour'), r.body);
    const shape = await push({ format: 'nope' });
    assert.equal(shape.statusCode, 400);
    assert.ok(shape.json().problems.length > 0);
    assert.equal(await storedCount(), count);
    const hash = checkBundleDocument(structuredClone(bad)).policy_bundle_hash;
    assert.ok(hash);
    const row = await s.store.db.selectFrom('policy_bundles').select('policy_bundle_hash').where('policy_bundle_hash', '=', hash).executeTakeFirst();
    assert.equal(row, undefined);
  });

  test('push: viewers are refused, anonymous callers unauthenticated', async () => {
    const viewer = await push(v12, await s.as('mallory'));
    assert.equal(viewer.statusCode, 403);
    assert.equal(viewer.json().reason, 'NOT_PRIVILEGED');
    const anon = await s.app.inject({ method: 'POST', url: '/v1/policy/bundles', payload: v12 });
    assert.equal(anon.statusCode, 401);
  });

  test('bundles are listed with the active one flagged', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/v1/policy/bundles', headers: await s.as('mallory') });
    assert.equal(r.statusCode, 200, r.body);
    const bundles = r.json().bundles as Array<{ policy_bundle_hash: string; version: string; active: boolean }>;
    assert.deepEqual(bundles.filter((b) => b.active).map((b) => b.policy_bundle_hash), [defaultHash]);
    assert.ok(bundles.some((b) => b.policy_bundle_hash === hashOf(v11) && b.version === '1.1.0' && !b.active));
  });

  test('activating a bundle that is not stored is refused (BUNDLE_NOT_STORED) and makes no decision', async () => {
    const count = async () => Number((await engineDb(s.store.db).selectFrom('decisions').select((eb) => eb.fn.countAll<number>().as('n')).where('action_scope', '=', 'policy.activate').executeTakeFirstOrThrow()).n);
    const before = await count();
    const r = await activate(`sha256:${'ab'.repeat(32)}`);
    assert.equal(r.statusCode, 404, r.body);
    assert.equal(r.json().code, 'POLICY_BUNDLE_UNKNOWN');
    assert.equal(r.json().reason, 'BUNDLE_NOT_STORED');
    const unpushed = await activate(hashOf(v12));
    assert.equal(unpushed.json().reason, 'BUNDLE_NOT_STORED');
    assert.equal(await count(), before);
    const same = await activate(defaultHash);
    assert.equal(same.statusCode, 409);
    assert.equal(same.json().reason, 'ALREADY_ACTIVE');
  });

  test('activation is decided by the active bundle (2 approvals from platform-security), applied only once approved, ledgered, then reported active', async () => {
    const hash = hashOf(v11);
    const req = await activate(hash, await s.as('carol'), 'CHG-2001 tighten MCP policy');
    assert.equal(req.statusCode, 201, req.body);
    const d = req.json().decision;
    assert.equal(d.action_scope, 'policy.activate');
    assert.equal(d.verdict, 'require_approval');
    assert.equal(d.status, 'pending_approval');
    assert.equal(d.policy_bundle_hash, defaultHash);
    assert.deepEqual(d.obligations.approver_groups, ['platform-security']);
    assert.equal(d.obligations.approvals_required, 2);
    const detail = await s.app.inject({ method: 'GET', url: `/v1/decisions/${d.decision_id}`, headers: s.admin });
    const intent = detail.json().intent;
    assert.deepEqual(intent.principal, { type: 'user', id: 'carol' });
    assert.deepEqual(intent.resource, { type: 'policy_bundle', id: hash, attrs: { bundle_id: 'writ-default', version: '1.1.0' } });
    assert.deepEqual(intent.execution_identity, { region: 'control-plane', env_tier: 'prod' });
    assert.equal(intent.context.justification, 'CHG-2001 tighten MCP policy');

    const early = await apply(d.decision_id);
    assert.equal(early.statusCode, 403, early.body);
    assert.equal(early.json().reason, 'NOT_APPROVED');
    assert.equal(await activeHash(), defaultHash);

    await approve(d.decision_id);
    s.clock.advance(1_000);
    const viewer = await apply(d.decision_id, await s.as('mallory'));
    assert.equal(viewer.statusCode, 403);
    assert.equal(viewer.json().reason, 'NOT_PRIVILEGED');
    const ok = await apply(d.decision_id, await s.as('dave'));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().policy_bundle_hash, hash);
    assert.equal(ok.json().previous_policy_bundle_hash, defaultHash);
    assert.equal(ok.json().decision_hash, d.decision_hash);
    assert.equal(await activeHash(), hash);
    const active = (await s.app.inject({ method: 'GET', url: '/v1/policy/active', headers: await s.as('mallory') })).json();
    assert.equal(active.version, '1.1.0');
    assert.equal(active.activated_at, s.clock.now().toISOString());
    // Ledgered (integrated before the response) with the decision, its hash, the previous bundle and the actor.
    const entries = await s.store.db.selectFrom('ledger_entries').select(['seq', 'entry_jcs']).where('stream_id', '=', 'system.policy').where('entry_type', '=', 'policy.activated').orderBy('seq').execute();
    const last = entries[entries.length - 1]!;
    assert.equal(last.seq, ok.json().ledger.seq);
    for (const part of [hash, defaultHash, d.decision_id, d.decision_hash, `${s.idp.issuer}#dave`]) assert.ok(last.entry_jcs.includes(part), part);
    // New intents are now decided under the new bundle.
    const later = await s.app.inject({ method: 'POST', url: '/v1/intents', headers: s.admin, payload: promotionIntent('stage') });
    assert.equal(later.json().decision.policy_bundle_hash, hash);
    // The same decision cannot be applied twice.
    const twice = await apply(d.decision_id);
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().reason, 'ALREADY_ACTIVE');
  });

  test('a decision made under a bundle that is no longer active is stale, even after switching back', async () => {
    // Now active: 1.1.0. Two requests decided under it: B (→ 1.2.0) and C (→ default).
    const v11Hash = await activeHash();
    assert.notEqual(v11Hash, defaultHash);
    assert.equal((await push(v12)).statusCode, 201);
    const b = (await activate(hashOf(v12))).json().decision;
    const c = (await activate(defaultHash)).json().decision;
    assert.equal(b.policy_bundle_hash, v11Hash);
    await approve(b.decision_id);
    await approve(c.decision_id);
    s.clock.advance(1_000);
    const applied = await apply(c.decision_id);
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal(await activeHash(), defaultHash);
    const stale = await apply(b.decision_id);
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(stale.json().code, 'CONFLICT');
    assert.equal(stale.json().reason, 'STALE_DECISION');
    assert.equal(await activeHash(), defaultHash);

    // Switch back to 1.1.0 with a fresh decision: B was made under 1.1.0, but under an
    // earlier activation of it, so it stays stale (a decision takes effect at most once).
    const again = (await activate(v11Hash)).json().decision;
    await approve(again.decision_id);
    s.clock.advance(1_000);
    assert.equal((await apply(again.decision_id)).statusCode, 200);
    assert.equal(await activeHash(), v11Hash);
    const replay = await apply(b.decision_id);
    assert.equal(replay.statusCode, 409, replay.body);
    assert.equal(replay.json().reason, 'STALE_DECISION');
    assert.equal(await activeHash(), v11Hash);
  });

  test('apply refuses decisions that are not policy activations, unknown ones, and expired ones', async () => {
    const promo = (await s.app.inject({ method: 'POST', url: '/v1/intents', headers: s.admin, payload: promotionIntent('stage') })).json().decision;
    const r = await apply(promo.decision_id);
    assert.equal(r.statusCode, 409, r.body);
    assert.equal(r.json().reason, 'NOT_A_POLICY_ACTIVATION');
    const missing = await apply('dec_missing');
    assert.equal(missing.statusCode, 404);
    const d = (await activate(defaultHash)).json().decision;
    await approve(d.decision_id);
    s.clock.advance(24 * 3600_000);
    const expired = await apply(d.decision_id);
    assert.equal(expired.statusCode, 403, expired.body);
    assert.equal(expired.json().reason, 'NOT_APPROVED');
  });

  test('the routes are documented in /openapi.json from their schemas', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/v1/policy/bundles', '/v1/policy/active', '/v1/policy/activations', '/v1/policy/activations/{decision_id}/apply', '/v1/break-glass', '/v1/break-glass/{id}/review']) {
      assert.ok(doc.paths[p], `missing ${p}`);
    }
    assert.ok(doc.paths['/v1/break-glass'].post.requestBody.content['application/json'].schema.properties.ttl_seconds);
    assert.equal(doc.paths['/v1/policy/activations/{decision_id}/apply'].post.parameters[0].name, 'decision_id');
  });
});
