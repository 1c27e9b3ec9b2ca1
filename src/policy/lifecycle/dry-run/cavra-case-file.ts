/**
 * CAVRA's dry-run sample actions (`cavra.policy-lifecycle.sample-actions.v1`) as Writ
 * dry-run cases: each action becomes an intent ({@link cavraActionToIntent}), its
 * `expected_decision` a verdict (`block` ⇒ `deny`), and its case id the class CAVRA's
 * required case demonstrates ({@link classOfCavraCase}), so CAVRA's six required cases
 * count for Writ's required classes.
 *
 * Signals: no phase hold, no incident, and MCP servers `github` and `jira` trusted. In
 * CAVRA an MCP allow-list is configuration the dry run always has; in Writ trust is a
 * live signal. Evaluating with an empty list would make every server untrusted, so an
 * "unknown server is blocked" case would prove nothing; with a configured list it shows
 * that a server outside it is refused (the same list as the `mcp_server_trust` fixture).
 *
 * @module
 */
import { checkIntent } from '../../check-intent.ts';
import type { Verdict } from '../../decision.ts';
import type { PolicySignals } from '../../intent.ts';
import { cavraActionToIntent, cavraDecisionToVerdict, UnmappedCavraActionError, type CavraActionInput, type CavraDecision } from '../cavra/cavra-action.ts';
import { REQUIRED_FIXTURE_NOW, classOfCavraCase, decisionClass } from '../required-classes.ts';
import type { DryRunCaseInput } from './case-input.ts';
import { caseFileError, isPlainObject } from './case-file-error.ts';

/**
 * Schema id of CAVRA's sample-actions file.
 *
 * @example
 * ```ts
 * value.schema_version === CAVRA_SAMPLE_ACTIONS_SCHEMA; // a CAVRA case file
 * ```
 */
export const CAVRA_SAMPLE_ACTIONS_SCHEMA = 'cavra.policy-lifecycle.sample-actions.v1';

/**
 * The signals CAVRA sample actions are evaluated under (see the module doc).
 *
 * @example
 * ```ts
 * CAVRA_DRY_RUN_SIGNALS.trusted_mcp_servers; // ['github', 'jira']
 * ```
 */
export const CAVRA_DRY_RUN_SIGNALS: Readonly<PolicySignals> = Object.freeze({
  phase_holds: Object.freeze([]),
  active_incidents: Object.freeze([]),
  trusted_mcp_servers: Object.freeze(['github', 'jira']),
});

const DECISIONS: readonly CavraDecision[] = ['allow', 'block', 'require_approval'];

function expectedVerdicts(action: Record<string, unknown>, caseId: string, say: (m: string) => void): Verdict[] | null {
  const d = action.expected_decision;
  if (d !== undefined) {
    if (typeof d === 'string' && (DECISIONS as readonly string[]).includes(d)) return [cavraDecisionToVerdict(d as CavraDecision)];
    say(`expected_decision: expected one of ${DECISIONS.join(', ')}`);
    return null;
  }
  const klass = decisionClass(classOfCavraCase(caseId) ?? '');
  if (klass) return [...klass.expected];
  // CAVRA passes a case without an expectation; a Writ dry run must be able to fail.
  say('expected_decision: required (the case id is not one of the CAVRA required cases)');
  return null;
}

function parseAction(raw: unknown, say: (m: string) => void): DryRunCaseInput | null {
  if (!isPlainObject(raw)) {
    say('expected a mapping with case_id, input, expected_decision');
    return null;
  }
  let ok = true;
  const note = (m: string) => {
    ok = false;
    say(m);
  };
  const caseId = typeof raw.case_id === 'string' && raw.case_id.trim() !== '' ? raw.case_id : null;
  if (caseId === null) note('case_id: expected a non-empty string');
  const input = raw.input;
  if (!isPlainObject(input)) note('input: expected a mapping with action_type and target');
  else {
    if (typeof input.action_type !== 'string') note('input.action_type: expected a string');
    if (typeof input.target !== 'string' || input.target === '') note('input.target: expected a non-empty string');
    for (const k of ['requested_operation', 'server', 'tool', 'capability']) if (input[k] !== undefined && typeof input[k] !== 'string') note(`input.${k}: expected a string`);
  }
  const verdicts = expectedVerdicts(raw, caseId ?? '', note);
  if (!ok || caseId === null || verdicts === null || !isPlainObject(input)) return null;
  let intent;
  try {
    intent = cavraActionToIntent(input as unknown as CavraActionInput, caseId);
  } catch (err) {
    if (!(err instanceof UnmappedCavraActionError)) throw err;
    note(`input.action_type: ${err.message}`);
    return null;
  }
  const problems = checkIntent(intent, 'input (as a Writ intent)');
  for (const p of problems) note(p);
  if (problems.length > 0) return null;
  return { case_id: caseId, class: classOfCavraCase(caseId), intent, signals: CAVRA_DRY_RUN_SIGNALS, now: REQUIRED_FIXTURE_NOW, expected: { verdicts } };
}

/**
 * Parses a CAVRA sample-actions file's value.
 *
 * @throws {WritError} `BAD_REQUEST` (reason `DRY_RUN_CASES_INVALID`) listing every
 * problem as `file: case "…": field: message`.
 *
 * @example
 * ```ts
 * parseCavraSampleActions('sample-actions.json', JSON.parse(text)).map((c) => c.class);
 * // ['sensitive_file_read', 'policy_file_write_approval', …]
 * ```
 */
export function parseCavraSampleActions(file: string, value: unknown): DryRunCaseInput[] {
  const problems: string[] = [];
  if (!isPlainObject(value)) throw caseFileError(file, ['expected a mapping with schema_version and actions']);
  if (value.schema_version !== undefined && value.schema_version !== CAVRA_SAMPLE_ACTIONS_SCHEMA) {
    problems.push(`schema_version: expected ${CAVRA_SAMPLE_ACTIONS_SCHEMA}, got ${JSON.stringify(value.schema_version)}`);
  }
  if (!Array.isArray(value.actions)) throw caseFileError(file, [...problems, 'actions: expected a list']);
  const out: DryRunCaseInput[] = [];
  const seen = new Set<string>();
  value.actions.forEach((raw: unknown, i) => {
    const label = isPlainObject(raw) && typeof raw.case_id === 'string' && raw.case_id !== '' ? `case ${JSON.stringify(raw.case_id)}` : `case #${i + 1}`;
    const c = parseAction(raw, (m) => problems.push(`${label}: ${m}`));
    if (!c) return;
    if (seen.has(c.case_id)) problems.push(`${label}: the case id is used twice in this file`);
    seen.add(c.case_id);
    out.push(c);
  });
  if (problems.length === 0 && out.length === 0) problems.push('actions: the file has no action');
  if (problems.length > 0) throw caseFileError(file, problems);
  return out;
}
