/**
 * `runDryRun`: the default bundle demonstrates every required class; CAVRA's sample
 * actions (read from ../shared/reference, never copied) pass on it with the determining
 * policies of CAVRA's own report; a bundle with a weakened phase-hold forbid fails the
 * phase-hold class; a case file that leaves a class out is not complete.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { LIFECYCLE_SCHEMAS } from '../../../../src/policy/lifecycle/artifacts.ts';
import type { DryRunCaseInput } from '../../../../src/policy/lifecycle/dry-run/case-input.ts';
import { readDryRunCaseFile } from '../../../../src/policy/lifecycle/dry-run/read-case-file.ts';
import { runDryRun } from '../../../../src/policy/lifecycle/dry-run/run-dry-run.ts';
import { REQUIRED_DECISION_CLASSES, REQUIRED_FIXTURE_NOW } from '../../../../src/policy/lifecycle/required-classes.ts';

const SAMPLE_ACTIONS = fileURLToPath(new URL('../../../../../shared/reference/cavra/examples/policy-lifecycle/sample-actions.json', import.meta.url));
const noReference = existsSync(SAMPLE_ACTIONS) ? false : `CAVRA reference material not found at ${SAMPLE_ACTIONS}`;

const temps: string[] = [];
after(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the default bundle with `edit` applied to one of its files. */
function editedDefaultBundle(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'writ-dry-run-'));
  temps.push(dir);
  cpSync(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return dir;
}

/** One Writ case per class fixture that applies to the default bundle. */
function classFixtureCases(): DryRunCaseInput[] {
  return REQUIRED_DECISION_CLASSES.map((c) => {
    const fixture = Object.values(c.fixtures)[0]!;
    return { case_id: `fixture-${c.id}`, class: c.id, intent: fixture.intent, signals: fixture.signals, now: REQUIRED_FIXTURE_NOW, expected: { verdicts: [...c.expected] } };
  });
}

test('the default bundle passes: every one of the 8 required classes is applicable and demonstrated', () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const r = runDryRun(bundle, {});
  assert.equal(r.schema_version, LIFECYCLE_SCHEMAS.dry_run_report);
  assert.equal(r.bundle.policy_bundle_hash, bundle.policy_bundle_hash);
  assert.deepEqual(r.required_classes, REQUIRED_DECISION_CLASSES.map((c) => c.id));
  assert.equal(r.required_classes.length, 8);
  assert.deepEqual(r.missing_classes, []);
  assert.equal(r.required_cases_present, true);
  assert.deepEqual(r.results.filter((x) => !x.passed).map((x) => [x.case_id, x.mismatches]), []);
  assert.equal(r.passed, true);
  assert.equal(r.case_count, r.results.length);
  assert.equal(r.passed_count, r.case_count);
  assert.equal(r.failed_count, 0);
  // One built-in fixture per class, named by the class, then the bundle's class-claiming cases.
  const required = r.results.filter((x) => x.source === 'required');
  assert.deepEqual(required.map((x) => [x.case_id, x.class]), r.required_classes.map((id) => [id, id]));
  const claimed = bundle.document.tests.flatMap((t) => t.cases.filter((c) => c.class !== undefined).map((c) => `${t.file}#${c.name}`));
  assert.deepEqual(r.results.filter((x) => x.source === 'bundle').map((x) => x.case_id), claimed);
  // Determining policies carry their effect and file from the bundle.
  const hold = r.results.find((x) => x.case_id === 'promotion_during_phase_hold')!;
  assert.deepEqual(hold.determining_policies, [{ policy_id: 'promotion.forbid.phase_hold', effect: 'forbid', file: 'policies/promotion.cedar' }]);
  assert.deepEqual(hold.expected, { verdicts: ['deny'] });
  assert.equal(hold.actual.deny_code, 'POLICY_FORBID');
});

test('CAVRA sample actions on the default bundle: 6 passes with the determining policies of the CAVRA outcomes', { skip: noReference }, () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const cases = readDryRunCaseFile(SAMPLE_ACTIONS);
  const r = runDryRun(bundle, { cases });
  assert.equal(r.case_count, 6);
  assert.equal(r.passed_count, 6);
  assert.equal(r.failed_count, 0);
  assert.ok(r.results.every((x) => x.source === 'file'));
  assert.deepEqual(
    Object.fromEntries(r.results.map((x) => [x.case_id, x.determining_policies])),
    {
      block_env_read: [{ policy_id: 'file.read.forbid.dotenv', effect: 'forbid', file: 'policies/files.cedar' }],
      approval_policy_write: [{ policy_id: 'file.write.governance.approval', effect: 'permit', file: 'policies/files.cedar' }],
      allow_terraform_plan: [{ policy_id: 'command.allow.read_only', effect: 'permit', file: 'policies/commands.cedar' }],
      block_terraform_apply: [{ policy_id: 'command.forbid.governed_scope', effect: 'forbid', file: 'policies/commands.cedar' }],
      block_protected_branch_push: [{ policy_id: 'repo.push.forbid.protected_branch', effect: 'forbid', file: 'policies/repository.cedar' }],
      block_unknown_mcp_server: [{ policy_id: 'mcp.tool_call.forbid.untrusted', effect: 'forbid', file: 'policies/mcp.cedar' }],
    },
  );
  // CAVRA's six cases demonstrate six classes; the default bundle also governs promotions,
  // which CAVRA has no case for, so the file alone does not complete the dry run.
  assert.deepEqual(
    r.results.map((x) => x.class),
    ['sensitive_file_read', 'policy_file_write_approval', 'terraform_plan_allowed', 'terraform_apply_gated', 'protected_branch_push', 'mcp_server_trust'],
  );
  assert.deepEqual(r.missing_classes, ['production_promotion', 'promotion_during_phase_hold']);
  assert.equal(r.required_cases_present, false);
  assert.equal(r.passed, false);
});

