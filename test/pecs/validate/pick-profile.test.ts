import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PECS_SCHEMAS } from '../../../src/pecs/schemas/load-schemas.ts';
import { pickPecsProfile } from '../../../src/pecs/validate/pick-profile.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';

test('$schema naming a shipped $id picks that schema, whatever the system says', () => {
  for (const s of PECS_SCHEMAS) {
    assert.equal(pickPecsProfile({ $schema: s.id, system: { environmentTypes: ['kubernetes-rbac'], cicdProfile: {} } }).profile, s.profile);
  }
});

test('$schema with the published example.org placeholder maps by file name', () => {
  assert.equal(pickPecsProfile({ $schema: 'https://example.org/schemas/pecs-kubernetes-rbac-profile.schema.json' }).profile, 'kubernetes-rbac');
});

test('an unknown $schema falls through to the system block', () => {
  assert.equal(pickPecsProfile({ $schema: 'https://elsewhere.test/x.json', system: { osSudoProfile: {} } }).profile, 'os-sudo');
});

test('exactly one profile block wins over the order of environmentTypes', () => {
  assert.equal(pickPecsProfile({ system: { environmentTypes: ['kubernetes-rbac', 'ci-cd'], cicdProfile: {} } }).profile, 'cicd');
});

test('otherwise the first environment type that names a profile, aliases included', () => {
  const cases: Array<[string[], string]> = [
    [['cloud-iam', 'github-actions'], 'cicd'],
    [['GitLab-CI'], 'cicd'],
    [['linux'], 'os-sudo'],
    [['sudo', 'k8s'], 'os-sudo'],
    [['k8s', 'ci-cd'], 'kubernetes-rbac'],
    [['cloud-iam', 'api-admin'], 'base'],
  ];
  for (const [types, expected] of cases) assert.equal(pickPecsProfile({ system: { environmentTypes: types } }).profile, expected, types.join(','));
});

test('two profile blocks are ambiguous: environmentTypes decides', () => {
  assert.equal(pickPecsProfile({ system: { environmentTypes: ['os-sudo'], cicdProfile: {}, osSudoProfile: {} } }).profile, 'os-sudo');
});

test('no system at all is the base schema; a non-object has no profile', () => {
  assert.equal(pickPecsProfile({}).profile, 'base');
  for (const notADocument of [null, [], 'x', 3]) {
    const r = validatePecsDocument(notADocument);
    assert.equal(r.profile, null);
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors.map((e) => [e.pointer, e.keyword]), [['/', 'type']]);
  }
});

test('the profile can be forced, and errors are one line each with "/" for the whole document', () => {
  const r = validatePecsDocument({ schemaVersion: '2.0.0' }, { profile: 'kubernetes-rbac' });
  assert.equal(r.profile, 'kubernetes-rbac');
  assert.ok(r.errors.some((e) => e.pointer === '/schemaVersion' && e.keyword === 'const' && e.message === 'must be "1.0.0"'));
  assert.ok(r.errors.some((e) => e.pointer === '/metadata' && e.keyword === 'required'));
  for (const e of r.errors) assert.doesNotMatch(e.message, /\n/);
  const whole = validatePecsDocument({ schemaVersion: '1.0.0' }, { profile: 'base' }).errors;
  assert.ok(whole.every((e) => e.pointer.startsWith('/')));
});
