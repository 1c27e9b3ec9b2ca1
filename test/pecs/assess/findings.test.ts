import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessPecsDocument } from '../../../src/pecs/assess/assess-document.ts';
import { FINDING_RULES } from '../../../src/pecs/assess/finding-catalog.ts';
import type { PecsDocument } from '../../../src/pecs/document.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { APPROVED_DIGEST, approvedEntry, deleteAt, getAt, matureEntryPoint, matureProfile, setAt } from './fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const EP = '/privilegedExecutionSurface/0';
const ENTRY = '/authorizationArtifacts/0/entries/0';

interface Finding {
  id: string;
  rule: string;
  severity: string;
  fields: string[];
  entryPointId?: string;
}
interface Task {
  id: string;
  priority: number;
  impact: number;
  findingIds: string[];
}
const findingsOf = (a: PecsDocument) => (a.gapAnalysis as { findings: Finding[] }).findings;
const tasksOf = (a: PecsDocument) => (a.gapAnalysis as { tasks: Task[] }).tasks;

/** Assesses a mutated mature profile, checking input and output both validate. */
function assessValid(doc: PecsDocument): PecsDocument {
  assert.deepEqual(validatePecsDocument(doc).errors, [], 'the fixture itself must be valid');
  const a = assessPecsDocument(doc, { now: NOW });
  assert.deepEqual(validatePecsDocument(a).errors, [], 'the assessment must validate');
  return a;
}

const CASES: Array<{ name: string; mutate: (d: PecsDocument) => unknown; ids: string[] }> = [
  { name: 'critical + best-effort', mutate: (d) => setAt(d, `${EP}/invocationContract/failureMode`, 'best-effort'), ids: ['PECS-A-001:deploy-production'] },
  {
    name: 'high (not critical) + best-effort: no PECS-A-001',
    mutate: (d) => setAt(setAt(d, `${EP}/riskLevel`, 'high'), `${EP}/invocationContract/failureMode`, 'best-effort'),
    ids: [],
  },
  { name: 'staging target with no environment approval: no PECS-A-008', mutate: (d) => setAt(setAt(d, `${EP}/executionContext/targetEnvironment`, 'preprod'), `${EP}/cicdControls/environmentApprovalRequired`, false), ids: [] },
  { name: 'static secret for production', mutate: (d) => setAt(d, `${EP}/cicdControls/targetBindings/0/bindingMode`, 'static-secret'), ids: ['PECS-A-002:deploy-production'] },
  {
    name: 'static secret via the authorization pipeline binding',
    mutate: (d) => setAt(d, `${ENTRY}/pipelineBinding/identityBindingMode`, 'static-secret'),
    ids: ['PECS-A-002:deploy-production'],
  },
  { name: 'shared runner for critical work', mutate: (d) => setAt(d, `${EP}/executionContext/runnerClass`, 'shared'), ids: ['PECS-A-003:deploy-production'] },
  { name: 'no two-person review on critical', mutate: (d) => setAt(d, `${EP}/cicdControls/requiresTwoPersonReview`, false), ids: ['PECS-A-004:deploy-production'] },
  { name: 'entry digest differs from entry point digest', mutate: (d) => setAt(d, `${ENTRY}/integrityBinding/digest`, 'b2'.repeat(32)), ids: ['PECS-A-005:deploy-production:deploy-production-approved'] },
  { name: 'expired approval in use', mutate: (d) => setAt(d, `${ENTRY}/expiresAt`, '2026-05-31T23:59:59Z'), ids: ['PECS-A-006:deploy-production:deploy-production-approved', 'PECS-A-011:deploy-production'] },
  { name: 'draft approval in use', mutate: (d) => setAt(d, `${ENTRY}/approvalStatus`, 'draft'), ids: ['PECS-A-006:deploy-production:deploy-production-approved', 'PECS-A-011:deploy-production'] },
  { name: 'unsigned authorization artifact', mutate: (d) => setAt(d, '/authorizationArtifacts/0/signed', false), ids: ['PECS-A-007:shop-approvals'] },
  { name: 'signed without signatureRef', mutate: (d) => deleteAt(d, '/authorizationArtifacts/0/signatureRef'), ids: ['PECS-A-007:shop-approvals'] },
  { name: 'production without environment approval', mutate: (d) => setAt(d, `${EP}/cicdControls/environmentApprovalRequired`, false), ids: ['PECS-A-008:deploy-production'] },
  {
    name: 'artifact signing declared but not verified',
    mutate: (d) => {
      setAt(d, `${EP}/invocationContract/startupChecks`, ['check-source-ref-policy', 'check-required-approvals', 'check-identity-binding', 'check-workflow-definition-hash']);
      setAt(d, `${EP}/cicdControls/artifactProvenanceVerified`, false);
    },
    ids: ['PECS-A-009:deploy-production'],
  },
  { name: 'no integrity binding on a critical entry point', mutate: (d) => deleteAt(d, `${EP}/integrityBinding`), ids: ['PECS-A-010:deploy-production'] },
  { name: 'no authorization at all', mutate: (d) => deleteAt(d, '/authorizationArtifacts'), ids: ['PECS-A-011:deploy-production'] },
];

