/**
 * Every lifecycle command on an imported CAVRA pack (the baseline one): lint, manifest,
 * diff, dry-run (built-in classes and CAVRA's sample actions), lifecycle-plan and the
 * readiness gate offline; push, shadow run beside the default bundle, activation and
 * the rollback to the default on the server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { registerPolicyCommands } from '../../../src/cli/commands/policy.ts';
import { transitionStatus } from '../../../src/engine/decisions/decision-store.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../src/policy/default-bundle.ts';
import { cliRunner } from '../break-glass/cli-harness.ts';
import { startHumanServer, type HumanTestServer } from '../break-glass/human-server.ts';
import { PACKS_ROOT, SAMPLE_ACTIONS, SKIP_WITHOUT_REFERENCE } from '../../policy/lifecycle/cavra/helpers.ts';
import { promotionIntent } from '../helpers/intents.ts';
import { commitAll } from './helpers.ts';

let s: HumanTestServer;
let run: ReturnType<typeof cliRunner>;
let work: string;

before(async () => {
  s = await startHumanServer();
  run = cliRunner(s, await s.app.listen({ host: '127.0.0.1', port: 0 }), registerPolicyCommands);
  work = mkdtempSync(join(tmpdir(), 'writ-cavra-lifecycle-'));
});
after(async () => {
  await s.close();
  rmSync(work, { recursive: true, force: true });
});

test('the lifecycle commands work on an imported CAVRA pack', { skip: SKIP_WITHOUT_REFERENCE }, async () => {
  const dir = join(work, 'cavra');
  const imported = JSON.parse((await run(true, 'policy', 'import-cavra', join(PACKS_ROOT, 'cavra-ai-agent-baseline', 'policy.yaml'), '--out', dir)).out);
  commitAll(work, 'import the CAVRA baseline pack');

  const lint = await run(true, 'policy', 'lint', dir);
  assert.equal(lint.exitCode, 0, lint.out);
  assert.equal(JSON.parse(lint.out).blocker_count, 0);
  const manifest = JSON.parse((await run(true, 'policy', 'manifest', dir, '--previous', DEFAULT_BUNDLE_DIR)).out);
  assert.equal(manifest.policy_bundle_hash, imported.policy_bundle_hash);
  assert.equal(manifest.git_versioned, true);
  const diff = await run(true, 'policy', 'diff', DEFAULT_BUNDLE_DIR, dir);
  assert.equal(diff.exitCode, 1);
  assert.ok(JSON.parse(diff.out).schema.actions_removed.includes('promotion'));
  const dry = await run(true, 'policy', 'dry-run', dir);
  assert.equal(dry.exitCode, 0);
  assert.deepEqual(JSON.parse(dry.out).required_classes.length, 6);
  const sample = JSON.parse((await run(true, 'policy', 'dry-run', dir, '--cases', SAMPLE_ACTIONS)).out);
  assert.deepEqual([sample.case_count, sample.passed_count, sample.required_cases_present], [6, 6, true]);
  const plan = await run(true, 'policy', 'lifecycle-plan', '--bundle', dir, '--output-dir', join(work, 'out'), '--previous', DEFAULT_BUNDLE_DIR);
  assert.equal(plan.exitCode, 0, plan.out);
  const gate = JSON.parse((await run(true, 'policy', 'lifecycle-readiness', JSON.parse(plan.out).export.packet)).out);
  assert.deepEqual([gate.status, gate.blocker_count, gate.warning_count], ['ready_with_warnings', 0, 1]);

  // On the server: observed beside the default bundle, activated, and rolled back.
  const hash = JSON.parse((await run(true, 'policy', 'push', dir)).out).policy_bundle_hash as string;
  const admin = { authorization: `Bearer ${s.adminToken}` };
  assert.equal(JSON.parse((await run(true, 'policy', 'shadow', 'start', hash, '--min-hours', '0')).out).state, 'running');
  assert.equal((await s.app.inject({ method: 'POST', url: '/v1/intents', headers: admin, payload: promotionIntent('stage') })).statusCode, 201);
  const divergences = JSON.parse((await run(true, 'policy', 'shadow', 'divergences')).out).divergences as Array<{ severity: string; active: { verdict: string }; candidate: { verdict: string; deny_code: string } }>;
  // The pack does not govern promotions: the candidate would deny them (the schema has no such action).
  assert.deepEqual(divergences.map((d) => [d.severity, d.active.verdict, d.candidate.verdict, d.candidate.deny_code]), [['medium', 'allow', 'deny', 'INVALID_REQUEST']]);
  const requested = JSON.parse((await run(true, 'policy', 'activate', hash)).out);
  const id = requested.decision.decision_id as string;
  assert.equal(await s.store.transaction((trx) => transitionStatus(trx, id, 'pending_approval', 'approved', s.clock.now())), true);
  await run(false, 'policy', 'apply', id);
  const rollback = JSON.parse((await run(true, 'policy', 'rollback-plan')).out);
  const back = JSON.parse((await run(true, 'policy', 'activate', rollback.activation_request.body.policy_bundle_hash)).out);
  assert.equal(back.decision.verdict, 'require_approval', 'the imported bundle governs policy.activate, so the way back is open');
  assert.deepEqual(back.decision.obligations.approver_groups, ['platform-security']);
});