test('a bundle whose phase-hold forbid no longer covers targets fails the promotion_during_phase_hold case, with the mismatch', () => {
  const dir = editedDefaultBundle('policies/promotion.cedar', (t) =>
    t.replace('context.signals.phase_hold.global ||\n  context.signals.phase_hold.targets.contains(context.resource_id) ||', 'context.signals.phase_hold.global ||'),
  );
  const r = runDryRun(loadBundleDir(dir), {});
  const hold = r.results.find((x) => x.case_id === 'promotion_during_phase_hold')!;
  assert.equal(hold.passed, false);
  assert.equal(hold.actual.verdict, 'require_approval');
  assert.deepEqual(hold.mismatches, ['verdict: expected "deny", got "require_approval"']);
  assert.deepEqual(hold.determining_policies, [{ policy_id: 'promotion.prod.approval', effect: 'permit', file: 'policies/promotion.cedar' }]);
  // The bundle's own phase-hold case fails too; nothing else does.
  assert.deepEqual(
    r.results.filter((x) => !x.passed).map((x) => x.case_id),
    ['promotion_during_phase_hold', 'promotion.yaml#promotion to prod is forbidden during a phase hold on the target'],
  );
  assert.equal(r.failed_count, 2);
  assert.equal(r.required_cases_present, true, 'a failing case is present; it is a failure, not a missing class');
  assert.equal(r.passed, false);
});

test('cases that leave a class out: required_cases_present is false and the class is listed as missing', () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const all = classFixtureCases();
  const complete = runDryRun(bundle, { cases: all });
  assert.equal(complete.required_cases_present, true);
  assert.equal(complete.passed, true);
  for (const left of ['mcp_server_trust', 'production_promotion']) {
    const r = runDryRun(bundle, { cases: all.filter((c) => c.class !== left) });
    assert.equal(r.failed_count, 0);
    assert.deepEqual(r.missing_classes, [left]);
    assert.equal(r.required_cases_present, false);
    assert.equal(r.passed, false);
  }
});

test('a case passes when the verdict is any of the expected ones, and fails with every other mismatch listed', () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const apply = REQUIRED_DECISION_CLASSES.find((c) => c.id === 'terraform_apply_gated')!.fixtures['terraform.apply']!;
  const base = { class: null, intent: apply.intent, signals: apply.signals, now: REQUIRED_FIXTURE_NOW };
  const r = runDryRun(bundle, {
    cases: [
      { ...base, case_id: 'either', expected: { verdicts: ['deny', 'require_approval'] } },
      { ...base, case_id: 'wrong verdict', expected: { verdicts: ['allow', 'deny'] } },
      { ...base, case_id: 'wrong obligations', expected: { verdicts: ['require_approval'], obligations: { approvals_required: 9 }, reasons: ['terraform.apply.approval'] } },
    ],
  });
  const byId = Object.fromEntries(r.results.map((x) => [x.case_id, x]));
  assert.equal(byId.either!.passed, true);
  assert.deepEqual(byId['wrong verdict']!.mismatches, ['verdict: expected one of ["allow","deny"], got "require_approval"']);
  assert.equal(byId['wrong obligations']!.mismatches.length, 2);
  assert.match(byId['wrong obligations']!.mismatches[0]!, /^reasons: expected \["terraform\.apply\.approval"\], got \[/);
  assert.match(byId['wrong obligations']!.mismatches[1]!, /^obligations\.approvals_required: expected 9, got \d+$/);
});

test('a case claiming a class must give a verdict the class accepts, whatever it states itself', () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const plan = REQUIRED_DECISION_CLASSES.find((c) => c.id === 'terraform_plan_allowed')!.fixtures['terraform.plan']!;
  const r = runDryRun(bundle, {
    cases: [{ case_id: 'plan claimed as gated', class: 'terraform_apply_gated', intent: plan.intent, signals: plan.signals, now: REQUIRED_FIXTURE_NOW, expected: { verdicts: ['allow'] } }],
  });
  assert.equal(r.results[0]!.passed, false);
  assert.deepEqual(r.results[0]!.mismatches, ['class terraform_apply_gated: a correct bundle gives one of ["deny","require_approval"], got "allow"']);
});

test('a case naming an unknown class, or expecting no verdict, fails instead of stopping the run', () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const [c] = classFixtureCases();
  const r = runDryRun(bundle, { cases: [{ ...c!, case_id: 'unknown', class: 'no_such_class' }, { ...c!, case_id: 'nothing', expected: { verdicts: [] } }, c!] });
  assert.deepEqual(r.results.map((x) => [x.case_id, x.passed]), [['unknown', false], ['nothing', false], [c!.case_id, true]]);
  assert.deepEqual(r.results[0]!.mismatches, ['class: "no_such_class" is not a required decision class']);
  assert.match(r.results[1]!.mismatches[0]!, /^verdict: expected a verdict, but the case lists none, got "deny"/);
  assert.equal(r.failed_count, 2);
});
