import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { entityTypeName, flattenScoped } from '../../src/policy/cedar-request.ts';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import { NO_SIGNALS, type EvaluationInput, type Intent, type PolicySignals } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { isPrepared } from '../../src/policy/prepared-bundle.ts';
import { buildSchemaModel } from '../../src/policy/schema-model.ts';
import { decide } from '../../src/policy/verdict.ts';
import { MINI_SCHEMA, cleanupBundles, writeBundle } from './helpers/bundle-dir.ts';

const EXTRA = `// evaluation features
@id("doc.write.forbid.too_many")
forbid (principal, action == Writ::Action::"doc.write", resource is Writ::Doc)
when { context.parameters has count && context.parameters.count > 10 };

@id("doc.write.forbid.phase_hold")
@risk("critical")
forbid (principal, action == Writ::Action::"doc.write", resource is Writ::Doc)
when { context.signals.phase_hold.global || context.signals.phase_hold.targets.contains(context.resource_id) };

@id("doc.read.forbid.embargo")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has labels && resource.labels.contains("embargo") };

@id("doc.read.forbid.expired")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { context.now >= datetime("2030-01-01T00:00:00Z") };

// Overflows (a runtime error) when level is huge: Cedar skips an erroring policy.
@id("doc.read.forbid.overflow")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has level && resource.level * 4611686018427387904 > 0 };
`;

let bundle: CompiledBundle;
before(() => {
  const schema = MINI_SCHEMA.replace('action "doc.read", "doc.write"', 'action "doc.read", "doc.write", "doc.archive"');
  bundle = loadBundleDir(writeBundle({ 'schema.cedarschema': schema, 'policies/extra.cedar': EXTRA }));
});
after(cleanupBundles);

const NOW = new Date('2025-06-01T12:00:00Z');

function intent(over: Partial<Intent> = {}): Intent {
  return {
    action_scope: 'doc.read',
    principal: { type: 'user', id: 'alice' },
    resource: { type: 'doc', id: 'd1', attrs: { tier: 'public' } },
    execution_identity: { agent_id: null, region: 'eu-west-1', env_tier: 'prod', spiffe_id: 'spiffe://acme.example/a' },
    parameters: {},
    context: { justification: 'test' },
    ...over,
  };
}

function run(over: Partial<Intent> = {}, signals: PolicySignals = NO_SIGNALS, now = NOW) {
  return evaluateIntent(bundle, { intent: intent(over), signals, now });
}

const doc = (attrs: Record<string, unknown>, id = 'd1') => ({ type: 'doc', id, attrs: attrs as Intent['resource']['attrs'] });

