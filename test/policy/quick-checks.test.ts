/**
 * The fast paths of the input checks agree with the paths they shortcut:
 * - `isWellFormedInput` accepts exactly what `isEvaluationInput`'s checker finds no problem in;
 * - a `QuickFit` gives the same value as the `Fit` of the same type, and `NO_FIT` exactly
 *   when that fit reports a problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { checkIntent, checkSignals, isWellFormedInput } from '../../src/policy/check-intent.ts';
import { NO_FIT } from '../../src/policy/fit-value.ts';
import { NO_SIGNALS, type Intent } from '../../src/policy/intent.ts';
import { buildSchemaModel, type SchemaType } from '../../src/policy/schema-model.ts';

// ── input checks ──────────────────────────────────────────────────────────────────

const GOOD: Intent = {
  action_scope: 'promotion',
  principal: { type: 'agent', id: 'agent-1' },
  resource: { type: 'environment', id: 'payments/prod', attrs: { tier: 'prod', labels: ['a'], n: 1, nested: { ok: true, x: null } } },
  execution_identity: { agent_id: 'agent-1', pipeline_id: null, region: 'eu-west-1', env_tier: 'prod', spiffe_id: 'spiffe://x' },
  parameters: { count: 1 },
  context: { justification: 'x' },
};

/** Values that break one rule or another, to plant anywhere in an input (fresh each time). */
const odd = fc
  .constantFrom<() => unknown>(
    () => undefined,
    () => null,
    () => '',
    () => 'x',
    () => 'Agent',
    () => 'a.b',
    () => 'prod',
    () => 'production',
    () => 0,
    () => 1.5,
    () => Number.NaN,
    () => Infinity,
    () => true,
    () => [],
    () => [''],
    () => ['x'],
    () => [1],
    () => ['x', , 'y'],
    () => ({}),
    () => ({ __entity: { type: 'T', id: 'i' } }),
    () => ({ __extn: 'x' }),
    () => ({ a: undefined }),
    () => new Date(0),
    () => new Date(Number.NaN),
    () => new Map(),
    () => Object.create({ inherited: 1 }) as unknown,
  )
  .map((make) => make());

/** A valid input with up to three fields replaced, removed or added at random paths. */
const mutatedInput = fc
  .array(fc.tuple(fc.array(fc.constantFrom('intent', 'signals', 'now', 'principal', 'resource', 'attrs', 'execution_identity', 'env_tier', 'region', 'agent_id', 'id', 'type', 'action_scope', 'parameters', 'context', 'phase_holds', 'active_incidents', 'trusted_mcp_servers', 'targets', 'environments', '0', '1', 'nested', 'labels', 'extra', 'idempotency_key'), { minLength: 1, maxLength: 4 }), odd), { maxLength: 3 })
  .map((edits) => {
    const input = structuredClone({ intent: GOOD, signals: { phase_holds: [{ id: 'H', targets: ['t'] }], active_incidents: [{ id: 'I' }], trusted_mcp_servers: ['github'] }, now: new Date(0) }) as Record<string, unknown>;
    for (const [path, value] of edits) {
      let node: unknown = input;
      for (const key of path.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
      if (typeof node === 'object' && node !== null) (node as Record<string, unknown>)[path.at(-1)!] = value;
    }
    return input;
  });

test('isWellFormedInput accepts exactly the inputs the checker finds no problem in', () => {
  const checkerAccepts = (input: Record<string, unknown>) => {
    const keys = Object.keys(input);
    if (keys.some((k) => !['intent', 'signals', 'now'].includes(k))) return false;
    const now = input.now;
    return checkIntent(input.intent).length === 0 && checkSignals(input.signals).length === 0 && now instanceof Date && !Number.isNaN(now.getTime());
  };
  const seen = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(mutatedInput, (input) => {
      const accepted = checkerAccepts(input);
      assert.equal(isWellFormedInput(input), accepted, inspect(input, { depth: 6 }));
      seen[accepted ? 'accepted' : 'refused']++;
    }),
    { numRuns: 3000 },
  );
  assert.ok(seen.accepted > 300 && seen.refused > 300, JSON.stringify(seen));
  assert.equal(isWellFormedInput({ intent: GOOD, signals: NO_SIGNALS, now: new Date(0) }), true);
  assert.equal(isWellFormedInput(null), false);
});

// ── fits ──────────────────────────────────────────────────────────────────────────

const FIT_SCHEMA = `namespace Writ {
  entity User;
  type Inner = { s: String, n?: Long, b?: Bool };
  type T = { at: datetime, ip?: ipaddr, d?: decimal, dur?: duration, n: Long, s: Set<Inner>, tags?: Set<String>, inner?: Inner, u?: User };
}`;

const fitValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.constantFrom<unknown>(undefined, null, '', 'x', '2025-01-01', '2025-01-01T00:00:00Z', '2025-13-45', '10.0.0.0/8', '300.1.1.1', '1.5', '1.23456', '1h30m', 'h', 0, 1, -3, 1.5, 2 ** 60, true, false, { __extn: { fn: 'datetime', arg: '2025-01-01' } }, { __extn: { fn: 'ipaddr', arg: '10.0.0.1' } }),
  list: fc.array(tie('value'), { maxLength: 3 }),
  record: fc.dictionary(fc.constantFrom('at', 'ip', 'd', 'dur', 'n', 's', 'tags', 'inner', 'u', 'b', 'extra'), tie('value'), { maxKeys: 6 }),
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('record')),
})).value;

/** Mostly valid values of Writ::T (each field right four times out of five), any value otherwise. */
const mostly = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: fitValue, weight: 1 });
const inner = fc.record({ s: mostly(fc.constantFrom('a', 'b')), n: mostly(fc.integer()), b: mostly(fc.boolean()), x: fitValue }, { requiredKeys: [] });
const typedT = fc.record(
  {
    at: mostly(fc.constantFrom('2025-01-01', '2025-06-01T12:00:00Z', '2025-06-01T12:00:00.123+0200')),
    ip: mostly(fc.constantFrom('10.0.0.1', '::1', '192.168.0.0/16')),
    d: mostly(fc.constantFrom('1.5', '-0.0001')),
    dur: mostly(fc.constantFrom('1h', '2d3m', '-5ms')),
    n: mostly(fc.integer()),
    s: mostly(fc.array(inner, { maxLength: 3 })),
    tags: mostly(fc.array(fc.string(), { maxLength: 3 })),
    inner: mostly(inner),
    extra: fitValue,
  },
  { requiredKeys: [] },
);

test('a quick fit gives the value of the fit of the same type, and NO_FIT exactly when it reports a problem', () => {
  const { model } = buildSchemaModel(FIT_SCHEMA);
  assert.ok(model);
  const types: SchemaType[] = [
    { type: 'Writ::T' },
    { type: 'Writ::Inner' },
    { type: 'Set', element: { type: 'String' } },
    { type: 'Extension', name: 'datetime' },
    { type: 'Long' },
    { type: 'Boolean' },
    { type: 'Entity', name: 'Writ::User' },
  ];
  const valid = { at: '2025-01-01', ip: '10.0.0.0/8', d: '1.5', dur: '1h', n: 1, s: [{ s: 'a', n: 2, b: true, x: 1 }], tags: ['a'], inner: { s: 'b' } };
  const seen = { fits: 0, problems: 0 };
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(fc.constant(types[0]!), fc.oneof(typedT, fc.constant(valid))),
        fc.tuple(fc.constant(types[1]!), inner),
        fc.tuple(fc.constant(types[2]!), mostly(fc.array(fc.string(), { maxLength: 3 }))),
        fc.tuple(fc.constant(types[3]!), mostly(fc.constantFrom('2025-01-01', '2025-06-01T12:00:00Z'))),
        fc.tuple(fc.constantFrom(...types), fitValue),
      ),
      ([type, value]) => {
      const errors: string[] = [];
      const slow = model.fit(type)(value, 'v', errors);
      const quick = model.quickFit(type)(value);
      if (errors.length > 0) assert.equal(quick, NO_FIT, inspect({ type, value, errors }, { depth: 8 }));
      else assert.deepEqual(quick, slow, inspect({ type, value }, { depth: 8 }));
      seen[errors.length > 0 ? 'problems' : 'fits']++;
      },
    ),
    { numRuns: 3000 },
  );
  assert.ok(seen.fits > 300 && seen.problems > 300, JSON.stringify(seen));
  assert.notEqual(model.quickFit({ type: 'Writ::T' })(valid), NO_FIT);
});

test('datetime strings: the shortcut for toISOString-shaped strings accepts only what the general rule accepts', () => {
  const { model } = buildSchemaModel(FIT_SCHEMA);
  assert.ok(model);
  const fit = model.fit({ type: 'Extension', name: 'datetime' });
  // The general rule: the datetime syntax, and a date JavaScript can read.
  const general = (s: string) =>
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{4}))?$/.test(s) &&
    !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const shaped = fc
    .tuple(fc.integer({ min: 0, max: 9999 }), two(14), two(33), two(25), two(61), two(61), fc.integer({ min: 0, max: 999 }), fc.constantFrom('Z', 'z', '+0100', ''))
    .map(([y, mo, d, h, mi, s, ms, z]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${z}`);
  const iso = fc.date({ min: new Date(-62167219200000), max: new Date(253402300799999), noInvalidDate: true }).map((d) => d.toISOString());
  fc.assert(
    fc.property(fc.oneof(shaped, iso, fc.string({ maxLength: 26 })), (s) => {
      const errors: string[] = [];
      fit(s, 'v', errors);
      assert.equal(errors.length === 0, general(s), s);
    }),
    { numRuns: 5000 },
  );
});
