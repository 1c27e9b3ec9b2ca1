import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverCicdProfile, hasEntryPoints } from '../../../src/pecs/discover/discover.ts';
import { FINDING_RULES } from '../../../src/pecs/discover/finding-rules.ts';
import { fixtureFiles, textFile } from './fixture-files.ts';

const NOW = new Date('2026-03-01T12:00:00Z');

test('the fixture findings: rule id, file, line and job of every dangerous pattern, in order', () => {
  const { findings } = discoverCicdProfile(fixtureFiles(), { repo: 'acme/app', now: NOW });
  assert.deepEqual(
    findings.map((f) => [f.id, f.file, f.line, f.job]),
    [
      ['PECS-DISC-003', '.github/workflows/deploy.yml', 34, 'deploy-production'],
      ['PECS-DISC-006', '.github/workflows/issue-comment.yml', 4, 'respond'],
      ['PECS-DISC-002', '.github/workflows/issue-comment.yml', 10, 'respond'],
      ['PECS-DISC-006', '.github/workflows/pr-target.yml', 6, 'build-pr'],
      ['PECS-DISC-001', '.github/workflows/pr-target.yml', 11, 'build-pr'],
      ['PECS-DISC-002', '.github/workflows/pr-target.yml', 15, 'build-pr'],
      ['PECS-DISC-003', '.github/workflows/pr-target.yml', 16, 'build-pr'],
      ['PECS-DISC-005', '.github/workflows/release.yml', 5, null],
      ['PECS-DISC-007', '.github/workflows/release.yml', 16, 'call-shared'],
      ['PECS-DISC-004', '.github/workflows/release.yml', 17, 'call-shared'],
      ['PECS-DISC-009', '.github/workflows/release.yml', 22, 'docs'],
      ['PECS-DISC-010', '.gitlab-ci.yml', 1, null],
      ['PECS-DISC-011', '.gitlab-ci.yml', 30, 'deploy-review'],
    ],
  );
  const inject = findings.find((f) => f.id === 'PECS-DISC-002' && f.file.endsWith('pr-target.yml'));
  assert.equal(inject?.entryPointId, 'acme-app:pr-target.yml:build-pr');
  assert.match(inject?.message ?? '', /github\.event\.pull_request\.title/);
  // The docs job is not privileged, so its finding belongs to no entry point.
  assert.equal(findings.find((f) => f.id === 'PECS-DISC-009')?.entryPointId, null);
});

test('rule ids are unique and stable in shape', () => {
  const ids = Object.values(FINDING_RULES).map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^PECS-DISC-\d{3}$/);
});

test('self-hosted runners on pull requests, gh pr checkout under workflow_run, pinned actions are quiet', () => {
  const wf = [
    'on:',
    '  pull_request:',
    '  workflow_run:',
    '    workflows: [CI]',
    'permissions:',
    '  contents: read',
    'jobs:',
    '  build:',
    '    runs-on: [self-hosted, gpu]',
    '    steps:',
    '      - uses: third/party@0123456789abcdef0123456789abcdef01234567',
    '      - run: gh pr checkout 42 && make',
    '',
  ].join('\n');
  const { findings } = discoverCicdProfile([textFile('.github/workflows/x.yml', wf)], { now: NOW });
  assert.deepEqual(
    findings.map((f) => [f.id, f.line]),
    [
      ['PECS-DISC-008', 9],
      ['PECS-DISC-001', 12],
    ],
  );
});

test('a pull_request workflow with an explicit read-only token and pinned actions has no findings and no entry point', () => {
  const wf = 'on: pull_request\npermissions: read-all\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "${{ github.sha }}"\n';
  const r = discoverCicdProfile([textFile('.github/workflows/t.yml', wf)], { now: NOW });
  assert.deepEqual(r.findings, []);
  assert.equal(hasEntryPoints(r), false);
});
