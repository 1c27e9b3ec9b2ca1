/** Referential checks, on Writ's examples (valid) with one broken reference at a time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pecsExamples } from '../../../src/pecs/examples/load-examples.ts';
import { referentialErrorsOf } from '../../../src/pecs/validate/referential-checks.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { getAt, setAt } from '../schemas/json-edit.ts';

const base = () => pecsExamples().base as unknown as Record<string, unknown>;
const k8s = () => pecsExamples()['kubernetes-rbac'] as unknown as Record<string, unknown>;
const found = (doc: Record<string, unknown>) => validatePecsDocument(doc).errors.filter((e) => e.keyword.startsWith('x-')).map((e) => `${e.keyword} ${e.pointer}`);

test('the examples have no referential error', () => {
  for (const doc of Object.values(pecsExamples())) assert.deepEqual(referentialErrorsOf(doc as unknown as Record<string, unknown>), []);
});

test('an authorization entry for an entry point that does not exist', () => {
  const doc = k8s();
  setAt(doc, '/authorizationArtifacts/0/entries/0/privilegedEntryPointId', 'shop-deployr');
  assert.deepEqual(found(doc), ['x-ref-entry-point /authorizationArtifacts/0/entries/0/privilegedEntryPointId']);
});

test('evidence refs must resolve to evidence ids', () => {
  const doc = base();
  setAt(doc, '/privilegedExecutionSurface/0/evidenceRefs', ['refund-runbook', 'missing-log']);
  const errors = validatePecsDocument(doc).errors.filter((e) => e.keyword === 'x-ref-evidence');
  assert.deepEqual(errors, [{ pointer: '/privilegedExecutionSurface/0/evidenceRefs/1', keyword: 'x-ref-evidence', message: 'no evidence with id "missing-log"' }]);
});

test('ids are unique per kind; the duplicate names the first occurrence', () => {
  const doc = k8s();
  setAt(doc, '/privilegedExecutionSurface/1/id', 'shop-deployer');
  setAt(doc, '/evidence/-', structuredClone(getAt(doc, '/evidence/0')));
  const errors = validatePecsDocument(doc).errors.filter((e) => e.keyword === 'x-unique-id');
  assert.deepEqual(
    errors.map((e) => [e.pointer, e.message]),
    [
      ['/privilegedExecutionSurface/1/id', 'duplicate entry point id "shop-deployer" (first at /privilegedExecutionSurface/0/id)'],
      ['/evidence/1/id', 'duplicate evidence id "deployer-rbac-manifest" (first at /evidence/0/id)'],
    ],
  );
});

test('authorization entry ids are unique across artifacts', () => {
  const doc = base();
  setAt(doc, '/authorizationArtifacts/-', setAt(structuredClone(getAt(doc, '/authorizationArtifacts/0')), '/id', 'second-set'));
  assert.deepEqual(found(doc), ['x-unique-id /authorizationArtifacts/1/entries/0/entryId']);
});

test('authorizationReference names an artifact or an entry', () => {
  const doc = base();
  setAt(doc, '/privilegedExecutionSurface/0/authorizationReference', 'refund-batch-2026-q4');
  assert.deepEqual(found(doc), []);
  setAt(doc, '/privilegedExecutionSurface/0/authorizationReference', 'nobody-approved-this');
  assert.deepEqual(found(doc), ['x-ref-authorization /privilegedExecutionSurface/0/authorizationReference']);
});

test('maturity and gap-analysis references resolve to entry points and findings', () => {
  const doc = base();
  setAt(doc, '/maturityProfile/entryPoints/0/entryPointId', 'gone');
  setAt(doc, '/gapAnalysis/findings/0/entryPointId', 'gone');
  setAt(doc, '/gapAnalysis/tasks/0/findingIds', ['refund-batch.no-session-record', 'ghost-finding']);
  setAt(doc, '/gapAnalysis/tasks/0/entryPointIds', ['refund-batch', 'gone']);
  assert.deepEqual(found(doc), [
    'x-ref-entry-point /maturityProfile/entryPoints/0/entryPointId',
    'x-ref-entry-point /gapAnalysis/findings/0/entryPointId',
    'x-ref-entry-point /gapAnalysis/tasks/0/entryPointIds/1',
    'x-ref-finding /gapAnalysis/tasks/0/findingIds/1',
  ]);
});

test('malformed parts are left to the schema, not crashed on', () => {
  const errors = referentialErrorsOf({ privilegedExecutionSurface: 'x', authorizationArtifacts: [null, { entries: 'no' }], gapAnalysis: [] });
  assert.deepEqual(errors, []);
});
