import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../src/common/clock.ts';
import { SequentialIdSource } from '../../src/common/ids.ts';
import { NO_CORRELATION, buildEvent, isNoCorrelation } from '../../src/events/build-event.ts';
import type { EnforcementEvent } from '../../src/events/enforcement-event.ts';
import { eventEntry } from '../../src/events/entry-types.ts';
import { ENFORCEMENT_EVENT_TYPES, EnforcementEventSchema, validateEnforcementEvent } from '../../src/events/event-schema.ts';
import { checkObservedExecution } from '../../src/events/observed-execution.ts';
import { validateEntry } from '../../src/ledger/entries/validate-entry.ts';
import { HASH, SLICE0_EVENT_SCHEMA, sampleEvent, slice0Errors } from './helpers.ts';

const ctx = { ids: new SequentialIdSource(), clock: new ManualClock(new Date('2026-06-01T12:00:00.000Z')) };
const correlation = { decision_hash: HASH, token_jti: 'Q2xhdWRlIGp0aSAxMjM0NTY', authorization_id: 'authz_0000000000000001', action_scope: 'promotion', region: 'eu-west-1', agent_id: 'release-bot' };

test('our schema has the Slice-0 fields, required list and event types', () => {
  assert.deepEqual(Object.keys(EnforcementEventSchema.properties).sort(), Object.keys(SLICE0_EVENT_SCHEMA.properties).sort());
  assert.deepEqual([...(EnforcementEventSchema.required ?? [])].sort(), [...SLICE0_EVENT_SCHEMA.required].sort());
  assert.deepEqual([...ENFORCEMENT_EVENT_TYPES], SLICE0_EVENT_SCHEMA.properties.event_type?.enum);
});

test('every event the module builds validates against the Slice-0 schema file (promotion)', async () => {
  const built: EnforcementEvent[] = [];
  for (const event_type of ENFORCEMENT_EVENT_TYPES) {
    built.push(buildEvent(ctx, { event_type, ...correlation }));
    built.push(buildEvent(ctx, { event_type, ...correlation, denial_code: 'TOKEN_REPLAY', details: { reason: 'REPLAY', n: 2, ok: false, none: null, list: ['a'], nested: { k: 'v' } } }));
  }
  built.push(buildEvent(ctx, { event_type: 'authorization_denied', ...correlation, ...NO_CORRELATION, denial_code: 'MISSING_DECISION_HASH' }));
  // The out-of-band event, with and without the keys a target may not know.
  const kept: EnforcementEvent[] = [];
  const events = { publish: (e: EnforcementEvent) => (kept.push(e), { accepted: true, alert_id: null }) };
  const report = { decision_hash: HASH, action_scope: 'promotion', region: 'eu-west-1', agent_id: 'release-bot', observed_at: '2026-06-01T11:59:00Z', target_system: 'argocd' };
  await checkObservedExecution({ lookup: async () => null, events, ...ctx }, report);
  await checkObservedExecution({ lookup: async () => null, events, ...ctx }, { ...report, authorization_id: 'authz_0000000000000009', token_jti: 'Q2xhdWRlIGp0aSAxMjM0NTY' });
  assert.equal(kept.length, 2);
  built.push(...kept);
  for (const e of built) {
    assert.equal(slice0Errors(e), null, `${e.event_type}: ${slice0Errors(e)}`);
    const ours = validateEnforcementEvent(e);
    assert.ok(ours.ok, `${e.event_type}: ${ours.ok ? '' : ours.problem}`);
    assert.doesNotThrow(() => validateEntry(eventEntry(e)), `${e.event_type}: the ledger accepts it`);
  }
});

test('stand-ins for missing correlation keys meet the Slice-0 minimums and are recognised', () => {
  assert.ok(NO_CORRELATION.decision_hash.length >= 16);
  assert.ok(NO_CORRELATION.token_jti.length >= 12);
  assert.ok(NO_CORRELATION.authorization_id.length >= 8);
  for (const v of Object.values(NO_CORRELATION)) assert.ok(isNoCorrelation(v));
  assert.equal(isNoCorrelation(HASH), false);
  assert.equal(isNoCorrelation('authz_0000000000000001'), false);
});

test('other action scopes are accepted by our schema (Slice-0 knows only promotion)', () => {
  for (const action_scope of ['terraform.apply', 'k8s.rbac.bind', 'mcp.tool_call', 'unknown']) {
    const e = sampleEvent({ action_scope });
    assert.ok(validateEnforcementEvent(e).ok, action_scope);
    assert.notEqual(slice0Errors(e), null, 'the reference refuses it: this is the extension');
  }
  for (const action_scope of ['', 'Promotion', 'a b', 'x.', '.x', 'a'.repeat(129)]) {
    assert.equal(validateEnforcementEvent(sampleEvent({ action_scope })).ok, false, JSON.stringify(action_scope));
  }
});

