import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverCicdProfile, hasEntryPoints } from '../../../src/pecs/discover/discover.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { workflowDefinitionHash } from '../../../src/pecs/workflow-hash.ts';
import { fixtureFiles, textFile } from './fixture-files.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const REV = 'f4f4d2b1c8d9e0a11223344556677889900aabbc';

type Json = Record<string, unknown>;
const entry = (doc: { privilegedExecutionSurface: Json[] }, id: string): Json => {
  const ep = doc.privilegedExecutionSurface.find((e) => e.id === id);
  assert.ok(ep, `entry point ${id}`);
  return ep;
};

test('the fixture repository yields a valid CI/CD profile with one entry point per privileged job', () => {
  const { profile, parseErrors } = discoverCicdProfile(fixtureFiles(), { repo: 'acme/app', gitRevision: REV, now: NOW });
  const v = validatePecsDocument(profile);
  assert.deepEqual(v.errors, []);
  assert.equal(v.profile, 'cicd');
  assert.equal(profile.documentType, 'pecs-profile');
  assert.deepEqual(
    profile.privilegedExecutionSurface.map((e) => e.id),
    [
      'acme-app:deploy.yml:deploy-production',
      'acme-app:issue-comment.yml:respond',
      'acme-app:pr-target.yml:build-pr',
      'acme-app:release.yml:publish',
      'acme-app:release.yml:call-shared',
      'acme-app:gitlab-ci.yml:deploy-production',
      'acme-app:gitlab-ci.yml:deploy-review',
    ],
  );
  // Unprivileged jobs (tests, a read-only matrix build, `permissions: {}` docs, a bare trigger) are not entry points.
  assert.ok(!profile.privilegedExecutionSurface.some((e) => /:(?:test|docs|downstream)$/.test(String(e.id))));
  // The malformed workflow is reported with its line and did not stop the rest.
  assert.deepEqual(parseErrors.map((e) => [e.file, e.line]), [['.github/workflows/broken.yml', 9]]);
});

test('a GitHub deploy job: OIDC run-as, hosted runner, environment, hash binding, composite action expanded', () => {
  const files = fixtureFiles();
  const { profile } = discoverCicdProfile(files, { repo: 'acme/app', gitRevision: REV, now: NOW });
  const ep = entry(profile, 'acme-app:deploy.yml:deploy-production');
  const ctx = ep.executionContext as Json;
  assert.equal(ctx.runAs, 'oidc-federated-identity');
  assert.equal(ctx.runnerClass, 'ephemeral');
  assert.equal(ctx.targetEnvironment, 'production');
  assert.deepEqual(ctx.allowedCallers, ['event:push', 'event:workflow_dispatch']);
  const bytes = files.find((f) => f.path === '.github/workflows/deploy.yml')?.bytes;
  assert.ok(bytes);
  assert.deepEqual(ep.integrityBinding, { type: 'workflow-definition-hash', algorithm: 'sha256', digest: workflowDefinitionHash(bytes), verifiedBeforeExecution: false, reviewRenewalRequiredOnChange: true, gitRevision: REV });
  assert.equal(ep.riskLevel, 'critical');
  assert.equal(ep.privilegeDomain, 'kubernetes-rbac', 'helm from the local composite action counts');
  assert.match(String(ep.command), /helm/);
  const controls = ep.cicdControls as Json;
  assert.equal(controls.identityEphemeralWherePossible, true);
  assert.equal(controls.environmentApprovalRequired, true);
  assert.equal(controls.workflowPinnedToTrustedRef, false, 'azure/setup-helm@v4 inside the composite action is a tag');
  assert.deepEqual(controls.targetBindings, [{ targetType: 'cloud-iam', targetIdentifier: 'arn:aws:iam::123456789012:role/deploy', bindingMode: 'oidc-federation', bindingRef: '.github/workflows/deploy.yml#deploy-production' }]);
  const contract = ep.invocationContract as Json;
  assert.deepEqual(contract.allowedArgumentsPolicy, { mode: 'allowlist', allowedPatterns: ['target=staging', 'target=production'] });
  assert.ok((contract.startupChecks as string[]).includes('check-concurrency-lock'));
  assert.ok((contract.startupChecks as string[]).includes('check-source-ref-policy'));
});

