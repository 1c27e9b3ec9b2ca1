import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessPecsDocument, MATURITY_MODEL_NAME, renderAssessmentMarkdown } from '../../../src/pecs/assess/assess-document.ts';
import { MATURITY_DIMENSIONS } from '../../../src/pecs/assess/maturity-model.ts';
import type { PecsDocument } from '../../../src/pecs/document.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { matureEntryPoint, matureProfile, referenceExample, setAt } from './fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const EP = '/privilegedExecutionSurface/0';

interface Score {
  id: string;
  level: number;
  rationale: string;
  fields: string[];
}
interface Profile {
  model: string;
  assessedAt: string;
  overallLevel: number;
  dimensions: Score[];
  entryPoints: Array<{ entryPointId: string; overallLevel: number; dimensions: Score[] }>;
}
const profileOf = (a: PecsDocument) => a.maturityProfile as unknown as Profile;
const levelOf = (a: PecsDocument, dim: string) => profileOf(a).dimensions.find((d) => d.id === dim)?.level;

test('reference CI/CD example: the assessment validates, has no finding, and renders', async (t) => {
  const example = await referenceExample();
  if (example === null) {
    t.skip('reference example absent (/work/shared/reference/pecs/cicd-profile.example.json)');
    return;
  }
  const a = assessPecsDocument(example, { now: NOW });
  assert.deepEqual(validatePecsDocument(a), { valid: true, profile: 'cicd', errors: [] });
  assert.equal(a.documentType, 'pecs-assessment');
  assert.deepEqual((a.gapAnalysis as { findings: unknown[] }).findings, []);
  // It records no reviews or evidence for its entry point, so evidence-and-audit (and hence overall) is 0.
  assert.equal(levelOf(a, 'evidence-and-audit'), 0);
  assert.equal(profileOf(a).overallLevel, 0);
  assert.equal(levelOf(a, 'isolation'), 4);
  assert.match(renderAssessmentMarkdown(a), /^# PECS maturity assessment: deploy-pipeline$/m);
});

test('the mature fixture is level 4 everywhere; the document copies the input and names its source', () => {
  const input = matureProfile();
  const a = assessPecsDocument(input, { now: NOW });
  assert.deepEqual(validatePecsDocument(a).errors, []);
  const p = profileOf(a);
  assert.equal(p.model, MATURITY_MODEL_NAME);
  assert.equal(p.assessedAt, NOW.toISOString());
  assert.deepEqual(p.dimensions.map((d) => d.id), [...MATURITY_DIMENSIONS]);
  assert.deepEqual(p.dimensions.map((d) => d.level), MATURITY_DIMENSIONS.map(() => 4));
  assert.equal(p.overallLevel, 4);
  assert.deepEqual(a.system, input.system);
  assert.deepEqual(a.privilegedExecutionSurface, input.privilegedExecutionSurface);
  assert.deepEqual(a.authorizationArtifacts, input.authorizationArtifacts);
  assert.deepEqual(a.evidence, input.evidence);
  const meta = a.metadata as { id: string; sourceDocument: { id: string; version: string; digest: string } };
  assert.equal(meta.id, 'shop-release-assessment');
  assert.equal(meta.sourceDocument.id, 'shop-release');
  assert.match(meta.sourceDocument.digest, /^[0-9a-f]{64}$/);
  // The digest follows the input's content.
  const other = assessPecsDocument(setAt(matureProfile(), '/system/scope', 'changed'), { now: NOW });
  assert.notEqual((other.metadata as typeof meta).sourceDocument.digest, meta.sourceDocument.digest);
});

test('levels are cumulative: losing a level-2 criterion caps the dimension at 1 even with level-3/4 controls', () => {
  const a = assessPecsDocument(setAt(matureProfile(), `${EP}/invocationContract/failureMode`, 'best-effort'), { now: NOW });
  assert.equal(levelOf(a, 'runtime-enforcement'), 1);
  const score = profileOf(a).dimensions.find((d) => d.id === 'runtime-enforcement');
  assert.match(score?.rationale ?? '', /held by deploy-production; deploy-production: level 1 \(declared\); level 2 needs: RUN-2a The entry point fails closed\.$/);
  assert.deepEqual(score?.fields, [`${EP}/invocationContract/failureMode`]);
  assert.equal(profileOf(a).overallLevel, 1);
  // The other dimensions keep their level.
  assert.equal(levelOf(a, 'isolation'), 4);
});

test('a dimension is the minimum over entry points; each entry point is scored on its own', () => {
  const doc = matureProfile();
  const weak = matureEntryPoint('nightly-backup');
  setAt(weak, '/executionContext/runnerClass', 'shared');
  setAt(weak, '/riskLevel', 'low');
  setAt(weak, '/executionContext/targetEnvironment', 'backup');
  doc.privilegedExecutionSurface.push(weak);
  (doc.authorizationArtifacts?.[0]?.entries as unknown[]).push({ entryId: 'backup-ok', privilegedEntryPointId: 'nightly-backup', approvalStatus: 'approved', approvedBy: ['ops', 'sec'] });
  const a = assessPecsDocument(doc, { now: NOW });
  assert.deepEqual(validatePecsDocument(a).errors, []);
  const eps = profileOf(a).entryPoints;
  assert.deepEqual(eps.map((e) => e.entryPointId), ['deploy-production', 'nightly-backup']);
  assert.equal(eps[0]?.dimensions.find((d) => d.id === 'isolation')?.level, 4);
  assert.equal(eps[1]?.dimensions.find((d) => d.id === 'isolation')?.level, 1);
  assert.equal(levelOf(a, 'isolation'), 1);
  assert.match(profileOf(a).dimensions.find((d) => d.id === 'isolation')?.rationale ?? '', /held by nightly-backup; nightly-backup: level 1 \(declared\); level 2 needs: ISO-2a /);
  // nightly-backup's entry binds no digest, so integrity-binding stops below 4 for it.
  assert.ok((eps[1]?.dimensions.find((d) => d.id === 'integrity-binding')?.level ?? 4) < 4);
});

test('markdown: overall level, dimension and entry point tables, findings with fields, tasks', () => {
  const a = assessPecsDocument(setAt(matureProfile(), '/authorizationArtifacts/0/signed', false), { now: NOW });
  const md = renderAssessmentMarkdown(a);
  assert.match(md, /^- \*\*Overall level: 2 \(managed\)\*\*$/m);
  assert.match(md, /^\| authorization-and-review \| 2 \(managed\) \|/m);
  assert.match(md, /^\| deploy-production \| 2 \| 4 \| 4 \| 4 \| 2 \| 4 \| 4 \| 4 \|$/m);
  assert.match(md, /^### PECS-A-007:shop-approvals — moderate: Authorization artifact is not signed$/m);
  assert.match(md, /^- Fields: `\/authorizationArtifacts\/0\/signed`$/m);
  assert.match(md, /^\| 1 \| .* \| 8 \| medium \| deploy-production \| PECS-A-007:shop-approvals \|$/m);
});

test('an assessment is deterministic for the same input and clock', () => {
  assert.deepEqual(assessPecsDocument(matureProfile(), { now: NOW }), assessPecsDocument(matureProfile(), { now: NOW }));
  assert.equal(renderAssessmentMarkdown(assessPecsDocument(matureProfile(), { now: NOW })), renderAssessmentMarkdown(assessPecsDocument(matureProfile(), { now: NOW })));
});
