import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cedarCall, planActions } from '../../src/policy/action-plan.ts';
import { cedar } from '../../src/policy/cedar.ts';
import { mapIntent } from '../../src/policy/cedar-request.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import { NO_SIGNALS, type Intent } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { addPath, emptyPaths, policyReads, slice } from '../../src/policy/policy-reads.ts';
import { MINI_SCHEMA, cleanupBundles, writeBundle } from './helpers/bundle-dir.ts';

after(cleanupBundles);

const reads = (conditions: string) => {
  const j = cedar.policyToJson(`permit (principal, action, resource) when { ${conditions} };`);
  assert.equal(j.type, 'success');
  const r = policyReads(j.json.conditions);
  const show = (t: ReturnType<typeof emptyPaths>): unknown => (t.all ? 'all' : Object.fromEntries([...t.children].map(([k, c]) => [k, show(c)])));
  return { principal: show(r.principal), resource: show(r.resource), context: show(r.context) };
};

test('policy reads: attribute chains and `has` are paths; any other use of a variable reads all of it', () => {
  assert.deepEqual(reads('context.signals.phase_hold.global && resource.tier == "prod"'), { principal: {}, resource: { tier: 'all' }, context: { signals: { phase_hold: { global: 'all' } } } });
  assert.deepEqual(reads('context.parameters has count && context.parameters.count > 1'), { principal: {}, resource: {}, context: { parameters: { count: 'all' } } });
  assert.deepEqual(reads('resource has a.b'), { principal: {}, resource: { a: { b: 'all' } }, context: {} });
  assert.deepEqual(reads('(if true then resource else principal).x == 1'), { principal: 'all', resource: 'all', context: {} });
  assert.deepEqual(reads('context == {"a": 1}'), { principal: {}, resource: {}, context: 'all' });
  assert.deepEqual(reads('principal == resource'), { principal: 'all', resource: 'all', context: {} });
  assert.deepEqual(reads('{"k": context.a}.k == 1 && [context.b].contains(2)'), { principal: {}, resource: {}, context: { a: 'all', b: 'all' } });
  assert.deepEqual(reads('"Var" == "context"'), { principal: {}, resource: {}, context: {} });
});

test('slice keeps only the paths of a trie', () => {
  const t = emptyPaths();
  addPath(t, ['a', 'b']);
  addPath(t, ['c']);
  assert.deepEqual(slice({ a: { b: [1], x: 2 }, c: { d: 1 }, e: 3 }, t), { a: { b: [1] }, c: { d: 1 } });
  addPath(t, ['a']);
  assert.deepEqual(slice({ a: { b: 1, x: 2 } }, t), { a: { b: 1, x: 2 } });
});

test('default bundle plans: each action gets only the policies scoped to it and the context its policies read', () => {
  const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
  const plans = planActions(bundle);
  assert.equal(plans.size, bundle.model.actions.size);
  assert.deepEqual(plans.get('promotion')!.policyIds, ['promotion.forbid.incident', 'promotion.forbid.phase_hold', 'promotion.nonprod.allow', 'promotion.prod.approval']);
  const total = [...plans.values()].reduce((n, p) => n + p.policyIds.length, 0);
  assert.equal(total, bundle.policies.size, 'every default policy names exactly one action');
  const intent: Intent = { action_scope: 'promotion', principal: { type: 'user', id: 'u' }, resource: { type: 'environment', id: 'p/prod', attrs: { tier: 'prod' } }, execution_identity: { region: 'r', env_tier: 'prod' }, context: { justification: 'x' } };
  const m = mapIntent(bundle.model, { intent, signals: NO_SIGNALS, now: new Date(0) });
  assert.ok('mapped' in m);
  const call = cedarCall(plans.get('promotion')!, m.mapped);
  assert.deepEqual(Object.keys(call.context).sort(), ['resource_id', 'signals']);
  assert.deepEqual(Object.keys((call.context as { signals: object }).signals).sort(), ['incident', 'phase_hold']);
  assert.deepEqual(call.entities, [{ uid: { type: 'Writ::Environment', id: 'p/prod' }, attrs: { tier: 'prod' }, parents: [] }]);
  const plan = plans.get('policy.activate')!;
  const m2 = mapIntent(bundle.model, { intent: { ...intent, action_scope: 'policy.activate', resource: { type: 'policy_bundle', id: 'h', attrs: { bundle_id: 'b', version: '1' } } }, signals: NO_SIGNALS, now: new Date(0) });
  assert.ok('mapped' in m2);
  const c2 = cedarCall(plan, m2.mapped);
  assert.deepEqual(c2.context, {});
  assert.deepEqual(c2.entities, [], 'no policy of policy.activate reads an attribute');
});

