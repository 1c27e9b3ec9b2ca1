/**
 * Dry-run case files: Writ's format (defaults, name or case_id, class, verdict or
 * verdicts) and CAVRA's sample actions, told apart by content; bad files are refused
 * with the file, the case and the field.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWritError } from '../../../../src/errors/writ-error.ts';
import { CAVRA_DRY_RUN_SIGNALS } from '../../../../src/policy/lifecycle/dry-run/cavra-case-file.ts';
import { caseFileFormat, parseDryRunCases, readDryRunCaseFile } from '../../../../src/policy/lifecycle/dry-run/read-case-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'writ-dry-run-cases-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The message of the error `fn` throws, which must be a BAD_REQUEST for a bad case file. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isWritError(err, 'BAD_REQUEST'), String(err));
    assert.equal(err.reason, 'DRY_RUN_CASES_INVALID');
    return err.message;
  }
  assert.fail('expected the case file to be refused');
}

const PROMOTION_YAML = `defaults:
  intent:
    action_scope: promotion
    principal: { type: pipeline, id: deploy }
    resource: { type: environment, id: payments/prod, attrs: { tier: prod } }
    execution_identity: { pipeline_id: deploy, region: eu-west-1, env_tier: prod }
  now: "2026-02-01T00:00:00Z"
cases:
  - name: prod promotion
    class: production_promotion
    expect: { verdict: require_approval, obligations: { approvals_required: 2 } }
  - case_id: held
    class: promotion_during_phase_hold
    signals: { phase_holds: [{ id: HOLD-1, targets: [payments/prod] }] }
  - name: stage
    intent: { resource: { type: environment, id: payments/stage, attrs: { tier: stage } } }
    now: "2026-03-01T00:00:00Z"
    expect: { verdicts: [allow, require_approval] }
`;

test('a Writ YAML case file: defaults merged, name or case_id, class-only expectations resolved from the class', () => {
  const cases = readDryRunCaseFile(write('promotion.yaml', PROMOTION_YAML));
  assert.deepEqual(cases.map((c) => [c.case_id, c.class, c.now]), [
    ['prod promotion', 'production_promotion', '2026-02-01T00:00:00Z'],
    ['held', 'promotion_during_phase_hold', '2026-02-01T00:00:00Z'],
    ['stage', null, '2026-03-01T00:00:00Z'],
  ]);
  assert.deepEqual(cases[0]!.expected, { verdicts: ['require_approval'], obligations: { approvals_required: 2 } });
  assert.deepEqual(cases[1]!.expected, { verdicts: ['deny'] });
  assert.deepEqual(cases[1]!.signals, { phase_holds: [{ id: 'HOLD-1', targets: ['payments/prod'] }], active_incidents: [], trusted_mcp_servers: [] });
  assert.deepEqual(cases[2]!.expected, { verdicts: ['allow', 'require_approval'] });
  assert.equal(cases[2]!.intent.resource.id, 'payments/stage');
  assert.equal(cases[2]!.intent.action_scope, 'promotion', 'top-level intent fields not given by the case come from defaults');
});

test('the same cases as JSON parse the same', () => {
  const yaml = readDryRunCaseFile(write('p.yaml', PROMOTION_YAML));
  const json = readDryRunCaseFile(write('p.json', JSON.stringify({ defaults: { intent: yaml[0]!.intent, now: '2026-02-01T00:00:00Z' }, cases: [{ name: 'prod promotion', class: 'production_promotion', expect: { verdict: 'require_approval', obligations: { approvals_required: 2 } } }] })));
  assert.deepEqual(json[0], yaml[0]);
});

test('CAVRA sample actions map to intents, verdicts and classes, under the configured trusted MCP servers', () => {
  const value = {
    schema_version: 'cavra.policy-lifecycle.sample-actions.v1',
    actions: [
      { case_id: 'block_env_read', input: { action_type: 'read_file', target: '.env', requested_operation: 'read' }, expected_decision: 'block' },
      { case_id: 'custom', input: { action_type: 'git_operation', target: 'origin/release', requested_operation: 'push' }, expected_decision: 'allow' },
      { case_id: 'block_unknown_mcp_server', input: { action_type: 'mcp_tool_call', target: 'x:y', server: 'x', tool: 'y' } },
    ],
  };
  assert.equal(caseFileFormat(value), 'cavra');
  const cases = parseDryRunCases('actions.json', value);
  assert.deepEqual(cases.map((c) => [c.case_id, c.class, c.intent.action_scope, c.expected.verdicts]), [
    ['block_env_read', 'sensitive_file_read', 'file.read', ['deny']],
    ['custom', null, 'repo.push', ['allow']],
    ['block_unknown_mcp_server', 'mcp_server_trust', 'mcp.tool_call', ['deny']],
  ]);
  assert.deepEqual(cases[1]!.intent.resource.attrs, { repo: 'origin', name: 'release' });
  for (const c of cases) assert.deepEqual(c.signals, CAVRA_DRY_RUN_SIGNALS);
  assert.deepEqual([...CAVRA_DRY_RUN_SIGNALS.trusted_mcp_servers], ['github', 'jira']);
});

test('a bad Writ case file lists every problem with file, case and field', () => {
  const p = write(
    'bad.yaml',
    `cases:
  - name: one
    class: not_a_class
    intent: { action_scope: promotion }
    expect: { verdict: maybe, colour: red }
  - case_id: two
    name: also-two
  - name: three
    intent: { action_scope: file.read, principal: { type: agent, id: a }, resource: { type: file, id: f }, execution_identity: { region: local, env_tier: dev } }
    expect: { verdict: deny, verdicts: [deny] }
  - name: three
    intent: { action_scope: file.read, principal: { type: agent, id: a }, resource: { type: file, id: f }, execution_identity: { region: local, env_tier: dev } }
    now: yesterday
`,
  );
  const m = refusal(() => readDryRunCaseFile(p));
  assert.ok(m.includes(`${p}: case "one": class: "not_a_class" is not a required decision class`), m);
  assert.ok(m.includes(`${p}: case "one": intent.principal:`), m);
  assert.ok(m.includes(`${p}: case "one": expect.colour: unknown field`), m);
  assert.ok(m.includes(`${p}: case "one": expect.verdict: expected one of allow, deny, require_approval`), m);
  assert.ok(m.includes(`${p}: case "two": give name or case_id, not both`), m);
  assert.ok(m.includes(`${p}: case "three": expect: give verdict or verdicts, not both`), m);
  assert.ok(m.includes(`${p}: case "three": now: expected an ISO 8601 UTC instant`), m);
  assert.ok(m.includes(`${p}: case "three": expect: required when the case names no class`), m);
});

test('a bad CAVRA file names the case and field', () => {
  const m = refusal(() =>
    parseDryRunCases('actions.json', {
      schema_version: 'cavra.policy-lifecycle.sample-actions.v1',
      actions: [
        { case_id: 'teleport', input: { action_type: 'teleport', target: 'moon' }, expected_decision: 'block' },
        { case_id: 'nodecision', input: { action_type: 'read_file', target: 'a' } },
        { case_id: 'badword', input: { action_type: 'read_file', target: 'a' }, expected_decision: 'deny' },
        { input: { action_type: 'read_file' } },
        { case_id: 'numeric', input: { action_type: 'execute_command', target: 'ls', requested_operation: 7 }, expected_decision: 'allow' },
      ],
    }),
  );
  assert.match(m, /actions\.json: case "teleport": input\.action_type: CAVRA action "teleport" has no Writ equivalent/);
  assert.match(m, /actions\.json: case "nodecision": expected_decision: required/);
  assert.match(m, /actions\.json: case "badword": expected_decision: expected one of allow, block, require_approval/);
  assert.match(m, /actions\.json: case #4: case_id: expected a non-empty string/);
  assert.match(m, /actions\.json: case #4: input\.target: expected a non-empty string/);
  assert.match(m, /actions\.json: case "numeric": input\.requested_operation: expected a string/);
});

test('unknown formats, empty files, unparsable and unreadable files are refused', () => {
  assert.match(refusal(() => parseDryRunCases('x.json', { schema_version: 'cavra.policy-lifecycle.readiness.v1' })), /schema_version "cavra\.policy-lifecycle\.readiness\.v1" is not a dry-run case format/);
  assert.match(refusal(() => parseDryRunCases('x.json', [1, 2])), /expected a Writ case file/);
  assert.match(refusal(() => parseDryRunCases('x.yaml', { cases: [] })), /x\.yaml: cases: the file has no case/);
  assert.match(refusal(() => readDryRunCaseFile(write('broken.json', '{"cases": ['))), /broken\.json: not valid JSON/);
  assert.match(refusal(() => readDryRunCaseFile(write('broken.yaml', 'cases:\n  - a: 1\n  a: 2\n'))), /not valid YAML: .*broken\.yaml/);
  assert.match(refusal(() => readDryRunCaseFile(join(dir, 'missing.yaml'))), /missing\.yaml: cannot read: no such file/);
});
