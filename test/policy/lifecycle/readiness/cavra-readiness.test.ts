/**
 * The readiness gate on CAVRA's own packets, read from ../shared/reference (never copied
 * into the project): the outcomes CAVRA's gate gives, and exactly the blockers CAVRA's
 * gate gives for each of the three edits of the issue, alone and together.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkLifecycleReadiness } from '../../../../src/policy/lifecycle/readiness/check-readiness.ts';

const REFERENCE = fileURLToPath(new URL('../../../../../shared/reference/cavra/examples/policy-lifecycle/', import.meta.url));
const SAMPLE = `${REFERENCE}enterprise-policy-lifecycle.sample.json`;
const LIVE = `${REFERENCE}enterprise-policy-lifecycle.live.sanitized.example.json`;
const skip = existsSync(SAMPLE) && existsSync(LIVE) ? false : `CAVRA reference packets not found under ${REFERENCE}`;

type Packet = Record<string, Record<string, unknown>>;

function read(path: string): Packet {
  return JSON.parse(readFileSync(path, 'utf8')) as Packet;
}

/** The names of the checks with the given status. */
function named(r: ReturnType<typeof checkLifecycleReadiness>, status: 'blocker' | 'warn'): string[] {
  return r.checks.filter((c) => c.status === status).map((c) => c.name);
}

const EDITS: Record<string, (p: Packet) => void> = {
  lifecycle_capabilities: (p) => {
    (p as Record<string, unknown>).lifecycle_capabilities = [];
  },
  dry_run_report: (p) => {
    p.dry_run_report!.failed_count = 1;
  },
  operating_evidence: (p) => {
    p.operating_evidence!.ci_run_ref = '';
  },
};

test('the sample packet: contract-ready, not live-ready, ready_with_warnings with exactly one warning', { skip }, () => {
  const r = checkLifecycleReadiness(read(SAMPLE), { requireLive: false });
  assert.equal(r.packet_schema, 'cavra.policy-lifecycle.readiness.v1');
  assert.equal(r.product, 'CAVRA');
  assert.equal(r.evidence_mode, 'sample');
  assert.equal(r.ready_for_policy_lifecycle_contract, true);
  assert.equal(r.ready_for_live_policy_lifecycle, false);
  assert.equal(r.status, 'ready_with_warnings');
  assert.equal(r.blocker_count, 0);
  assert.equal(r.warning_count, 1);
  assert.deepEqual(named(r, 'warn'), ['evidence_mode']);
  assert.deepEqual(
    r.checks.map((c) => c.name),
    ['schema_version', 'evidence_mode', 'lifecycle_capabilities', 'authoring_ui_contract', 'lint_report', 'version_manifest', 'shadow_mode_plan', 'dry_run_report', 'rollback_plan', 'approval_workflow', 'operating_evidence'],
  );
});

test('the sample packet with --require-live is blocked on evidence_mode alone', { skip }, () => {
  const r = checkLifecycleReadiness(read(SAMPLE), { requireLive: true });
  assert.equal(r.status, 'blocked');
  assert.deepEqual(named(r, 'blocker'), ['evidence_mode']);
  assert.equal(r.warning_count, 0);
  assert.equal(r.ready_for_policy_lifecycle_contract, false);
});

test('the sanitized live example with --require-live: ready, zero blockers, live-ready', { skip }, () => {
  const r = checkLifecycleReadiness(read(LIVE), { requireLive: true });
  assert.equal(r.status, 'ready');
  assert.equal(r.blocker_count, 0);
  assert.equal(r.warning_count, 0);
  assert.equal(r.ready_for_policy_lifecycle_contract, true);
  assert.equal(r.ready_for_live_policy_lifecycle, true);
  assert.ok(r.checks.every((c) => c.status === 'pass'));
});

const BASES = [
  { label: 'the live example with --require-live', path: LIVE, requireLive: true },
  { label: 'the sample packet', path: SAMPLE, requireLive: false },
];

for (const base of BASES) {
  for (const [name, edit] of Object.entries(EDITS)) {
    test(`${base.label}, with only the ${name} edit: exactly that check is a blocker`, { skip }, () => {
      const p = read(base.path);
      edit(p);
      const r = checkLifecycleReadiness(p, { requireLive: base.requireLive });
      assert.equal(r.status, 'blocked');
      assert.deepEqual(named(r, 'blocker'), [name]);
      assert.equal(r.blocker_count, 1);
      assert.equal(r.ready_for_policy_lifecycle_contract, false);
      assert.equal(r.ready_for_live_policy_lifecycle, false);
    });
  }

  test(`${base.label}, with all three edits: exactly those three checks are blockers`, { skip }, () => {
    const p = read(base.path);
    for (const edit of Object.values(EDITS)) edit(p);
    const r = checkLifecycleReadiness(p, { requireLive: base.requireLive });
    assert.deepEqual(named(r, 'blocker'), ['lifecycle_capabilities', 'dry_run_report', 'operating_evidence']);
    assert.equal(r.blocker_count, 3);
    assert.equal(r.status, 'blocked');
  });
}

test('CAVRA values read as CAVRA reads them: a missing count fails, a numeric string counts, an empty list is false', { skip }, () => {
  const missingCount = read(LIVE);
  delete missingCount.dry_run_report!.failed_count;
  assert.deepEqual(named(checkLifecycleReadiness(missingCount, { requireLive: true }), 'blocker'), ['dry_run_report']);
  const stringCount = read(LIVE);
  stringCount.lint_report!.blocker_count = '0';
  assert.deepEqual(named(checkLifecycleReadiness(stringCount, { requireLive: true }), 'blocker'), []);
  const noRefs = read(LIVE);
  noRefs.shadow_mode_plan!.evidence_refs = [];
  assert.deepEqual(named(checkLifecycleReadiness(noRefs, { requireLive: true }), 'blocker'), ['shadow_mode_plan']);
  const fewCases = read(LIVE);
  fewCases.dry_run_report!.results = (fewCases.dry_run_report!.results as Array<{ case_id: string }>).filter((c) => c.case_id !== 'block_env_read');
  const r = checkLifecycleReadiness(fewCases, { requireLive: true });
  assert.deepEqual(named(r, 'blocker'), ['dry_run_report']);
  assert.match(r.checks.find((c) => c.name === 'dry_run_report')!.message, /required cases missing: block_env_read/);
});

test('anything that is not a Writ or CAVRA packet is one schema_version blocker', () => {
  for (const packet of [{ schema_version: 'cavra.policy-lifecycle.plan.v1' }, {}, [], null, 'packet']) {
    const r = checkLifecycleReadiness(packet, { requireLive: false });
    assert.equal(r.status, 'blocked');
    assert.deepEqual(r.checks.map((c) => [c.name, c.status]), [['schema_version', 'blocker']]);
  }
  assert.equal(checkLifecycleReadiness({ schema_version: 'x.v1' }, { requireLive: false }).packet_schema, 'x.v1');
});
