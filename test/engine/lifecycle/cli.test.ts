/**
 * The lifecycle CLI against a live test server: `writ policy shadow start|status|
 * divergences|explain|stop`, `writ policy evidence`, `writ policy rollback-plan`, and
 * `writ policy lifecycle-plan --server` producing a packet the readiness gate accepts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { registerPolicyCommands } from '../../../src/cli/commands/policy.ts';
import { transitionStatus } from '../../../src/engine/decisions/decision-store.ts';
import { hashCanonical } from '../../../src/crypto/hash.ts';
import { cliRunner } from '../break-glass/cli-harness.ts';
import { startHumanServer, type HumanTestServer } from '../break-glass/human-server.ts';
import { promotionIntent } from '../helpers/intents.ts';
import { commitAll, prodOnlyHoldCandidate, writeBundleDocument } from './helpers.ts';

let s: HumanTestServer;
let run: ReturnType<typeof cliRunner>;
let work: string;

before(async () => {
  s = await startHumanServer();
  const addr = await s.app.listen({ host: '127.0.0.1', port: 0 });
  run = cliRunner(s, addr, registerPolicyCommands);
  work = mkdtempSync(join(tmpdir(), 'writ-lifecycle-cli-'));
});
after(async () => {
  await s.close();
  rmSync(work, { recursive: true, force: true });
});

test('shadow, evidence, rollback-plan and lifecycle-plan from the command line', async () => {
  const dir = writeBundleDocument(prodOnlyHoldCandidate('3.0.0'), join(work, 'candidate'));
  commitAll(work); // a live packet needs a Git-versioned bundle
  const hash = JSON.parse((await run(true, 'policy', 'push', dir)).out).policy_bundle_hash as string;

  // diff and manifest take stored bundles by hash as well as directories.
  const active = (await s.app.inject({ method: 'GET', url: '/v1/policy/active', headers: { authorization: `Bearer ${s.adminToken}` } })).json().policy_bundle_hash as string;
  const diffed = await run(true, 'policy', 'diff', active, hash);
  assert.equal(diffed.exitCode, 1);
  assert.deepEqual(JSON.parse(diffed.out).changed, ['promotion.forbid.phase_hold']);
  const manifest = await run(true, 'policy', 'manifest', dir, '--previous', active);
  assert.equal(JSON.parse(manifest.out).previous_policy_bundle_hash, active);

  const started = JSON.parse((await run(true, 'policy', 'shadow', 'start', hash, '--min-hours', '0.5', '--dev-user', 'carol')).out);
  assert.equal(started.state, 'running');
  assert.equal(started.promotion_criteria.min_observation_hours, 0.5);

  const admin = { authorization: `Bearer ${s.adminToken}` };
  assert.equal((await s.app.inject({ method: 'POST', url: '/v1/signals/holds', headers: admin, payload: { target: 'payments/stage', reason: 'cli test' } })).statusCode, 201);
  assert.equal((await s.app.inject({ method: 'POST', url: '/v1/intents', headers: admin, payload: promotionIntent('stage') })).statusCode, 201);

  // status exits 1 while the criteria are not met, and says why.
  const waiting = await run(false, 'policy', 'shadow', 'status');
  assert.equal(waiting.exitCode, 1);
  assert.match(waiting.out, /^diverged {2}1: critical 1, high 0, medium 0, low 0; 0 explained, 1 high\/critical unexplained$/m);
  assert.match(waiting.out, /^not met: observed 0\.00 h of the 0\.5 h required; 1 high or critical divergence\(s\) not explained$/m);

  const list = JSON.parse((await run(true, 'policy', 'shadow', 'divergences', '--severity', 'critical')).out);
  assert.equal(list.divergences.length, 1);
  const human = await run(false, 'policy', 'shadow', 'divergences');
  assert.match(human.out, /^critical div_\S+ {2}promotion payments\/stage: deny → allow/m);
  await run(false, 'policy', 'shadow', 'explain', list.divergences[0].divergence_id, '--note', 'intended', '--dev-user', 'dave');
  s.clock.advance(3_600_000);
  const met = await run(true, 'policy', 'shadow', 'status');
  assert.equal(met.exitCode, 0);
  assert.equal(JSON.parse(met.out).criteria_met, true);

  // The offline-built manifest travels with the request; the evidence is what approvers see.
  const plan = await run(true, 'policy', 'lifecycle-plan', '--bundle', dir, '--output-dir', join(work, 'out'), '--server', '--ci-run-ref', 'ci://runs/42', '--review-ref', 'review://pr/7');
  assert.equal(plan.exitCode, 0, JSON.stringify(JSON.parse(plan.out).readiness.checks.filter((c: { status: string }) => c.status !== "pass")));
  const planned = JSON.parse(plan.out);
  assert.equal(planned.evidence_mode, 'live');
  assert.equal(planned.readiness.status, 'ready');
  const packet = JSON.parse(readFileSync(planned.export.packet, 'utf8'));
  assert.equal(packet.shadow_summary.criteria_met, true);
  assert.equal(packet.rollback_plan.target.policy_bundle_hash, packet.version_manifest.previous_policy_bundle_hash);
  for (const [key, file] of Object.entries(planned.export.artifacts as Record<string, string>)) {
    assert.equal(hashCanonical(JSON.parse(readFileSync(file, 'utf8'))), packet.artifact_digests[key], key);
  }
  const gate = await run(true, 'policy', 'lifecycle-readiness', planned.export.packet, '--require-live');
  assert.equal(JSON.parse(gate.out).status, 'ready');

  const requested = JSON.parse((await run(true, 'policy', 'activate', hash, '--manifest', planned.export.artifacts.version_manifest, '--dev-user', 'carol')).out);
  const id = requested.decision.decision_id as string;
  const evidence = await run(false, 'policy', 'evidence', id);
  assert.match(evidence.out, /^ {2}version_manifest sha256:[0-9a-f]{64} {2}writ-default 3\.0\.0 from git:[0-9a-f]{40}:candidate \(git\)$/m);
  assert.match(evidence.out, /^ {2}shadow_summary {3}sha256:[0-9a-f]{64} {2}running, 1 h, 1 divergence\(s\), criteria met$/m);
  assert.match(evidence.out, /^ {2}dry_run_report {3}sha256:[0-9a-f]{64} {2}(\d+)\/\1 passed; required cases present$/m);

  assert.equal(await s.store.transaction((trx) => transitionStatus(trx, id, 'pending_approval', 'approved', s.clock.now())), true);
  await run(false, 'policy', 'apply', id, '--dev-user', 'dave');
  const rollback = await run(false, 'policy', 'rollback-plan');
  assert.equal(rollback.exitCode, 0);
  assert.match(rollback.out, /^target {4}sha256:[0-9a-f]{64} {2}writ-default 1\.0\.0$/m);
  assert.match(rollback.out, /^run {7}writ policy activate sha256:/m);
  const stopped = await run(true, 'policy', 'shadow', 'status', '--candidate', hash);
  assert.equal(JSON.parse(stopped.out).state, 'stopped');
});
