/**
 * The `tests/*.yaml` format and its expansion into document test cases.
 *
 * ```yaml
 * defaults:                # optional; merged under every case
 *   intent: { … }          # top-level intent fields; a case's field replaces the default's
 *   signals: { … }         # phase_holds / active_incidents / trusted_mcp_servers, each replaced
 *   now: "2025-01-01T00:00:00Z"
 * cases:
 *   - name: staging promotion is allowed
 *     intent: { action_scope: promotion, resource: { type: environment, id: web/stage, attrs: { tier: stage } } }
 *     expect: { verdict: allow }
 * ```
 *
 * Signals a case leaves out are empty; `now` defaults to {@link DEFAULT_TEST_NOW}. The
 * expanded cases are what enters the bundle document (and its hash). Their content is
 * checked when the document is compiled.
 *
 * @module
 */
import type { BundleProblem } from './problems.ts';

/**
 * The instant a test case is evaluated at when neither it nor the file's defaults say.
 *
 * @example
 * ```ts
 * new Date(DEFAULT_TEST_NOW).getTime(); // 1735689600000
 * ```
 */
export const DEFAULT_TEST_NOW = '2025-01-01T00:00:00Z';

const EMPTY_SIGNALS = { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) return { ...base, ...over };
  return over;
}

/**
 * Expands one parsed test file into its cases (defaults applied). Structural problems
 * of the file itself (not a mapping, unknown keys, `cases` not a list) are returned;
 * problems inside cases are found later, when the document is compiled.
 *
 * @example
 * ```ts
 * expandTestFile('tests/a.yaml', { defaults: { now: '2026-01-01T00:00:00Z' }, cases: [{ name: 'x', intent, expect: { verdict: 'deny' } }] }).cases[0]?.now;
 * // '2026-01-01T00:00:00Z'
 * ```
 */
export function expandTestFile(file: string, value: unknown): { cases: unknown[]; problems: BundleProblem[] } {
  const problems: BundleProblem[] = [];
  if (!isPlainObject(value)) return { cases: [], problems: [{ file, message: 'expected a mapping with cases (and optional defaults)' }] };
  for (const k of Object.keys(value)) if (k !== 'defaults' && k !== 'cases') problems.push({ file, message: `unknown top-level key ${k}` });
  const defaults = value.defaults ?? {};
  if (!isPlainObject(defaults)) problems.push({ file, message: 'defaults: expected a mapping' });
  else for (const k of Object.keys(defaults)) if (!['intent', 'signals', 'now'].includes(k)) problems.push({ file, message: `defaults.${k}: unknown key` });
  if (!Array.isArray(value.cases)) {
    problems.push({ file, message: 'cases: expected a list' });
    return { cases: [], problems };
  }
  const d = isPlainObject(defaults) ? defaults : {};
  const cases = value.cases.map((c: unknown) => {
    if (!isPlainObject(c)) return c;
    return {
      ...c,
      intent: merge(d.intent, c.intent),
      signals: merge(merge(EMPTY_SIGNALS, d.signals), c.signals),
      now: c.now ?? d.now ?? DEFAULT_TEST_NOW,
    };
  });
  return { cases, problems };
}