describe('verdicts and obligations', () => {
  test('a permit without approvals allows, with its id as the reason and its risk', () => {
    const d = run();
    assert.deepEqual(d, {
      verdict: 'allow',
      reasons: ['doc.read.allow'],
      deny_code: null,
      obligations: { approvals_required: 0, approver_groups: [], risk: 'low', break_glass_allowed: false },
      errors: [],
      policy_bundle_hash: bundle.policy_bundle_hash,
    });
  });

  test('a determining forbid denies with POLICY_FORBID, its id and risk', () => {
    const d = run({ resource: doc({ tier: 'secret' }) });
    assert.equal(d.verdict, 'deny');
    assert.equal(d.deny_code, 'POLICY_FORBID');
    assert.deepEqual(d.reasons, ['doc.read.forbid.secret']);
    assert.equal(d.obligations.risk, 'high');
    assert.equal(d.obligations.approvals_required, 0);
  });

  test('no permit denies with NO_PERMIT and no reasons', () => {
    const d = run({ action_scope: 'doc.archive' });
    assert.equal(d.verdict, 'deny');
    assert.equal(d.deny_code, 'NO_PERMIT');
    assert.deepEqual(d.reasons, []);
    assert.equal(d.obligations.risk, null);
  });

  test('a permit with @approvals requires approval with its obligations', () => {
    const d = run({ action_scope: 'doc.write' });
    assert.equal(d.verdict, 'require_approval');
    assert.equal(d.deny_code, null);
    assert.deepEqual(d.reasons, ['doc.write.approval']);
    assert.deepEqual(d.obligations, { approvals_required: 1, approver_groups: ['writers'], risk: 'medium', break_glass_allowed: true });
  });

  test('several approval permits: strictest wins (max N, union of groups, max risk, break-glass only if all allow it)', () => {
    const d = run({ action_scope: 'doc.write', resource: doc({ tier: 'prod' }) });
    assert.equal(d.verdict, 'require_approval');
    assert.deepEqual(d.reasons, ['doc.write.approval', 'doc.write.prod.approval']);
    assert.deepEqual(d.obligations, { approvals_required: 3, approver_groups: ['owners', 'writers'], risk: 'critical', break_glass_allowed: false });
  });

  test('a forbid beats an approval permit; several forbids are all reasons, sorted', () => {
    const d = run({ action_scope: 'doc.write', parameters: { count: 11 } }, { ...NO_SIGNALS, phase_holds: [{ id: 'H', targets: ['d1'] }] });
    assert.equal(d.verdict, 'deny');
    assert.deepEqual(d.reasons, ['doc.write.forbid.phase_hold', 'doc.write.forbid.too_many']);
    assert.equal(d.obligations.risk, 'critical');
  });
});

describe('signals, time and projection', () => {
  test('a phase hold applies to its targets only; a global one to everything', () => {
    const w = { action_scope: 'doc.write' };
    assert.equal(run(w, { ...NO_SIGNALS, phase_holds: [{ id: 'H', targets: ['other'] }] }).verdict, 'require_approval');
    assert.equal(run(w, { ...NO_SIGNALS, phase_holds: [{ id: 'H', targets: ['d1'] }] }).verdict, 'deny');
    assert.equal(run(w, { ...NO_SIGNALS, phase_holds: [{ id: 'H' }] }).verdict, 'deny');
    assert.equal(run(w, { ...NO_SIGNALS, phase_holds: [{ id: 'H', targets: [], environments: [] }] }).verdict, 'deny');
  });

  test('time is an input: the same intent is decided by the `now` passed in', () => {
    assert.equal(run({}, NO_SIGNALS, new Date('2029-12-31T23:59:59Z')).verdict, 'allow');
    const later = run({}, NO_SIGNALS, new Date('2030-01-01T00:00:00Z'));
    assert.equal(later.verdict, 'deny');
    assert.deepEqual(later.reasons, ['doc.read.forbid.expired']);
  });

  test('evaluation is deterministic', () => {
    const input: EvaluationInput = { intent: intent({ action_scope: 'doc.write', resource: doc({ tier: 'prod' }) }), signals: NO_SIGNALS, now: NOW };
    assert.deepEqual(evaluateIntent(bundle, input), evaluateIntent(bundle, input));
  });

  test('declared parameters reach policy; undeclared ones are dropped', () => {
    assert.equal(run({ action_scope: 'doc.write', parameters: { count: 11 } }).verdict, 'deny');
    assert.equal(run({ action_scope: 'doc.write', parameters: { count: 3, undeclared: { nested: [1, 2] } } }).verdict, 'require_approval');
  });

  test('undeclared resource attributes are dropped; lists become sets; null optionals are absent', () => {
    assert.equal(run({ resource: doc({ tier: 'public', owner: 'bob', extra: { a: 1 } }) }).verdict, 'allow');
    assert.equal(run({ resource: doc({ tier: 'public', labels: ['x', 'embargo'] }) }).verdict, 'deny');
    assert.equal(run({ resource: doc({ tier: 'public', labels: null }) }).verdict, 'allow');
  });
});

