/**
 * The decision tests an imported bundle carries (`tests/*.yaml`), derived from the
 * pack and decided by the reference evaluator of CAVRA's semantics
 * (`cavra-reference.ts`), never by the Cedar just generated:
 *
 * - per section file, one case per pattern (an example value it matches), plus the
 *   defaults: a path and a command no pattern matches, pushes to main, master and a
 *   feature branch, a call to each listed MCP server and to an unknown one;
 * - `classes.yaml`: Writ's fixture of every required decision class that applies to
 *   the five CAVRA action scopes, with `class:` set, when the pack's decision is one
 *   the class accepts. A class the pack does not demonstrate (a pack that does not
 *   block `.env`) gets a warning instead of a failing case; `writ policy lint` then
 *   reports it as missing.
 *
 * Expectations state the verdict, the deny code of a block, and every obligation:
 * approvals (1 for require_approval), the approver group, and the risk (CAVRA's severity).
 *
 * @module
 */
import { applicableClasses, classFixture } from '../required-classes.ts';
import type { Intent, PolicySignals } from '../../intent.ts';
import { cavraActionToIntent, cavraDecisionToVerdict, type CavraActionInput } from './cavra-action.ts';
import { exampleCommand, examplePath, firstUnmatched, freshName } from './cavra-examples.ts';
import { approverGroupSlug, type CavraImportWarning, type CavraPack } from './cavra-pack.ts';
import { evaluateCavraReference, type CavraReferenceDecision } from './cavra-reference.ts';
import { CAVRA_ACTION_SCOPES } from './cavra-schema.ts';
import { intentToCavraAction } from './intent-to-cavra-action.ts';

/**
 * A test case as written to YAML.
 *
 * @example
 * ```ts
 * const c: CavraTestCase = { name: 'read ".env"', intent: { action_scope: 'file.read', resource }, expect: { verdict: 'deny' } };
 * ```
 */
export interface CavraTestCase {
  name: string;
  class?: string;
  intent: Partial<Intent>;
  signals?: Partial<PolicySignals>;
  expect: Record<string, unknown>;
}

/**
 * One test file: its cases and the intent fields they share.
 *
 * @example
 * ```ts
 * const f: CavraTestFile = { file: 'git.yaml', title: 'CAVRA git rule', defaults: { principal }, cases: [] };
 * ```
 */
export interface CavraTestFile {
  file: string;
  /** One line for the file's header comment. */
  title: string;
  /** `defaults.intent` of the file (null: every case has a whole intent). */
  defaults: Partial<Intent> | null;
  cases: CavraTestCase[];
}

/**
 * The expectation of a reference decision in Writ's test-case form.
 *
 * @example
 * ```ts
 * expectationOf({ decision: 'block', rule_id: 'commands.block', severity: 'critical' });
 * // { verdict: 'deny', deny_code: 'POLICY_FORBID', obligations: { approvals_required: 0, approver_groups: [], risk: 'critical' } }
 * ```
 */
export function expectationOf(d: CavraReferenceDecision): Record<string, unknown> {
  const verdict = cavraDecisionToVerdict(d.decision);
  const gated = verdict === 'require_approval';
  return {
    verdict,
    ...(verdict === 'deny' ? { deny_code: 'POLICY_FORBID' } : {}),
    obligations: {
      approvals_required: gated ? 1 : 0,
      approver_groups: gated && d.approver_group ? [approverGroupSlug(d.approver_group)] : [],
      risk: d.severity,
    },
  };
}

const VERB: Record<string, string> = { read_file: 'read', write_file: 'write', execute_command: 'run', git_operation: 'push to', mcp_tool_call: 'call' };

/** Shared intent fields of the cases of a section file (the CAVRA agent, as mapped). */
const SHARED = (() => {
  const probe = cavraActionToIntent({ action_type: 'read_file', target: 'x' });
  return { principal: probe.principal, execution_identity: probe.execution_identity, parameters: probe.parameters, context: probe.context } satisfies Partial<Intent>;
})();

function sectionCase(pack: CavraPack, label: string, input: CavraActionInput): CavraTestCase {
  const intent = cavraActionToIntent(input);
  const decision = evaluateCavraReference(pack, input);
  const shown = input.action_type === 'mcp_tool_call' ? input.server! : input.target;
  return {
    name: `${label}${label ? ': ' : ''}${VERB[input.action_type]} ${JSON.stringify(shown)} (${decision.rule_id})`,
    intent: { action_scope: intent.action_scope, resource: intent.resource },
    expect: expectationOf(decision),
  };
}

const PROBE = 'writ-cavra-import-probe';

function filesystemCases(pack: CavraPack): CavraTestCase[] {
  const fs = pack.filesystem;
  const read = (target: string) => ({ action_type: 'read_file', target, requested_operation: 'read' });
  const write = (target: string) => ({ action_type: 'write_file', target, requested_operation: 'write' });
  const candidates = ['src/app.ts', `docs/${PROBE}.md`, PROBE];
  const cases = [
    ...fs.block_read.map((p) => sectionCase(pack, `block_read ${JSON.stringify(p)}`, read(examplePath(p)))),
    ...fs.block_write.map((p) => sectionCase(pack, `block_write ${JSON.stringify(p)}`, write(examplePath(p)))),
    ...fs.require_approval_write.map((p) => sectionCase(pack, `require_approval_write ${JSON.stringify(p)}`, write(examplePath(p)))),
  ];
  const unread = firstUnmatched(candidates, fs.block_read);
  if (unread) cases.push(sectionCase(pack, 'no pattern', read(unread)));
  const unwritten = firstUnmatched(candidates, [...fs.block_write, ...fs.require_approval_write]);
  if (unwritten) cases.push(sectionCase(pack, 'no pattern', write(unwritten)));
  return cases;
}

