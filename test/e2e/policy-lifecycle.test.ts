/**
 * A governed policy change end to end: lint → manifest → diff → dry-run (offline, on a
 * bundle directory in a git repository) → push → shadow run on live intents →
 * activation request carrying all that as evidence → two approvals with ID tokens →
 * activate → rollback to the known-good bundle through the same governed path. Every
 * step on the server is ledgered, and the whole ledger verifies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hashCanonical } from '../../src/crypto/hash.ts';
import { approvalBindingNonce } from '../../src/engine/approvals/model.ts';
import { ledgerNoteVerifier } from '../../src/ledger/checkpoint-signing.ts';
import { StoreLedgerSource } from '../../src/ledger/verify/store-ledger-source.ts';
import { verifyLedger } from '../../src/ledger/verify/verify-ledger.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { diffBundles } from '../../src/policy/lifecycle/diff/diff-bundles.ts';
import { runDryRun } from '../../src/policy/lifecycle/dry-run/run-dry-run.ts';
import { lintBundleDir } from '../../src/policy/lifecycle/lint/lint-bundle.ts';
import { buildVersionManifest } from '../../src/policy/lifecycle/manifest/build-version-manifest.ts';
import { DEFAULT_APPROVER_GROUPS } from '../../src/config/load-config.ts';
import { startHumanServer, type HumanTestServer } from '../engine/break-glass/human-server.ts';
import { promotionIntent } from '../engine/helpers/intents.ts';
import { commitAll, prodOnlyHoldCandidate, writeBundleDocument } from '../engine/lifecycle/helpers.ts';

let s: HumanTestServer;
let repo: string;
before(async () => {
  s = await startHumanServer();
  repo = mkdtempSync(join(tmpdir(), 'writ-lifecycle-e2e-'));
});
after(async () => {
  await s?.close();
  rmSync(repo, { recursive: true, force: true });
});


test('lint → manifest → diff → dry-run → shadow → approvals → activate → rollback, all ledgered, ledger verifies', async () => {
  // Offline: the candidate lives in a git repository.
  const dir = writeBundleDocument(prodOnlyHoldCandidate('1.1.0'), join(repo, 'policies', 'payments'));
  const head = commitAll(repo, 'policy: phase holds block prod only');

  const lint = lintBundleDir(dir, { knownGroups: DEFAULT_APPROVER_GROUPS });
  assert.equal(lint.valid, true, JSON.stringify(lint.issues));
  assert.equal(lint.blocker_count, 0);

  const candidate = loadBundleDir(dir);
  const previous = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const manifest = buildVersionManifest(candidate, { dir, previous, now: s.clock.now() });
  assert.equal(manifest.git_versioned, true);
  assert.equal(manifest.git?.commit, head);
  assert.equal(manifest.previous_policy_bundle_hash, previous.policy_bundle_hash);

  const diff = diffBundles(previous, candidate);
  assert.deepEqual(diff.changed, ['promotion.forbid.phase_hold']);
  assert.ok(diff.decisions.changes.some((c) => c.before.verdict === 'deny' && c.after.verdict === 'allow' && c.intent.resource.attrs?.tier === 'stage'));

  const dryRun = runDryRun(candidate, {});
  assert.equal(dryRun.passed, true, JSON.stringify(dryRun.results.filter((r) => !r.passed)));

  // Server: push, observe in shadow mode.
  const admin = s.admin;
  const post = (url: string, payload: object = {}, headers = admin) => s.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string) => s.app.inject({ method: 'GET', url, headers: admin });
  const pushed = await post('/v1/policy/bundles', candidate.document as object, await s.as('carol'));
  assert.equal(pushed.statusCode, 201, pushed.body);
  const hash = candidate.policy_bundle_hash;
  assert.equal((await post('/v1/policy/shadow', { policy_bundle_hash: hash, min_observation_hours: 1 }, await s.as('carol'))).statusCode, 201);
  assert.equal((await post('/v1/signals/holds', { target: 'payments/stage', reason: 'release freeze' })).statusCode, 201);
  for (const tier of ['stage', 'prod', 'dev'] as const) assert.equal((await post('/v1/intents', promotionIntent(tier))).statusCode, 201);
  const divergences = (await get('/v1/policy/shadow/divergences')).json().divergences as Array<{ divergence_id: string; severity: string }>;
  assert.deepEqual(divergences.map((d) => d.severity), ['critical']);
  assert.equal((await post(`/v1/policy/shadow/divergences/${divergences[0]!.divergence_id}/explain`, { explanation: 'intended by CHG-88' }, await s.as('dave'))).statusCode, 200);
  s.clock.advance(2 * 3_600_000);

  // The activation request carries the evidence, bound in the ledger.
  const requested = await post('/v1/policy/activations', { policy_bundle_hash: hash, justification: 'CHG-88', version_manifest: manifest }, await s.as('carol'));
  assert.equal(requested.statusCode, 201, requested.body);
  const decision = requested.json().decision as { decision_id: string; decision_hash: string; status: string };
  assert.equal(decision.status, 'pending_approval');
  const evidence = (await get(`/v1/policy/activations/${decision.decision_id}/evidence`)).json().evidence as Array<{ kind: string; evidence_hash: string; document: Record<string, unknown> }>;
  assert.deepEqual(evidence.map((e) => e.kind), ['lint_report', 'version_manifest', 'semantic_diff', 'dry_run_report', 'shadow_summary', 'rollback_plan']);
  for (const e of evidence) assert.equal(hashCanonical(e.document), e.evidence_hash);
  assert.equal(evidence[1]!.document.source_ref, manifest.source_ref);
  assert.equal((evidence[5]!.document.target as { policy_bundle_hash: string }).policy_bundle_hash, previous.policy_bundle_hash);
  const evidenceEntry = await s.store.db.selectFrom('ledger_entries').select('entry_jcs').where('stream_id', '=', decision.decision_id).where('entry_type', '=', 'policy.activation_evidence').executeTakeFirstOrThrow();
  const ledgered = (JSON.parse(evidenceEntry.entry_jcs) as { payload: { evidence: Record<string, string> } }).payload.evidence;
  assert.deepEqual(ledgered, Object.fromEntries(evidence.map((e) => [e.kind, e.evidence_hash])));

  // Two approvals from platform security (alice, dave), each bound to the decision hash.
  const approve = async (user: string, d: { decision_id: string; decision_hash: string }) => {
    const nonce = `lifecycle-${user}-${d.decision_id}`;
    const id_token = await s.devIdp.issueIdToken(user, { nonce: approvalBindingNonce(d.decision_hash, nonce) });
    const r = await s.app.inject({ method: 'POST', url: `/v1/decisions/${d.decision_id}/approvals`, payload: { method: 'oidc', id_token, nonce, verdict: 'approve', decision_hash: d.decision_hash } });
    assert.ok(r.statusCode === 200 || r.statusCode === 201, r.body);
  };
  await approve('alice', decision);
  await approve('dave', decision);
  const applied = await post(`/v1/policy/activations/${decision.decision_id}/apply`, {}, await s.as('carol'));
  assert.equal(applied.statusCode, 200, applied.body);
  assert.equal((await get('/v1/policy/active')).json().policy_bundle_hash, hash);

  // Rollback: the plan names the known-good default bundle and the governed request.
  const plan = (await get('/v1/policy/rollback-plan')).json();
  assert.equal(plan.target.policy_bundle_hash, previous.policy_bundle_hash);
  assert.ok(plan.steps.length >= 4);
  const back = await post(plan.activation_request.path, plan.activation_request.body, await s.as('carol'));
  assert.equal(back.statusCode, 201, back.body);
  const backDecision = back.json().decision;
  await approve('alice', backDecision);
  await approve('dave', backDecision);
  assert.equal((await post(`/v1/policy/activations/${backDecision.decision_id}/apply`, {}, await s.as('carol'))).statusCode, 200);
  assert.equal((await get('/v1/policy/active')).json().policy_bundle_hash, previous.policy_bundle_hash);

  // Every step is in the ledger, and the ledger verifies.
  const policyStream = (await s.store.db.selectFrom('ledger_entries').select('entry_type').where('stream_id', '=', 'system.policy').orderBy('seq').execute()).map((r) => r.entry_type);
  assert.deepEqual(policyStream, ['policy.bundle_stored', 'policy.activated', 'policy.bundle_stored', 'policy.activated', 'policy.activated']);
  const keys = await s.keyring.list('ledger');
  const report = await verifyLedger(new StoreLedgerSource(s.store.db), { origin: 'writ.test/ledger', verifiers: keys.map((k) => ledgerNoteVerifier('writ.test/ledger', k.publicJwk)) });
  assert.equal(report.ok, true, JSON.stringify(report.problems));
});
