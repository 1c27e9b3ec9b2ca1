/**
 * Writ's dry-run case file: the bundle test format (`tests/*.yaml`, defaults merged the
 * same way by {@link expandTestFile}) with dry-run additions:
 *
 * ```yaml
 * defaults: { intent: { … }, signals: { … }, now: "2025-01-01T00:00:00Z" }
 * cases:
 *   - case_id: prod-promotion          # or name:
 *     class: production_promotion      # optional; a required decision class id
 *     intent: { … }
 *     expect: { verdicts: [require_approval], obligations: { approvals_required: 2 } }
 *   - name: phase hold                 # expect may be left out when class is given
 *     class: promotion_during_phase_hold
 *     signals: { phase_holds: [{ id: HOLD-1, targets: [payments/prod] }] }
 * ```
 *
 * @module
 */
import { checkIntent, checkSignals } from '../../check-intent.ts';
import { expandTestFile } from '../../expand-test-file.ts';
import type { Intent, PolicySignals } from '../../intent.ts';
import { decisionClass } from '../required-classes.ts';
import type { DryRunCaseInput } from './case-input.ts';
import { caseFileError, isPlainObject } from './case-file-error.ts';
import { checkExpectation } from './check-expectation.ts';

const CASE_KEYS = ['name', 'case_id', 'class', 'intent', 'signals', 'now', 'expect'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function caseLabel(c: unknown, index: number): string {
  if (isPlainObject(c)) {
    const id = c.case_id ?? c.name;
    if (typeof id === 'string' && id.trim() !== '') return `case ${JSON.stringify(id)}`;
  }
  return `case #${index + 1}`;
}

function caseId(c: Record<string, unknown>, say: (m: string) => void): string | null {
  if (c.name !== undefined && c.case_id !== undefined) {
    say('give name or case_id, not both');
    return null;
  }
  const id = c.case_id ?? c.name;
  const field = c.case_id !== undefined ? 'case_id' : 'name';
  if (typeof id !== 'string' || id.trim() === '') {
    say(`${field}: expected a non-empty string`);
    return null;
  }
  return id;
}

function parseCase(raw: unknown, say: (m: string) => void): DryRunCaseInput | null {
  if (!isPlainObject(raw)) {
    say('expected a mapping with name (or case_id), intent, expect');
    return null;
  }
  let ok = true;
  const note = (m: string) => {
    ok = false;
    say(m);
  };
  for (const k of Object.keys(raw)) if (!CASE_KEYS.includes(k)) note(`${k}: unknown field`);
  const id = caseId(raw, note);
  let klass: ReturnType<typeof decisionClass>;
  if (raw.class !== undefined) {
    klass = typeof raw.class === 'string' ? decisionClass(raw.class) : undefined;
    if (!klass) note(`class: ${JSON.stringify(raw.class)} is not a required decision class`);
  }
  for (const e of checkIntent(raw.intent)) note(e);
  for (const e of checkSignals(raw.signals)) note(e);
  if (typeof raw.now !== 'string' || !ISO_UTC.test(raw.now) || Number.isNaN(Date.parse(raw.now))) note('now: expected an ISO 8601 UTC instant, e.g. "2025-01-01T00:00:00Z"');
  const expected = checkExpectation(raw.expect, klass, note);
  if (!ok || id === null || expected === null) return null;
  return { case_id: id, class: klass?.id ?? null, intent: raw.intent as Intent, signals: raw.signals as PolicySignals, now: raw.now as string, expected };
}

/**
 * Parses a Writ case file's value (defaults merged, every case checked).
 *
 * @throws {WritError} `BAD_REQUEST` (reason `DRY_RUN_CASES_INVALID`) listing every
 * problem as `file: case "…": field: message`; also when the file has no case or a case
 * id is used twice.
 *
 * @example
 * ```ts
 * parseWritCaseFile('cases.yaml', { cases: [{ name: 'hold', class: 'promotion_during_phase_hold', intent, signals }] })[0]?.expected;
 * // { verdicts: ['deny'] }
 * ```
 */
export function parseWritCaseFile(file: string, value: unknown): DryRunCaseInput[] {
  const expanded = expandTestFile(file, value);
  const problems = expanded.problems.map((p) => p.message);
  const out: DryRunCaseInput[] = [];
  const seen = new Set<string>();
  expanded.cases.forEach((raw, i) => {
    const label = caseLabel(raw, i);
    const c = parseCase(raw, (m) => problems.push(`${label}: ${m}`));
    if (!c) return;
    if (seen.has(c.case_id)) problems.push(`${label}: the case id is used twice in this file`);
    seen.add(c.case_id);
    out.push(c);
  });
  if (problems.length === 0 && out.length === 0) problems.push('cases: the file has no case');
  if (problems.length > 0) throw caseFileError(file, problems);
  return out;
}
