/**
 * Writ's own examples (base, os-sudo, kubernetes-rbac): each validates under its
 * schema, every schema-derived mutation fails with its pointer, the profile-specific
 * rules bite, and every profile document also satisfies the served (open) base schema,
 * which is what the profiles' allOf demands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { pecsExamples } from '../../../src/pecs/examples/load-examples.ts';
import { pecsSchemaOf, type PecsProfileName } from '../../../src/pecs/schemas/load-schemas.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { deleteAt, setAt } from './json-edit.ts';
import { schemaMutations } from './schema-mutations.ts';

const profiles = ['base', 'os-sudo', 'kubernetes-rbac'] as const;
const example = (p: (typeof profiles)[number]) => pecsExamples()[p] as unknown as Record<string, unknown>;
const errorsOf = (doc: unknown) => validatePecsDocument(doc).errors.map((e) => `${e.keyword} ${e.pointer}`);

for (const profile of profiles) {
  test(`the ${profile} example validates and is recognised as ${profile}`, () => {
    const r = validatePecsDocument(example(profile));
    assert.deepEqual(r.errors, []);
    assert.equal(r.profile, profile);
  });

  test(`every required field, enum and pattern of the ${profile} example, mutated, fails with its pointer`, (t) => {
    const mutations = schemaMutations(pecsSchemaOf(profile as PecsProfileName).id, example(profile));
    const count = (kind: string) => mutations.filter((m) => m.kind === kind).length;
    assert.ok(count('required') >= 20 && count('enum') >= 10 && count('pattern') >= 3, `required ${count('required')}, enum ${count('enum')}, pattern ${count('pattern')}`);
    t.diagnostic(`mutations: ${mutations.length} (required ${count('required')}, enum ${count('enum')}, pattern ${count('pattern')})`);
    const misses = mutations
      .filter((m) => !validatePecsDocument(m.apply(example(profile))).errors.some((e) => e.pointer === m.pointer && e.keyword === m.kind))
      .map((m) => `${m.kind} ${m.pointer}`);
    assert.deepEqual(misses, []);
  });
}

test('profile documents satisfy the served base schema on its own (its enums are supersets)', () => {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  const base = addFormats(new Ajv2020({ allErrors: true })).compile(pecsSchemaOf('base').schema as Record<string, unknown>);
  for (const profile of ['os-sudo', 'kubernetes-rbac'] as const) assert.equal(base(example(profile)), true, `${profile}: ${JSON.stringify(base.errors)}`);
});

test('a base document is held to a closed base: a typo inside an entry point is an error', () => {
  const doc = example('base');
  setAt(doc, '/privilegedExecutionSurface/0/controls/sesionRecorded', true);
  setAt(doc, '/system/cicdProfile', {});
  const errors = errorsOf(doc);
  assert.ok(errors.includes('additionalProperties /privilegedExecutionSurface/0/controls/sesionRecorded'), errors.join('\n'));
  // A profile block in a document that names the base schema is not silently accepted.
  assert.ok(errors.includes('additionalProperties /system/cicdProfile'), errors.join('\n'));
});

test('base: maturity levels stay within 0–4 and gap findings point with JSON pointers', () => {
  const doc = example('base');
  setAt(doc, '/maturityProfile/overallLevel', 5);
  setAt(doc, '/gapAnalysis/findings/0/fields', ['privilegedExecutionSurface/0']);
  const errors = errorsOf(doc);
  assert.ok(errors.includes('maximum /maturityProfile/overallLevel'), errors.join('\n'));
  assert.ok(errors.includes('pattern /gapAnalysis/findings/0/fields/0'), errors.join('\n'));
});

test('os-sudo: the environment types must include os-sudo, and capabilities are CAP_ names', () => {
  const doc = example('os-sudo');
  setAt(doc, '/system/environmentTypes', ['ci-cd']);
  setAt(doc, '/privilegedExecutionSurface/1/osSudoControls/linuxCapabilities', ['dac_read_search']);
  const errors = errorsOf(doc);
  assert.ok(errors.includes('contains /system/environmentTypes'), errors.join('\n'));
  assert.ok(errors.includes('pattern /privilegedExecutionSurface/1/osSudoControls/linuxCapabilities/0'), errors.join('\n'));
});

test('os-sudo: the sudoers path must be absolute and a CI/CD controls block does not belong', () => {
  const doc = example('os-sudo');
  setAt(doc, '/privilegedExecutionSurface/0/osSudoControls/sudoersPath', 'sudoers.d/deploy');
  setAt(doc, '/privilegedExecutionSurface/0/cicdControls', {});
  const errors = errorsOf(doc);
  assert.ok(errors.includes('pattern /privilegedExecutionSurface/0/osSudoControls/sudoersPath'), errors.join('\n'));
  assert.ok(errors.includes('additionalProperties /privilegedExecutionSurface/0/cicdControls'), errors.join('\n'));
});

test('kubernetes-rbac: a namespace-scoped binding must name its namespace; verbs are RBAC verbs', () => {
  const doc = example('kubernetes-rbac');
  deleteAt(doc, '/privilegedExecutionSurface/0/kubernetesControls/namespace');
  setAt(doc, '/privilegedExecutionSurface/1/kubernetesControls/verbs', ['get', 'sudo']);
  const errors = errorsOf(doc);
  assert.ok(errors.includes('required /privilegedExecutionSurface/0/kubernetesControls/namespace'), errors.join('\n'));
  assert.ok(errors.includes('enum /privilegedExecutionSurface/1/kubernetesControls/verbs/1'), errors.join('\n'));
  // The cluster-scoped entry point needs no namespace: only the namespace-scoped one is blamed.
  assert.ok(!errors.some((e) => e.includes('/privilegedExecutionSurface/1/kubernetesControls/namespace')));
});

test('kubernetes-rbac: escalation verbs are only escalate, bind and impersonate; namespaces are DNS labels', () => {
  const doc = example('kubernetes-rbac');
  setAt(doc, '/privilegedExecutionSurface/0/kubernetesControls/escalationVerbsGranted', ['delete']);
  setAt(doc, '/system/kubernetesRbacProfile/namespacesInScope', ['Shop_NS']);
  const errors = errorsOf(doc);
  assert.ok(errors.includes('enum /privilegedExecutionSurface/0/kubernetesControls/escalationVerbsGranted/0'), errors.join('\n'));
  assert.ok(errors.includes('pattern /system/kubernetesRbacProfile/namespacesInScope/0'), errors.join('\n'));
});
