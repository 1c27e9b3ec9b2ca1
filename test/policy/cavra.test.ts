/**
 * The default bundle reproduces the outcomes of CAVRA's policy-lifecycle dry run: the
 * six sample actions are read at run time from ../shared/reference (never copied into
 * the project), mapped to Writ intents by {@link cavraActionToIntent}
 * (`src/policy/lifecycle/cavra/cavra-action.ts`), and evaluated.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import type { PolicySignals } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { cavraActionToIntent, cavraDecisionToVerdict, type CavraSampleAction } from '../../src/policy/lifecycle/cavra/cavra-action.ts';

const REFERENCE = new URL('../../../shared/reference/cavra/examples/policy-lifecycle/', import.meta.url);

/** The MCP servers configured as trusted for the dry run. */
const TRUSTED_MCP_SERVERS = ['github', 'jira'];

let bundle: CompiledBundle;
let cases: CavraSampleAction[];
let report: { results: Array<{ case_id: string; decision: { decision: string; approver_group?: string } }> };
before(() => {
  bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  cases = (JSON.parse(readFileSync(new URL('sample-actions.json', REFERENCE), 'utf8')) as { actions: CavraSampleAction[] }).actions;
  report = JSON.parse(readFileSync(new URL('generated/policy-dry-run-report.json', REFERENCE), 'utf8')) as typeof report;
});

const signals: PolicySignals = { phase_holds: [], active_incidents: [], trusted_mcp_servers: TRUSTED_MCP_SERVERS };
const now = new Date('2025-01-01T00:00:00Z');

test('the six CAVRA dry-run cases are present and agree with the dry-run report', () => {
  assert.equal(cases.length, 6);
  for (const c of cases) {
    const r = report.results.find((x) => x.case_id === c.case_id);
    assert.ok(r, c.case_id);
    assert.equal(r.decision.decision, c.expected_decision);
  }
});

test('the default bundle reproduces every CAVRA dry-run outcome (block ⇒ deny)', () => {
  const outcomes = cases.map((c) => {
    const d = evaluateIntent(bundle, { intent: cavraActionToIntent(c.input, c.case_id), signals, now });
    return { case_id: c.case_id, expected: cavraDecisionToVerdict(c.expected_decision!), verdict: d.verdict, deny_code: d.deny_code, reasons: d.reasons };
  });
  for (const o of outcomes) {
    assert.equal(o.verdict, o.expected, `${o.case_id}: ${JSON.stringify(o)}`);
    if (o.verdict === 'deny') assert.equal(o.deny_code, 'POLICY_FORBID', `${o.case_id} must be denied by a rule, not by an error`);
    assert.ok(o.reasons.length > 0, `${o.case_id} has no determining policy`);
  }
  assert.deepEqual(
    Object.fromEntries(outcomes.map((o) => [o.case_id, o.reasons])),
    {
      block_env_read: ['file.read.forbid.dotenv'],
      approval_policy_write: ['file.write.governance.approval'],
      allow_terraform_plan: ['command.allow.read_only'],
      block_terraform_apply: ['command.forbid.governed_scope'],
      block_protected_branch_push: ['repo.push.forbid.protected_branch'],
      block_unknown_mcp_server: ['mcp.tool_call.forbid.untrusted'],
    },
  );
});

test("CAVRA's approver group for the policy write is among the required approver groups", () => {
  const c = cases.find((x) => x.expected_decision === 'require_approval')!;
  const group = report.results.find((x) => x.case_id === c.case_id)!.decision.approver_group!; // "Platform Security"
  const d = evaluateIntent(bundle, { intent: cavraActionToIntent(c.input, c.case_id), signals, now });
  assert.ok(d.obligations.approver_groups.includes(group.toLowerCase().replace(/\s+/g, '-')), JSON.stringify(d.obligations));
});