test('the mature fixture has no finding and no task', () => {
  const a = assessValid(matureProfile());
  assert.deepEqual(findingsOf(a), []);
  assert.deepEqual(tasksOf(a), []);
});

for (const c of CASES) {
  test(`finding: ${c.name} ⇒ ${c.ids.join(', ') || 'none'}`, () => {
    const doc = matureProfile();
    c.mutate(doc);
    const a = assessValid(doc);
    const findings = findingsOf(a);
    assert.deepEqual(findings.map((f) => f.id), c.ids);
    for (const f of findings) {
      assert.ok(f.id.startsWith(`${f.rule}:`), 'the id starts with its rule');
      assert.equal(f.severity, FINDING_RULES.find((r) => r.id === f.rule)?.severity);
      assert.ok(f.fields.length > 0, 'a finding names the fields that caused it');
      // Every field lies in the document: the pointer or at least its parent resolves.
      for (const p of f.fields) assert.notEqual(getAt(a, p) ?? getAt(a, p.slice(0, p.lastIndexOf('/'))), undefined, p);
    }
  });
}

test('finding fields point at the cause: best-effort names failureMode and riskLevel', () => {
  const doc = setAt(matureProfile(), `${EP}/invocationContract/failureMode`, 'best-effort');
  const [f] = findingsOf(assessValid(doc));
  assert.deepEqual(f?.fields, [`${EP}/riskLevel`, `${EP}/invocationContract/failureMode`]);
});

test('a newer in-force entry means the expired one is not in use: no PECS-A-006', () => {
  const doc = matureProfile();
  const old = approvedEntry('deploy-production', APPROVED_DIGEST, 'deploy-production-2025');
  old.expiresAt = '2026-01-01T00:00:00Z';
  (doc.authorizationArtifacts?.[0]?.entries as unknown[]).push(old);
  assert.deepEqual(findingsOf(assessValid(doc)), []);
  // …unless the entry point names it as its authorization.
  setAt(doc, `${EP}/authorizationReference`, 'deploy-production-2025');
  assert.deepEqual(findingsOf(assessValid(doc)).map((f) => f.id), ['PECS-A-006:deploy-production:deploy-production-2025']);
});

test('expiry is judged against the injected clock', () => {
  const doc = setAt(matureProfile(), `${ENTRY}/expiresAt`, '2026-07-01T00:00:00Z');
  assert.deepEqual(findingsOf(assessPecsDocument(doc, { now: NOW })), []);
  assert.deepEqual(
    findingsOf(assessPecsDocument(doc, { now: new Date('2026-07-01T00:00:00Z') })).map((f) => f.rule),
    ['PECS-A-006', 'PECS-A-011'],
  );
});