function commandCases(pack: CavraPack): CavraTestCase[] {
  const c = pack.commands;
  const run = (line: string) => ({ action_type: 'execute_command', target: line, requested_operation: line });
  const cases = [
    ...c.block.map((p) => sectionCase(pack, `block ${JSON.stringify(p)}`, run(exampleCommand(p)))),
    ...c.require_approval.map((p) => sectionCase(pack, `require_approval ${JSON.stringify(p)}`, run(exampleCommand(p)))),
    ...c.allow.map((p) => sectionCase(pack, `allow ${JSON.stringify(p)}`, run(exampleCommand(p)))),
  ];
  const unmatched = firstUnmatched([PROBE, `echo ${PROBE}`, `${PROBE} --help`], [...c.block, ...c.require_approval, ...c.allow]);
  if (unmatched) cases.push(sectionCase(pack, 'unmatched command', run(unmatched)));
  return cases;
}

function gitCases(pack: CavraPack): CavraTestCase[] {
  return ['origin/main', 'origin/master', `origin/feature/${PROBE}`].map((target) =>
    sectionCase(pack, '', { action_type: 'git_operation', target, requested_operation: 'push' }),
  );
}

function mcpCases(pack: CavraPack): CavraTestCase[] {
  const m = pack.mcp;
  const call = (server: string): CavraActionInput => ({ action_type: 'mcp_tool_call', target: `${server}:example_tool`, requested_operation: 'example_tool', server, tool: 'example_tool' });
  return [
    ...m.allowed_servers.map((s) => sectionCase(pack, 'allowed_servers', call(s))),
    ...m.blocked_servers.map((s) => sectionCase(pack, 'blocked_servers', call(s))),
    sectionCase(pack, 'unknown server', call(freshName(`${PROBE}-server`, [...m.allowed_servers, ...m.blocked_servers]))),
  ];
}

function classCases(pack: CavraPack, warnings: CavraImportWarning[]): CavraTestCase[] {
  const scopes = new Set<string>(CAVRA_ACTION_SCOPES);
  const cases: CavraTestCase[] = [];
  for (const c of applicableClasses(scopes)) {
    const fixture = classFixture(c, scopes);
    const input = fixture ? intentToCavraAction(fixture.intent) : null;
    if (!fixture || !input) continue;
    const decision = evaluateCavraReference(pack, input);
    const verdict = cavraDecisionToVerdict(decision.decision);
    if (!c.expected.includes(verdict)) {
      warnings.push({
        code: 'CAVRA_CLASS_NOT_DEMONSTRATED',
        field: c.id,
        message: `required decision class ${c.id} (${c.title}) expects ${c.expected.join(' or ')}; this pack decides ${decision.decision} (${decision.rule_id}), so the bundle has no ${c.id} case`,
      });
      continue;
    }
    const signals = fixture.signals;
    const nonEmpty = Object.fromEntries(Object.entries(signals).filter(([, v]) => Array.isArray(v) && v.length > 0));
    cases.push({
      name: `${[...c.cavra_case_ids, c.id].join(' / ')}: ${c.title}`,
      class: c.id,
      intent: fixture.intent,
      ...(Object.keys(nonEmpty).length > 0 ? { signals: nonEmpty } : {}),
      expect: expectationOf(decision),
    });
  }
  return cases;
}

/**
 * The test files of a resolved pack, in file-name order, and the warnings for the
 * required decision classes it does not demonstrate.
 *
 * @example
 * ```ts
 * cavraTestFiles(pack).files.map((f) => f.file); // ['classes.yaml', 'commands.yaml', 'filesystem.yaml', 'git.yaml', 'mcp.yaml']
 * ```
 */
export function cavraTestFiles(pack: CavraPack): { files: CavraTestFile[]; warnings: CavraImportWarning[] } {
  const warnings: CavraImportWarning[] = [];
  const files: CavraTestFile[] = [
    { file: 'classes.yaml', title: "Writ's required decision classes that apply to CAVRA's action scopes", defaults: null, cases: classCases(pack, warnings) },
    { file: 'commands.yaml', title: 'CAVRA commands section', defaults: SHARED, cases: commandCases(pack) },
    { file: 'filesystem.yaml', title: 'CAVRA filesystem section', defaults: SHARED, cases: filesystemCases(pack) },
    { file: 'git.yaml', title: 'CAVRA git rule (built in)', defaults: SHARED, cases: gitCases(pack) },
    { file: 'mcp.yaml', title: 'CAVRA mcp section', defaults: SHARED, cases: mcpCases(pack) },
  ];
  return { files: files.filter((f) => f.cases.length > 0), warnings };
}