describe('fail closed', () => {
  test('a policy that errors at run time denies with EVALUATION_ERROR (Cedar alone would allow)', () => {
    const d = run({ resource: doc({ tier: 'public', level: 4 }) });
    assert.equal(d.verdict, 'deny');
    assert.equal(d.deny_code, 'EVALUATION_ERROR');
    assert.equal(d.errors.length, 1);
    assert.match(d.errors[0]!, /^policy doc\.read\.forbid\.overflow: .*overflow/);
  });

  const invalid: Array<[string, () => EvaluationInput]> = [
    ['an undeclared action scope', () => ({ intent: intent({ action_scope: 'doc.delete' }), signals: NO_SIGNALS, now: NOW })],
    ['a principal type the action does not apply to', () => ({ intent: intent({ principal: { type: 'service', id: 's' } }), signals: NO_SIGNALS, now: NOW })],
    ['a resource type the action does not apply to', () => ({ intent: intent({ resource: { type: 'user', id: 'bob' } }), signals: NO_SIGNALS, now: NOW })],
    ['a resource attribute of the wrong type', () => ({ intent: intent({ resource: doc({ tier: 1 }) }), signals: NO_SIGNALS, now: NOW })],
    ['a missing required attribute', () => ({ intent: intent({ resource: doc({}) }), signals: NO_SIGNALS, now: NOW })],
    ['a parameter of the wrong type', () => ({ intent: intent({ action_scope: 'doc.write', parameters: { count: '11' } }), signals: NO_SIGNALS, now: NOW })],
    ['a non-integer number', () => ({ intent: intent({ resource: doc({ tier: 'public', level: 1.5 }) }), signals: NO_SIGNALS, now: NOW })],
    ['a Cedar entity escape in attributes', () => ({ intent: intent({ resource: doc({ tier: { __entity: { type: 'Writ::User', id: 'x' } } }) }), signals: NO_SIGNALS, now: NOW })],
    ['a missing signal list', () => ({ intent: intent(), signals: { phase_holds: [], active_incidents: [] } as unknown as PolicySignals, now: NOW })],
    ['an invalid date', () => ({ intent: intent(), signals: NO_SIGNALS, now: new Date('nope') })],
    ['a time Cedar cannot represent', () => ({ intent: intent(), signals: NO_SIGNALS, now: new Date(8.64e15) })],
    ['a bad env_tier', () => ({ intent: intent({ execution_identity: { region: 'r', env_tier: 'production' as 'prod' } }), signals: NO_SIGNALS, now: NOW })],
    ['an unknown intent field', () => ({ intent: { ...intent(), extra: 1 } as Intent, signals: NO_SIGNALS, now: NOW })],
    ['an empty resource id', () => ({ intent: intent({ resource: { type: 'doc', id: '', attrs: { tier: 'p' } } }), signals: NO_SIGNALS, now: NOW })],
    ['a PascalCase type name', () => ({ intent: intent({ resource: { type: 'Doc', id: 'd', attrs: { tier: 'p' } } }), signals: NO_SIGNALS, now: NOW })],
    ['not an object', () => null as unknown as EvaluationInput],
  ];
  for (const [what, input] of invalid) {
    test(`${what} denies with INVALID_REQUEST and says why`, () => {
      const d = evaluateIntent(bundle, input());
      assert.equal(d.verdict, 'deny');
      assert.equal(d.deny_code, 'INVALID_REQUEST', JSON.stringify(d));
      assert.ok(d.errors.length > 0);
      assert.deepEqual(d.reasons, []);
      assert.equal(d.obligations.approvals_required, 0);
    });
  }

  test('a broken bundle object denies instead of throwing', () => {
    const d = evaluateIntent({ policy_bundle_hash: 'sha256:x' } as unknown as CompiledBundle, { intent: intent(), signals: NO_SIGNALS, now: NOW });
    assert.equal(d.verdict, 'deny');
    assert.equal(d.deny_code, 'EVALUATION_ERROR');
    const d2 = evaluateIntent(null as unknown as CompiledBundle, { intent: intent(), signals: NO_SIGNALS, now: NOW });
    assert.equal(d2.verdict, 'deny');
  });

  test('decide(): a Cedar failure, an unknown determining id, or an allow without permit all deny', () => {
    const policies = bundle.policies;
    assert.equal(decide('h', policies, { type: 'failure', errors: [{ message: 'boom', help: null, code: null, url: null, severity: null }], warnings: [] }).deny_code, 'INVALID_REQUEST');
    const allow = (reason: string[]) => ({ type: 'success' as const, response: { decision: 'allow' as const, diagnostics: { reason, errors: [] } }, warnings: [] });
    assert.equal(decide('h', policies, allow(['ghost'])).deny_code, 'EVALUATION_ERROR');
    assert.equal(decide('h', policies, allow([])).deny_code, 'EVALUATION_ERROR');
    assert.equal(decide('h', policies, allow(['doc.read.forbid.secret'])).deny_code, 'EVALUATION_ERROR');
  });
});

