/**
 * Flattened policy slices (`src/policy/flat-slice.ts`): what is flattened and how, and
 * that a flattened slice decides every request like the unflattened one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cedarCall } from '../../src/policy/action-plan.ts';
import { cedar } from '../../src/policy/cedar.ts';
import { mapIntent } from '../../src/policy/cedar-request.ts';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { flattenSlice } from '../../src/policy/flat-slice.ts';
import { NO_SIGNALS, type Intent } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { decisionCall, prepareBundle, type PreparedAction } from '../../src/policy/prepared-bundle.ts';
import { cleanupBundles, MINI_SCHEMA, writeBundle } from './helpers/bundle-dir.ts';

let bundle: CompiledBundle;
before(() => {
  bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
});
after(cleanupBundles);

const json = (text: string) => {
  const j = cedar.policyToJson(text);
  assert.equal(j.type, 'success');
  return j.json;
};

test('flattening: chains become flat context attributes; a variable used as a whole is not flattened', () => {
  const flat = flattenSlice('x~flat', [
    { id: 'a', json: json('permit (principal, action, resource) when { context.s.t.contains(context.r) && resource.tier == "p" };') },
    { id: 'b', json: json('permit (principal, action, resource) when { resource has a.b && context.p has c && context.r like "x*" };') },
  ]);
  assert.ok(flat);
  assert.deepEqual(
    flat.slots.map((s) => `${s.key} ${s.kind} ${s.from}.${s.path.join('.')}`),
    ['s0 value context.s.t', 's1 value context.r', 's2 value resource.tier', 's3 present resource.a.b', 's4 present context.p.c', 's5 present context.p'],
  );
  // A `has` reuses a value the slice sends anyway.
  const reuse = flattenSlice('z', [{ id: 'd', json: json('permit (principal, action, resource) when { (resource has protected && resource.protected) || (context.p has c && context.p == { c: 1 }) };') }]);
  assert.ok(reuse);
  assert.deepEqual(reuse.slots.map((s) => `${s.key} ${s.kind} ${s.from}.${s.path.join('.')}`), ['s0 value resource.protected', 's1 value context.p']);
  assert.deepEqual(reuse.policies.d!.conditions[0]!.body, {
    '||': {
      left: { '&&': { left: { has: { left: { Var: 'context' }, attr: 's0' } }, right: { '.': { left: { Var: 'context' }, attr: 's0' } } } },
      right: { '&&': { left: { has: { left: { '.': { left: { Var: 'context' }, attr: 's1' } }, attr: 'c' } }, right: { '==': { left: { '.': { left: { Var: 'context' }, attr: 's1' } }, right: { Record: { c: { Value: 1 } } } } } } },
    },
  });
  for (const whole of ['context == {}', 'resource.hasTag("t")', 'resource.getTag("t") == 1', '(if true then resource else principal).x == 1', '{ a: 1 }.a == 1', '(if true then context.a else context.b) has c', 'context.n * 4611686018427387904 > 0', '[{ n: -9007199254740993 }].contains(context.r)']) {
    assert.equal(flattenSlice('y', [{ id: 'c', json: json(`permit (principal, action, resource) when { ${whole} };`) }]), null, whole);
  }
  assert.ok(flattenSlice('y', [{ id: 'c', json: json('permit (principal, action, resource) when { context.n * 9007199254740991 > -9007199254740991 };') }]), 'safe integers are exact');
  // The request's own entities compared as uids need no entity data.
  const uids = flattenSlice('u', [{ id: 'e', json: json('permit (principal, action, resource) when { principal == resource || principal in resource || resource is Writ::Doc };') }]);
  assert.ok(uids);
  assert.deepEqual(uids.slots, []);
});

const SLICE_SCHEMA = MINI_SCHEMA.replace('entity User, Agent;', 'entity User, Agent = { tier?: String, level?: Long };')
  .replace('entity Doc = { tier: String, level?: Long, labels?: Set<String> };', 'entity Doc = { tier: String, level?: Long, labels?: Set<String>, meta?: { owner?: String, size: Long } };')
  .replace(
    'action "doc.read", "doc.write" appliesTo { principal: [User, Agent], resource: [Doc], context: Ctx };',
    'action "doc.read" appliesTo { principal: [User, Agent], resource: [Doc], context: Ctx };\n  action "doc.write" appliesTo { principal: [User, Agent], resource: [Doc, Agent], context: Ctx };',
  );
const SLICE_POLICIES = `
@id("r.allow")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has meta && resource.meta has owner && resource.meta.owner == context.resource_id };

@id("r.level")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has meta.owner || (resource has level && resource.level > 3) || (principal has level && principal.level > 1) };

@id("r.labels")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has labels && resource.labels.containsAny(context.signals.phase_hold.targets) && !context.signals.phase_hold.global };

@id("r.big")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has meta && resource.meta.size * 9007199254740991 * 2048 > 0 && context.parameters has count };

@id("w.all")
permit (principal, action == Writ::Action::"doc.write", resource)
when { principal has tier && resource has tier && principal.tier == resource.tier && (resource has level || !(principal has level)) };

@id("w.self")
forbid (principal, action == Writ::Action::"doc.write", resource)
when { (principal == resource || resource in principal) && principal is Writ::Agent && resource is Writ::Agent && context.resource_id == "a" };
`;

test('a flattened slice decides like the unflattened one (values, absent attributes, errors, principal = resource)', () => {
  const b = loadBundleDir(writeBundle({ 'schema.cedarschema': SLICE_SCHEMA, 'policies/slice.cedar': SLICE_POLICIES }));
  const plans = prepareBundle(b);
  assert.ok(typeof plans !== 'string', String(plans));
  for (const p of plans.values()) assert.ok(p.flat, `${p.action} is flattened`);
  const attrs = fc.record(
    {
      tier: fc.constantFrom('a', 'b'),
      level: fc.integer({ min: 0, max: 5 }),
      labels: fc.subarray(['x', 'y']),
      meta: fc.record({ owner: fc.constantFrom('d1', 'd2'), size: fc.constantFrom(0, 1) }, { requiredKeys: ['size'] }),
    },
    { requiredKeys: ['tier'] },
  );
  const intent = fc.record({
    action_scope: fc.constantFrom('doc.read', 'doc.write'),
    principal: fc.constantFrom({ type: 'user', id: 'd1' }, { type: 'agent', id: 'd1' }, { type: 'agent', id: 'a' }),
    resource: fc.record({ type: fc.constantFrom('doc', 'agent'), id: fc.constantFrom('d1', 'd2', 'a'), attrs }),
    execution_identity: fc.constant({ region: 'r', env_tier: 'dev' as const }),
    parameters: fc.constantFrom({}, { count: 2 }),
  });
  const signals = fc.record({ phase_holds: fc.constantFrom([], [{ id: 'H', targets: ['x'] }], [{ id: 'G' }]), active_incidents: fc.constant([]), trusted_mcp_servers: fc.constant([]) });
  let compared = 0;
  let sameUid = 0;
  let errored = 0;
  let allowed = 0;
  fc.assert(
    fc.property(intent, signals, (i, s) => {
      const m = mapIntent(b.model, { intent: i as Intent, signals: s, now: new Date(0) });
      if (!('mapped' in m)) return;
      const p = plans.get(i.action_scope) as PreparedAction;
      const norm = (a: ReturnType<typeof cedar.statefulIsAuthorized>) =>
        a.type === 'success' ? { decision: a.response.decision, reason: [...a.response.diagnostics.reason].sort(), errored: a.response.diagnostics.errors.map((e) => e.policyId).sort() } : a;
      const plain = norm(cedar.statefulIsAuthorized(cedarCall(p, m.mapped)));
      assert.deepEqual(norm(cedar.statefulIsAuthorized(decisionCall(p, m.mapped))), plain, JSON.stringify({ i, s }));
      compared++;
      if ('errored' in plain && plain.errored.length > 0) errored++;
      if ('decision' in plain && plain.decision === 'allow') allowed++;
      if (i.principal.type === i.resource.type && i.principal.id === i.resource.id) sameUid++;
    }),
    { numRuns: 1500 },
  );
  assert.ok(compared > 500 && sameUid > 20 && errored > 20 && allowed > 20, JSON.stringify({ compared, sameUid, errored, allowed }));
});

test('every action of the default bundle is flattened, and decides like its unflattened slice', () => {
  const plans = prepareBundle(bundle);
  assert.ok(typeof plans !== 'string');
  for (const p of plans.values()) assert.ok(p.flat, `${p.action} is flattened`);
  const promotion = plans.get('promotion')!;
  const intent: Intent = { action_scope: 'promotion', principal: { type: 'user', id: 'u' }, resource: { type: 'environment', id: 'p/prod', attrs: { tier: 'prod' } }, execution_identity: { region: 'r', env_tier: 'prod' } };
  const m = mapIntent(bundle.model, { intent, signals: { ...NO_SIGNALS, phase_holds: [{ id: 'H', targets: ['p/prod'] }] }, now: new Date(0) });
  assert.ok('mapped' in m);
  const call = decisionCall(promotion, m.mapped);
  assert.deepEqual(call.entities, [], 'no entity is sent');
  assert.equal(Object.keys(call.context).length, promotion.flat!.slots.length);
  const a = cedar.statefulIsAuthorized(call);
  assert.equal(a.type, 'success');
  assert.deepEqual(a.type === 'success' && a.response.diagnostics.reason, ['promotion.forbid.phase_hold']);
});