test('invalid events are refused with a path, never the value', () => {
  const base = sampleEvent();
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing decision_hash', { ...base, decision_hash: undefined }, /decision_hash/],
    ['short decision_hash', { ...base, decision_hash: 'sha256:abc' }, /decision_hash/],
    ['short token_jti', { ...base, token_jti: 'short' }, /token_jti/],
    ['short authorization_id', { ...base, authorization_id: 'a1' }, /authorization_id/],
    ['short event_id', { ...base, event_id: 'e1' }, /event_id/],
    ['short region', { ...base, region: 'e' }, /region/],
    ['short agent_id', { ...base, agent_id: 'ab' }, /agent_id/],
    ['unknown type', { ...base, event_type: 'token_issued' }, /event_type/],
    ['extra field', { ...base, token: 'x' }, /additional properties \(token\)/],
    ['not an instant', { ...base, occurred_at: 'yesterday' }, /occurred_at/],
    ['not a real date', { ...base, occurred_at: '2026-02-31T00:00:00Z' }, /occurred_at: not a real UTC instant/],
    ['offset instead of Z', { ...base, occurred_at: '2026-06-01T00:00:00+02:00' }, /occurred_at/],
    ['lower-case denial code', { ...base, denial_code: 'token_replay' }, /denial_code/],
    ['deep details', { ...base, details: { a: { b: { c: 1 } } } }, /details/],
    ['details key', { ...base, details: { 'Bad-Key': 1 } }, /details/],
    ['a JWT in details', { ...base, details: { note: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4eXoifQ.c2lnbmF0dXJl' } }, /details\/note: looks like a secret \(jwt\)/],
    ['a PEM in details', { ...base, details: { key: '-----BEGIN PRIVATE KEY-----' } }, /looks like a secret/],
    ['not an object', 'event', /must be object/],
    ['null', null, /must be object/],
  ];
  for (const [name, e, re] of cases) {
    const v = validateEnforcementEvent(e);
    assert.equal(v.ok, false, name);
    if (!v.ok) {
      assert.match(v.problem, re, name);
      assert.ok(!v.problem.includes('eyJhbGci') && !v.problem.includes('BEGIN'), 'the value is never echoed');
    }
  }
});

test('property: whatever our schema accepts with action_scope promotion, the Slice-0 schema accepts', () => {
  // Mostly valid values, each field sometimes off by a little (around the Slice-0 bounds).
  const str = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
  const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ arbitrary: good, weight: 9 }, { arbitrary: bad, weight: 1 });
  const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null));
  const arb = fc.record(
    {
      event_id: mostly(str(8, 12), str(0, 8)),
      event_type: mostly(fc.constantFrom(...ENFORCEMENT_EVENT_TYPES), fc.string({ maxLength: 10 })),
      occurred_at: mostly(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 25 })),
      decision_hash: mostly(fc.constant(HASH), str(10, 20)),
      token_jti: mostly(str(12, 16), str(8, 12)),
      authorization_id: mostly(str(8, 12), str(5, 8)),
      action_scope: fc.constantFrom('promotion', 'promotion', 'terraform.apply'),
      region: mostly(str(2, 4), str(0, 2)),
      agent_id: mostly(str(3, 5), str(1, 3)),
      denial_code: mostly(fc.constantFrom('TOKEN_REPLAY', 'PHASE_HOLD_ACTIVE'), fc.string({ maxLength: 5 })),
      details: fc.dictionary(fc.constantFrom('a', 'b', 'reason', 'X'), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('k', 'v'), scalar))),
      extra: fc.string({ maxLength: 3 }),
    },
    { requiredKeys: ['event_id', 'event_type', 'occurred_at', 'decision_hash', 'token_jti', 'authorization_id', 'action_scope', 'region', 'agent_id'] },
  );
  let acceptedPromotion = 0;
  fc.assert(
    fc.property(arb, (e) => {
      const ours = validateEnforcementEvent(e);
      if (ours.ok && e.action_scope === 'promotion') {
        acceptedPromotion += 1;
        assert.equal(slice0Errors(e), null);
      }
    }),
    { numRuns: 3000, seed: 20260601 },
  );
  assert.ok(acceptedPromotion > 50, `the property exercised accepted events (${acceptedPromotion})`);
});

test('buildEvent: new id, occurred_at from the clock, no undefined optional fields', () => {
  const e = buildEvent(ctx, { event_type: 'execution_started', ...correlation, denial_code: undefined, details: undefined });
  assert.match(e.event_id, /^evt_/);
  assert.equal(e.occurred_at, ctx.clock.now().toISOString());
  assert.ok(!('denial_code' in e) && !('details' in e));
  const at = new Date('2026-06-01T10:00:00.000Z');
  assert.equal(buildEvent(ctx, { event_type: 'execution_started', ...correlation, occurred_at: at }).occurred_at, at.toISOString());
});