describe('pre-parsing and the mapping', () => {
  test('a bundle is pre-parsed once, under its hash, on first evaluation', () => {
    const fresh = loadBundleDir(writeBundle({ 'policies/more.cedar': '@id("m")\npermit (principal, action == Writ::Action::"doc.read", resource);\n' }));
    assert.equal(isPrepared(fresh.policy_bundle_hash), false);
    evaluateIntent(fresh, { intent: intent(), signals: NO_SIGNALS, now: NOW });
    assert.equal(isPrepared(fresh.policy_bundle_hash), true);
  });

  test('entity type names: snake_case to Writ::PascalCase', () => {
    assert.equal(entityTypeName('doc'), 'Writ::Doc');
    assert.equal(entityTypeName('role_binding'), 'Writ::RoleBinding');
    assert.equal(entityTypeName('k8s_cluster_role'), 'Writ::K8sClusterRole');
  });

  test('scoped signals flatten to global + unions', () => {
    assert.deepEqual(flattenScoped([]), { global: false, targets: [], environments: [] });
    assert.deepEqual(flattenScoped([{ id: 'a', targets: ['t2', 't1'] }, { id: 'b', environments: ['prod'], targets: ['t1'] }]), { global: false, targets: ['t1', 't2'], environments: ['prod'] });
    assert.equal(flattenScoped([{ id: 'a', targets: ['t'] }, { id: 'g' }]).global, true);
  });

  test('fitting projects onto the declared type, wraps extension strings and type-checks', () => {
    const { model } = buildSchemaModel('namespace Writ { type T = { at: datetime, ip?: ipaddr, n: Long, s: Set<{ a: String }>, d?: decimal }; }');
    assert.ok(model);
    const fit = model.fit({ type: 'Writ::T' });
    const errors: string[] = [];
    assert.deepEqual(fit({ at: '2025-01-01', ip: '10.0.0.0/8', n: 1, s: [{ a: 'x', b: 'y' }], z: 1, d: null }, 'v', errors), {
      at: { __extn: { fn: 'datetime', arg: '2025-01-01' } },
      ip: { __extn: { fn: 'ipaddr', arg: '10.0.0.0/8' } },
      n: 1,
      s: [{ a: 'x' }],
    });
    assert.deepEqual(errors, []);
    fit({ at: '2025-13-45T00:00:00Z', ip: '300.1.1.1', n: 2 ** 60, s: [{ a: 1 }, 'x'], d: '1.23456' }, 'v', errors);
    assert.deepEqual(errors, [
      'v.at: expected a datetime string',
      'v.d: expected a decimal string',
      'v.ip: expected a ipaddr string',
      'v.n: expected an integer',
      'v.s[0].a: expected a string',
      'v.s[1]: expected an object',
    ]);
    const missing: string[] = [];
    fit({}, 'v', missing);
    assert.deepEqual(missing, ['v.at: required', 'v.n: required', 'v.s: required']);
  });
});
