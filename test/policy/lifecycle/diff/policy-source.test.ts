import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCedar, policySourceParts } from '../../../../src/policy/lifecycle/diff/policy-source.ts';

test('normalizeCedar: comments dropped, whitespace collapsed outside strings only', () => {
  assert.equal(normalizeCedar('a  ==\n\t"x  // y" // note\n || b'), 'a == "x  // y" || b');
});

test('policySourceParts: scope and each condition, annotations with parentheses and strings skipped', () => {
  const text = '@id("p") @description("a) when { b")\npermit (\n  principal,\n  action == Writ::Action::"x", // why\n  resource\n)\nwhen { resource.s == "}" }\nunless { context.f };';
  assert.deepEqual(policySourceParts(text), {
    scope: 'principal, action == Writ::Action::"x", resource',
    conditions: ['when { resource.s == "}" }', 'unless { context.f }'],
  });
});

test('policySourceParts: a policy without conditions; a text that is not a policy gives null', () => {
  assert.deepEqual(policySourceParts('@id("q") forbid (principal, action, resource);'), { scope: 'principal, action, resource', conditions: [] });
  assert.equal(policySourceParts('@id("q") allow (principal);'), null);
});
