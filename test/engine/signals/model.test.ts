import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/common/clock.ts';
import { isOverrideActive, normaliseScope, overrideExpiry, toPolicySignals, type SignalState } from '../../../src/engine/signals/model.ts';
import type { PolicySignals } from '../../../src/policy/intent.ts';
import { SIGNAL_ENTRY_TYPES } from '../../../src/engine/signals/entry-types.ts';
import { ENTRY_TYPES } from '../../../src/ledger/entries/entry-types.ts';
import { validateEntry } from '../../../src/ledger/entries/validate-entry.ts';

const T0 = new Date('2026-06-01T00:00:00Z');

test('an override is active from granted_at until, excluding, expires_at (ManualClock)', () => {
  const clock = new ManualClock(T0);
  const o = { granted_at: clock.now(), expires_at: overrideExpiry(clock.now(), 60) };
  assert.equal(o.expires_at.toISOString(), '2026-06-01T00:01:00.000Z');
  assert.equal(isOverrideActive(o, clock.now()), true);
  clock.advance(59_999);
  assert.equal(isOverrideActive(o, clock.now()), true);
  clock.advance(1);
  assert.equal(isOverrideActive(o, clock.now()), false);
  assert.equal(isOverrideActive(o, new Date(T0.getTime() - 1)), false, 'not before it was granted');
});

test('ttl and scope are checked', () => {
  for (const ttl of [0, -1, 1.5, 7 * 24 * 3600 + 1]) assert.throws(() => overrideExpiry(T0, ttl), { code: 'BAD_REQUEST' });
  assert.deepEqual(normaliseScope({ targets: ['a/b', 'a/b'], environments: ['prod'] }), { targets: ['a/b'], environments: ['prod'] });
  assert.deepEqual(normaliseScope({}), { targets: [], environments: [] });
  assert.throws(() => normaliseScope({}, { allowGlobal: false }), { code: 'BAD_REQUEST' });
  assert.throws(() => normaliseScope({ targets: [' x'] }), { code: 'BAD_REQUEST' });
  assert.throws(() => normaliseScope({ targets: Array.from({ length: 65 }, (_, i) => `t${i}`) }), { code: 'BAD_REQUEST' });
});

test('toPolicySignals keeps only what is in force and is a PolicySignals', () => {
  const state: SignalState = {
    holds: [
      { id: 'h1', scope_kind: 'target', target: 'payments/prod', reason: 'r', author: 'a', set_at: T0, cleared_at: null, cleared_by: null },
      { id: 'h2', scope_kind: 'environment', target: 'prod', reason: 'r', author: 'a', set_at: T0, cleared_at: null, cleared_by: null },
      { id: 'h3', scope_kind: 'target', target: 'x', reason: 'r', author: 'a', set_at: T0, cleared_at: T0, cleared_by: 'a' },
    ],
    incidents: [
      { id: 'i1', scope: { targets: [], environments: [] }, reason: 'r', author: 'a', opened_at: T0, resolved_at: null, resolved_by: null },
      { id: 'i2', scope: { targets: ['x'], environments: [] }, reason: 'r', author: 'a', opened_at: T0, resolved_at: T0, resolved_by: 'a' },
    ],
    overrides: [
      { id: 'o1', scope: { targets: ['x'], environments: [] }, reason: 'r', author: 'a', granted_at: T0, expires_at: new Date(T0.getTime() + 1000) },
      { id: 'o2', scope: { targets: ['y'], environments: [] }, reason: 'r', author: 'a', granted_at: T0, expires_at: new Date(T0.getTime() + 10_000) },
    ],
  };
  const s = toPolicySignals(state, new Date(T0.getTime() + 5000), ['github']);
  const asPolicy: PolicySignals = s;
  assert.deepEqual(asPolicy.phase_holds, [
    { id: 'h1', targets: ['payments/prod'], environments: [] },
    { id: 'h2', targets: [], environments: ['prod'] },
  ]);
  assert.deepEqual(asPolicy.active_incidents, [{ id: 'i1', targets: [], environments: [] }]);
  assert.deepEqual(asPolicy.trusted_mcp_servers, ['github']);
  assert.deepEqual(s.active_overrides, [{ id: 'o2', targets: ['y'], environments: [], expires_at: '2026-06-01T00:00:10.000Z' }]);
});

test('signal entry payloads are allowlisted and refuse secrets', () => {
  const types = { ...ENTRY_TYPES, ...SIGNAL_ENTRY_TYPES };
  const ok = { hold_id: 'hold_00000000000000000000000000000001', scope_kind: 'target', target: 'payments/prod', reason: 'freeze', author: 'alice', actor: 'admin' };
  validateEntry({ stream_id: 'system.signals', entry_type: 'signal.hold_set', payload: ok }, types);
  assert.throws(() => validateEntry({ stream_id: 'system.signals', entry_type: 'signal.hold_set', payload: { ...ok, token: 'x' } }, types), { code: 'LEDGER_PAYLOAD_REJECTED' });
  assert.throws(
    () => validateEntry({ stream_id: 'system.signals', entry_type: 'signal.hold_set', payload: { ...ok, reason: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig' } }, types),
    { code: 'LEDGER_PAYLOAD_REJECTED' },
  );
  for (const type of Object.keys(SIGNAL_ENTRY_TYPES)) assert.ok(!Object.hasOwn(ENTRY_TYPES, type) || ENTRY_TYPES[type] === SIGNAL_ENTRY_TYPES[type]);
});
