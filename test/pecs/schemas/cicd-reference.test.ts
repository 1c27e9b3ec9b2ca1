/**
 * The published CI/CD example (read from /work/shared/reference/pecs, never copied into
 * the repository) against Writ's CI/CD profile: it validates, every schema-derived
 * mutation of it fails with the right pointer, typos are rejected, and the published
 * profile shape (additionalProperties: false inside the allOf branch) is shown to reject it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { pecsSchemaOf } from '../../../src/pecs/schemas/load-schemas.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { setAt } from './json-edit.ts';
import { schemaMutations } from './schema-mutations.ts';

const exampleUrl = new URL('../../../../shared/reference/pecs/cicd-profile.example.json', import.meta.url);
const skip = existsSync(exampleUrl) ? false : `reference example absent (${exampleUrl.pathname}); these tests need /work/shared/reference/pecs`;
const example = (): Record<string, unknown> => JSON.parse(readFileSync(exampleUrl, 'utf8')) as Record<string, unknown>;
const cicdId = pecsSchemaOf('cicd').id;

test('the reference CI/CD example validates against the CI/CD profile', { skip }, () => {
  const r = validatePecsDocument(example());
  assert.deepEqual(r.errors, []);
  assert.equal(r.valid, true);
  assert.equal(r.profile, 'cicd');
});

test('every required field, enum and pattern of the CI/CD example, mutated, fails with its pointer', { skip }, (t) => {
  const mutations = schemaMutations(cicdId, example());
  const count = (kind: string) => mutations.filter((m) => m.kind === kind).length;
  // The walk must actually reach the example's fields: each kind occurs, required ones plentifully.
  assert.ok(count('required') >= 30, `required mutations: ${count('required')}`);
  assert.ok(count('enum') >= 20, `enum mutations: ${count('enum')}`);
  assert.ok(count('pattern') >= 4, `pattern mutations: ${count('pattern')}`);
  t.diagnostic(`mutations: ${mutations.length} (required ${count('required')}, enum ${count('enum')}, pattern ${count('pattern')})`);
  const misses: string[] = [];
  for (const m of mutations) {
    const r = validatePecsDocument(m.apply(example()));
    if (r.valid || !r.errors.some((e) => e.pointer === m.pointer && e.keyword === m.kind)) {
      misses.push(`${m.kind} ${m.pointer}: ${JSON.stringify(r.errors.slice(0, 3))}`);
    }
  }
  assert.deepEqual(misses, []);
});

test('typos are rejected at the top level, in an entry point and in the controls', { skip }, () => {
  const doc = example();
  setAt(doc, '/metdata', {});
  setAt(doc, '/privilegedExecutionSurface/0/riskLvl', 'low');
  setAt(doc, '/privilegedExecutionSurface/0/cicdControls/runnerRestrcted', true);
  const pointers = validatePecsDocument(doc).errors.map((e) => `${e.keyword} ${e.pointer}`);
  assert.ok(pointers.some((p) => p.endsWith(' /metdata')), pointers.join('\n'));
  assert.ok(pointers.includes('additionalProperties /privilegedExecutionSurface/0/riskLvl'), pointers.join('\n'));
  assert.ok(pointers.includes('additionalProperties /privilegedExecutionSurface/0/cicdControls/runnerRestrcted'), pointers.join('\n'));
});

test('the published profile shape (additionalProperties: false in the allOf branch) rejects the example; the repair accepts it', { skip }, () => {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  const published = structuredClone(pecsSchemaOf('cicd').schema) as Record<string, unknown>;
  delete published['unevaluatedProperties'];
  setAt(published, '/allOf/1/additionalProperties', false);
  published['$id'] = 'https://writ.test/published-shape.schema.json';
  const ajv = addFormats(new Ajv2020({ allErrors: true, strictRequired: false }));
  ajv.addSchema(pecsSchemaOf('base').schema as Record<string, unknown>);
  const asPublished = ajv.compile(published);
  assert.equal(asPublished(example()), false);
  assert.ok(asPublished.errors?.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty: string }).additionalProperty === 'metadata'));
  const repaired = ajv.compile({ ...(pecsSchemaOf('cicd').schema as Record<string, unknown>), $id: 'https://writ.test/repaired.schema.json' });
  assert.equal(repaired(example()), true, JSON.stringify(repaired.errors));
});
