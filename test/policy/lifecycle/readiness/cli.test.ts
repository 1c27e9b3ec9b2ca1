/**
 * `writ policy lifecycle-readiness PACKET [--require-live]` in-process: one line per
 * check then the status, `--json` prints the result, exit 0 ready, 1 blocked, 2 when the
 * file cannot be read or parsed.
 */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { policyLifecycleReadiness, registerPolicyReadinessCommand } from '../../../../src/cli/commands/policy-readiness.ts';
import type { ReadinessResult } from '../../../../src/policy/lifecycle/artifacts.ts';
import { writPacket } from './writ-packet.ts';
import { captureContext } from '../../helpers/capture-context.ts';

const REFERENCE = fileURLToPath(new URL('../../../../../shared/reference/cavra/examples/policy-lifecycle/', import.meta.url));
const SAMPLE = `${REFERENCE}enterprise-policy-lifecycle.sample.json`;
const LIVE = `${REFERENCE}enterprise-policy-lifecycle.live.sanitized.example.json`;
const skip = existsSync(SAMPLE) && existsSync(LIVE) ? false : `CAVRA reference packets not found under ${REFERENCE}`;

const dir = mkdtempSync(join(tmpdir(), 'writ-readiness-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const context = (json: boolean) => captureContext(json);

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test("CAVRA's sample packet: one line per check, ready_with_warnings, exit 0", { skip }, () => {
  const { ctx, stdout } = context(false);
  assert.equal(policyLifecycleReadiness(SAMPLE, ctx, {}), 0);
  const lines = stdout().trim().split('\n');
  assert.match(lines[0]!, /^packet {3}cavra\.policy-lifecycle\.readiness\.v1 {2}CAVRA {2}sample evidence$/);
  assert.equal(lines.length, 1 + 11 + 1);
  assert.match(lines[2]!, /^warn {5}evidence_mode /);
  assert.equal(lines.at(-1), 'status ready_with_warnings: 0 blockers, 1 warning; contract-ready yes, live-ready no');
});

test('--require-live: the sample packet is blocked (exit 1), the live example is ready (exit 0)', { skip }, () => {
  const sample = context(false);
  assert.equal(policyLifecycleReadiness(SAMPLE, sample.ctx, { requireLive: true }), 1);
  assert.match(sample.stdout(), /^blocker {2}evidence_mode /m);
  const live = context(true);
  assert.equal(policyLifecycleReadiness(LIVE, live.ctx, { requireLive: true }), 0);
  const r = JSON.parse(live.stdout()) as ReadinessResult;
  assert.equal(r.status, 'ready');
  assert.equal(r.blocker_count, 0);
  assert.equal(r.ready_for_live_policy_lifecycle, true);
});

test('a Writ packet as YAML is read the same as JSON', () => {
  const packet = writPacket('live');
  const fromJson = context(true);
  const fromYaml = context(true);
  assert.equal(policyLifecycleReadiness(write('packet.json', JSON.stringify(packet)), fromJson.ctx, { requireLive: true }), 0);
  assert.equal(policyLifecycleReadiness(write('packet.yaml', stringify(packet)), fromYaml.ctx, { requireLive: true }), 0);
  assert.deepEqual(JSON.parse(fromYaml.stdout()), JSON.parse(fromJson.stdout()));
});

test('a tampered Writ packet is blocked: exit 1', () => {
  const packet = writPacket();
  packet.dry_run_report.passed_count += 1;
  const { ctx, stdout } = context(false);
  assert.equal(policyLifecycleReadiness(write('tampered.json', JSON.stringify(packet)), ctx, {}), 1);
  assert.match(stdout(), /^blocker {2}artifact_digests +dry_run_report: digest mismatch/m);
  assert.match(stdout(), /^status blocked: 1 blocker, 1 warning;/m);
});

test('an unreadable or unparsable file is a BAD_REQUEST (exit 2 through runCli)', () => {
  const { ctx } = context(false);
  for (const file of [join(dir, 'missing.json'), write('broken.json', '{"schema_version": '), write('broken.yaml', 'a: [1\n')]) {
    assert.throws(
      () => policyLifecycleReadiness(file, ctx, {}),
      (err: Error & { code?: string; reason?: string }) => err.code === 'BAD_REQUEST' && err.reason === 'LIFECYCLE_PACKET_UNREADABLE' && err.message.includes(file),
    );
  }
});

test('the registered command sets the exit code', async () => {
  const program = new Command('writ').exitOverride();
  const { ctx } = context(true);
  registerPolicyReadinessCommand(program.command('policy'), () => ctx);
  await program.parseAsync(['node', 'writ', 'policy', 'lifecycle-readiness', write('ok.json', JSON.stringify(writPacket()))]);
  assert.equal(process.exitCode, undefined);
  await program.parseAsync(['node', 'writ', 'policy', 'lifecycle-readiness', '--require-live', write('sample.json', JSON.stringify(writPacket('sample')))]);
  assert.equal(process.exitCode, 1);
});
