/**
 * CAVRA's six policy-lifecycle sample actions, mapped with `cavraActionToIntent`, get
 * the decisions CAVRA's dry run reports on the imported `cavra-ai-agent-baseline`
 * bundle, although that pack has no git and no mcp section (CAVRA's built-ins decide
 * those). The files are read at run time from ../shared/reference.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledBundle } from '../../../../src/policy/compile-bundle.ts';
import { evaluateIntent } from '../../../../src/policy/evaluate.ts';
import type { PolicySignals } from '../../../../src/policy/intent.ts';
import { classOfCavraCase } from '../../../../src/policy/lifecycle/required-classes.ts';
import { cavraActionToIntent, cavraDecisionToVerdict, type CavraDecision, type CavraSampleAction } from '../../../../src/policy/lifecycle/cavra/cavra-action.ts';
import { approverGroupSlug, type CavraPack } from '../../../../src/policy/lifecycle/cavra/cavra-pack.ts';
import { evaluateCavraReference } from '../../../../src/policy/lifecycle/cavra/cavra-reference.ts';
import { DRY_RUN_REPORT, PACKS_ROOT, SAMPLE_ACTIONS, SKIP_WITHOUT_REFERENCE, convertAndLoad } from './helpers.ts';

interface ReportDecision {
  decision: CavraDecision;
  rule_id: string;
  severity: string;
  approver_group?: string;
}

const skip = SKIP_WITHOUT_REFERENCE;
let bundle: CompiledBundle;
let pack: CavraPack;
let actions: CavraSampleAction[];
let report: { policy_pack: string; results: Array<{ case_id: string; decision: ReportDecision }> };

before(() => {
  if (skip) return;
  report = JSON.parse(readFileSync(DRY_RUN_REPORT, 'utf8')) as typeof report;
  const loaded = convertAndLoad(join(PACKS_ROOT, report.policy_pack, 'policy.yaml'));
  bundle = loaded.bundle;
  pack = loaded.conversion.pack;
  actions = (JSON.parse(readFileSync(SAMPLE_ACTIONS, 'utf8')) as { actions: CavraSampleAction[] }).actions;
});

const signals: PolicySignals = { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] };
const now = new Date('2025-01-01T00:00:00Z');
const decisionOf = (caseId: string) => report.results.find((r) => r.case_id === caseId)!.decision;

test('the dry run was made on cavra-ai-agent-baseline, which has no git and no mcp section', { skip }, () => {
  assert.equal(report.policy_pack, 'cavra-ai-agent-baseline');
  const text = readFileSync(join(PACKS_ROOT, report.policy_pack, 'policy.yaml'), 'utf8');
  assert.doesNotMatch(text, /^(git|mcp):/m);
  assert.ok(actions.length >= 6);
});

test('the six sample actions get the expected decisions on the imported baseline bundle', { skip }, () => {
  for (const a of actions) {
    const d = evaluateIntent(bundle, { intent: cavraActionToIntent(a.input, a.case_id), signals, now });
    const expected = cavraDecisionToVerdict(a.expected_decision!);
    assert.equal(d.verdict, expected, `${a.case_id}: ${JSON.stringify(d)}`);
    if (d.verdict === 'deny') assert.equal(d.deny_code, 'POLICY_FORBID', `${a.case_id} is denied by a rule, not by an error`);
    assert.ok(d.reasons.length > 0, `${a.case_id} has determining policies`);
    // CAVRA's severity is Writ's risk.
    assert.equal(d.obligations.risk, decisionOf(a.case_id).severity, a.case_id);
  }
});

test("the approval case's obligations name platform-security, CAVRA's Platform Security", { skip }, () => {
  const approvals = actions.filter((a) => a.expected_decision === 'require_approval');
  assert.ok(approvals.length > 0);
  for (const a of approvals) {
    const d = evaluateIntent(bundle, { intent: cavraActionToIntent(a.input, a.case_id), signals, now });
    const group = decisionOf(a.case_id).approver_group!;
    assert.equal(approverGroupSlug(group), 'platform-security');
    assert.deepEqual(d.obligations.approver_groups, ['platform-security']);
    assert.equal(d.obligations.approvals_required, 1);
  }
});

test("the reference evaluator reproduces CAVRA's dry-run report: decision, rule, severity, group", { skip }, () => {
  for (const a of actions) {
    const r = evaluateCavraReference(pack, a.input);
    const cavra = decisionOf(a.case_id);
    assert.deepEqual(
      { decision: r.decision, rule_id: r.rule_id, severity: r.severity, approver_group: r.approver_group },
      { decision: cavra.decision, rule_id: cavra.rule_id, severity: cavra.severity, approver_group: cavra.approver_group },
      a.case_id,
    );
  }
});

test('each sample action demonstrates a required decision class the imported bundle has a case for', { skip }, () => {
  const claimed = new Set(bundle.document.tests.flatMap((f) => f.cases.map((c) => c.class)));
  for (const a of actions) {
    const cls = classOfCavraCase(a.case_id);
    assert.ok(cls, `${a.case_id} maps to a class`);
    assert.ok(claimed.has(cls), `${cls} has a case in the bundle`);
  }
});
