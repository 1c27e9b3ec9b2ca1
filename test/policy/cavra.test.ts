/**
 * The default bundle reproduces the outcomes of CAVRA's policy-lifecycle dry run: the
 * six sample actions are read at run time from ../shared/reference (never copied into
 * the project), mapped to Writ intents by {@link cavraActionToIntent}, and evaluated.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import type { Verdict } from '../../src/policy/decision.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import type { Intent, PolicySignals } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';

const REFERENCE = new URL('../../../shared/reference/cavra/examples/policy-lifecycle/', import.meta.url);

/** A CAVRA dry-run input (`cavra.opa-rego-policy.input.v1`). */
interface CavraInput {
  schema_version: string;
  action_type: string;
  target: string;
  requested_operation: string;
  server?: string;
  tool?: string;
  capability?: string;
}

interface CavraCase {
  case_id: string;
  input: CavraInput;
  expected_decision: 'allow' | 'block' | 'require_approval';
}

/** The agent the dry run is attributed to, and the MCP servers configured as trusted. */
const AGENT = 'cavra-dry-run-agent';
const TRUSTED_MCP_SERVERS = ['github', 'jira'];

/**
 * Maps a CAVRA action to a Writ intent:
 *
 * | CAVRA `action_type` | Writ `action_scope` | resource |
 * |---|---|---|
 * | `read_file` | `file.read` | `file`, id and `path` = target |
 * | `write_file` | `file.write` | `file`, id and `path` = target |
 * | `execute_command` | `command.execute` | `command`, id = target, `line` = requested_operation |
 * | `git_operation` + `push` | `repo.push` | `branch`, id = target; "remote/branch" splits at the first `/` into `repo` and `name` |
 * | `mcp_tool_call` | `mcp.tool_call` | `mcp_tool`, id = target, `server`, `tool`, `capability` |
 *
 * The principal is an agent; the execution identity is a local dev agent; the intent
 * context records the CAVRA case id as the change reference.
 */
function cavraActionToIntent(c: CavraCase): Intent {
  const i = c.input;
  let action_scope: string;
  let resource: Intent['resource'];
  switch (i.action_type) {
    case 'read_file':
    case 'write_file':
      action_scope = i.action_type === 'read_file' ? 'file.read' : 'file.write';
      resource = { type: 'file', id: i.target, attrs: { path: i.target } };
      break;
    case 'execute_command':
      action_scope = 'command.execute';
      resource = { type: 'command', id: i.target, attrs: { line: i.requested_operation } };
      break;
    case 'git_operation': {
      assert.equal(i.requested_operation, 'push', `unmapped git operation ${i.requested_operation}`);
      action_scope = 'repo.push';
      const cut = i.target.indexOf('/');
      const [repo, name] = cut === -1 ? ['origin', i.target] : [i.target.slice(0, cut), i.target.slice(cut + 1)];
      resource = { type: 'branch', id: i.target, attrs: { repo, name } };
      break;
    }
    case 'mcp_tool_call':
      action_scope = 'mcp.tool_call';
      resource = { type: 'mcp_tool', id: i.target, attrs: { server: i.server!, tool: i.tool!, ...(i.capability ? { capability: i.capability } : {}) } };
      break;
    default:
      throw new Error(`unmapped CAVRA action_type ${i.action_type}`);
  }
  return {
    action_scope,
    principal: { type: 'agent', id: AGENT },
    resource,
    execution_identity: { agent_id: AGENT, region: 'local', env_tier: 'dev' },
    parameters: {},
    context: { change_ref: c.case_id },
  };
}

/** CAVRA `block` is Writ `deny`; the other two are the same word. */
function cavraToVerdict(decision: string): Verdict {
  return decision === 'block' ? 'deny' : (decision as Verdict);
}

let bundle: CompiledBundle;
let cases: CavraCase[];
let report: { results: Array<{ case_id: string; decision: { decision: string; approver_group?: string } }> };
before(() => {
  bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  cases = (JSON.parse(readFileSync(new URL('sample-actions.json', REFERENCE), 'utf8')) as { actions: CavraCase[] }).actions;
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
    const d = evaluateIntent(bundle, { intent: cavraActionToIntent(c), signals, now });
    return { case_id: c.case_id, expected: cavraToVerdict(c.expected_decision), verdict: d.verdict, deny_code: d.deny_code, reasons: d.reasons };
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
  const d = evaluateIntent(bundle, { intent: cavraActionToIntent(c), signals, now });
  assert.ok(d.obligations.approver_groups.includes(group.toLowerCase().replace(/\s+/g, '-')), JSON.stringify(d.obligations));
});