/** Several entry points that, together, trigger every rule of the catalog. */
function everyFindingProfile(): PecsDocument {
  const doc = matureProfile();
  const critical = doc.privilegedExecutionSurface[0] as Record<string, unknown>;
  setAt(critical, '/invocationContract/failureMode', 'best-effort'); // 001
  setAt(critical, '/cicdControls/requiresTwoPersonReview', false); // 004
  setAt(critical, '/cicdControls/environmentApprovalRequired', false); // 008
  setAt(doc, `${ENTRY}/integrityBinding/digest`, 'c3'.repeat(32)); // 005

  const secrets = matureEntryPoint('push-image');
  setAt(secrets, '/riskLevel', 'high');
  setAt(secrets, '/cicdControls/targetBindings/0/bindingMode', 'static-secret'); // 002
  setAt(secrets, '/executionContext/runnerClass', 'shared'); // 003
  setAt(secrets, '/cicdControls/environmentApprovalRequired', false); // 008 again
  setAt(secrets, '/cicdControls/artifactProvenanceVerified', false);
  setAt(secrets, '/invocationContract/startupChecks', ['check-required-approvals', 'check-workflow-definition-hash']); // 009
  const draft = approvedEntry('push-image');
  draft.approvalStatus = 'draft'; // 006, 011

  const unbound = matureEntryPoint('rotate-keys');
  setAt(unbound, '/riskLevel', 'moderate');
  setAt(unbound, '/executionContext/targetEnvironment', 'staging');
  delete unbound.integrityBinding; // moderate: no PECS-A-010
  const unboundHigh = matureEntryPoint('db-migrate');
  setAt(unboundHigh, '/riskLevel', 'high');
  delete unboundHigh.integrityBinding; // 010

  doc.privilegedExecutionSurface.push(secrets, unbound, unboundHigh);
  doc.authorizationArtifacts?.push({ id: 'manual-approvals', type: 'allowlist', entries: [draft, approvedEntry('rotate-keys'), approvedEntry('db-migrate')] }); // 007
  return doc;
}

test('one document triggers every rule; ids are exact and stable', () => {
  const a = assessValid(everyFindingProfile());
  const ids = findingsOf(a).map((f) => f.id);
  assert.deepEqual(ids, [
    'PECS-A-001:deploy-production',
    'PECS-A-004:deploy-production',
    'PECS-A-005:deploy-production:deploy-production-approved',
    'PECS-A-008:deploy-production',
    'PECS-A-002:push-image',
    'PECS-A-003:push-image',
    'PECS-A-006:push-image:push-image-approved',
    'PECS-A-008:push-image',
    'PECS-A-009:push-image',
    'PECS-A-011:push-image',
    'PECS-A-010:db-migrate',
    'PECS-A-007:manual-approvals',
  ]);
  assert.deepEqual([...new Set(findingsOf(a).map((f) => f.rule))].sort(), FINDING_RULES.map((r) => r.id));
  // Same input, same clock: the same document.
  assert.deepEqual(assessPecsDocument(everyFindingProfile(), { now: NOW }), a);
});

test('tasks: one per rule, ordered by impact (severity × criticality, summed), priorities 1..n', () => {
  const tasks = tasksOf(assessValid(everyFindingProfile()));
  assert.equal(tasks.length, FINDING_RULES.length);
  assert.deepEqual(tasks.map((t) => t.priority), tasks.map((_, i) => i + 1));
  for (let i = 1; i < tasks.length; i++) assert.ok((tasks[i - 1]?.impact ?? 0) >= (tasks[i]?.impact ?? 0), 'impact never increases down the list');
  // PECS-A-008 fires on a critical (3×4) and a high (3×3) entry point: 21, the largest.
  assert.deepEqual(tasks[0], { ...tasks[0], id: 'GAP-PECS-A-008', impact: 21 });
  // The critical fail-open (4×4 = 16) comes next.
  assert.equal(tasks[1]?.id, 'GAP-PECS-A-001');
  assert.equal(tasks[1]?.impact, 16);
  // The unsigned artifact takes the highest riskLevel it authorizes (push-image, high): 2×3.
  assert.equal(tasks.find((t) => t.id === 'GAP-PECS-A-007')?.impact, 6);
  // Each finding is in exactly one task.
  const all = tasks.flatMap((t) => t.findingIds);
  assert.equal(new Set(all).size, all.length);
});