test('static secrets, self-hosted runners, reusable workflows and GitLab jobs are read from the file', () => {
  const { profile } = discoverCicdProfile(fixtureFiles(), { repo: 'acme/app', now: NOW });
  const publish = entry(profile, 'acme-app:release.yml:publish');
  assert.equal((publish.executionContext as Json).runnerClass, 'self-hosted-static');
  assert.equal((publish.executionContext as Json).runAs, 'pipeline-identity');
  assert.equal(publish.kind, 'release-action');
  assert.equal((publish.integrityBinding as Json).gitRevision, undefined, 'no git revision given');
  const call = entry(profile, 'acme-app:release.yml:call-shared');
  assert.equal(call.kind, 'workflow');
  assert.equal(call.command, 'acme/shared-workflows/.github/workflows/sign.yml@main');
  assert.equal((call.cicdControls as Json).secretExposureRisk, 'high');
  const gl = entry(profile, 'acme-app:gitlab-ci.yml:deploy-production');
  assert.equal((gl.executionContext as Json).runnerClass, 'dedicated', 'tags merged from the anchored template');
  assert.equal((gl.executionContext as Json).runAs, 'oidc-federated-identity');
  assert.equal((gl.executionContext as Json).interactiveAllowed, true, 'when: manual');
  const review = entry(profile, 'acme-app:gitlab-ci.yml:deploy-review');
  assert.match(String((review.executionContext as Json).runAsIdentity), /DEPLOY_TOKEN/);
  const cicd = (profile.system as Json).cicdProfile as Json;
  assert.equal(cicd.platformType, 'other');
  assert.equal(cicd.identityModel, 'mixed');
  assert.deepEqual(cicd.environmentsInScope, ['production', 'review/$CI_COMMIT_REF_SLUG']);
  assert.equal(cicd.provenanceGenerated, true, 'npm publish --provenance');
});

test('output is deterministic: same files in any order give the same result', () => {
  const files = fixtureFiles();
  const a = discoverCicdProfile(files, { repo: 'acme/app', now: NOW });
  const b = discoverCicdProfile([...files].reverse(), { repo: 'acme/app', now: NOW });
  assert.deepEqual(JSON.stringify(b), JSON.stringify(a));
});

test('no privileged job: an empty surface, which the CI/CD profile rejects (no entry point is invented)', () => {
  const r = discoverCicdProfile(fixtureFiles((p) => p.endsWith('ci.yml') && p.includes('workflows')), { now: NOW });
  assert.equal(hasEntryPoints(r), false);
  assert.deepEqual(r.profile.privilegedExecutionSurface, []);
  assert.ok(validatePecsDocument(r.profile).errors.some((e) => e.pointer === '/privilegedExecutionSurface'));
  assert.equal(r.jobs.length, 1);
  assert.deepEqual(r.findings, []);
});

test('unreadable inputs become parse errors with file and line; the rest is analysed', () => {
  const r = discoverCicdProfile(
    [
      textFile('.github/workflows/list.yml', '- a\n- b\n'),
      textFile('.github/workflows/tab.yml', 'on: push\njobs:\n  x:\n    runs-on: [a\n'),
      { path: '.github/workflows/binary.yml', bytes: new Uint8Array([0xff, 0xfe, 0x00]) },
      textFile('.github/workflows/ok.yml', 'on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    environment: prod\n    steps:\n      - run: ./deploy.sh\n'),
    ],
    { now: NOW },
  );
  assert.deepEqual(
    r.parseErrors.map((e) => [e.file, e.line]),
    [
      ['.github/workflows/binary.yml', null],
      ['.github/workflows/list.yml', 1],
      ['.github/workflows/tab.yml', 5],
    ],
  );
  assert.equal(r.profile.privilegedExecutionSurface.length, 1);
  assert.ok(validatePecsDocument(r.profile).valid);
});

test('ids stay valid identifiers and unique for long and clashing names', () => {
  const long = 'j'.repeat(200);
  const wf = (job: string) => `on: push\njobs:\n  ${job}:\n    runs-on: self-hosted\n    steps:\n      - run: make\n`;
  const r = discoverCicdProfile([textFile('.github/workflows/a b.yml', wf(long)), textFile('.github/workflows/a-b.yml', wf(long))], { repo: 'x/y', now: NOW });
  const ids = r.profile.privilegedExecutionSurface.map((e) => String(e.id));
  assert.equal(new Set(ids).size, 2);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
  assert.ok(validatePecsDocument(r.profile).valid);
});