const GROUP_SCHEMA = MINI_SCHEMA.replace('action "doc.read", "doc.write" appliesTo', 'action reads, mutations;\n  action "doc.read" in [reads] appliesTo { principal: [User, Agent], resource: [Doc], context: Ctx };\n  action "doc.write" in [mutations] appliesTo');

test('action groups work without sending the schema: the action entity carries its groups', () => {
  const bundle = loadBundleDir(
    writeBundle({
      'schema.cedarschema': GROUP_SCHEMA,
      'policies/read.cedar': '@id("reads.allow")\npermit (principal, action in Writ::Action::"reads", resource);\n\n@id("mutations.forbid.public")\nforbid (principal, action in [Writ::Action::"mutations"], resource is Writ::Doc) when { resource.tier == "public" };\n',
      'policies/write.cedar': '@id("any.write")\n@approvals("1")\n@approver_groups("w")\npermit (principal, action == Writ::Action::"doc.write", resource);\n',
      'tests/read.yaml': null,
    }),
  );
  const plans = planActions(bundle);
  assert.deepEqual(plans.get('doc.read')!.policyIds, ['reads.allow']);
  assert.deepEqual(plans.get('doc.write')!.policyIds, ['any.write', 'mutations.forbid.public']);
  const intent = (action_scope: string, tier: string): Intent => ({ action_scope, principal: { type: 'user', id: 'u' }, resource: { type: 'doc', id: 'd', attrs: { tier } }, execution_identity: { region: 'r', env_tier: 'dev' } });
  const now = new Date(0);
  assert.deepEqual(evaluateIntent(bundle, { intent: intent('doc.read', 'x'), signals: NO_SIGNALS, now }).reasons, ['reads.allow']);
  const w = evaluateIntent(bundle, { intent: intent('doc.write', 'public'), signals: NO_SIGNALS, now });
  assert.equal(w.verdict, 'deny');
  assert.deepEqual(w.reasons, ['mutations.forbid.public']);
  assert.equal(evaluateIntent(bundle, { intent: intent('doc.write', 'internal'), signals: NO_SIGNALS, now }).verdict, 'require_approval');
});

test('a declared value no policy reads is still type-checked (as strict request validation would)', () => {
  const bundle = loadBundleDir(writeBundle());
  const base: Intent = { action_scope: 'doc.read', principal: { type: 'user', id: 'u' }, resource: { type: 'doc', id: 'd', attrs: { tier: 'public' } }, execution_identity: { region: 'r', env_tier: 'dev' } };
  const now = new Date(0);
  assert.equal(evaluateIntent(bundle, { intent: base, signals: NO_SIGNALS, now }).verdict, 'allow');
  const badParam = evaluateIntent(bundle, { intent: { ...base, parameters: { count: 'many' } }, signals: NO_SIGNALS, now });
  assert.equal(badParam.deny_code, 'INVALID_REQUEST');
  assert.deepEqual(badParam.errors, ['context.parameters.count: expected an integer']);
  const badAttr = evaluateIntent(bundle, { intent: { ...base, resource: { type: 'doc', id: 'd', attrs: { tier: 'public', labels: 'x' } } }, signals: NO_SIGNALS, now });
  assert.deepEqual(badAttr.errors, ['resource.attrs.labels: expected a list']);
});
