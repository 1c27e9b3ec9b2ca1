import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessPecsDocument } from '../../../src/pecs/assess/assess-document.ts';
import { discoverCicdProfile } from '../../../src/pecs/discover/discover.ts';
import type { PecsDocument } from '../../../src/pecs/document.ts';
import { pecsExamples } from '../../../src/pecs/examples/load-examples.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';

const NOW = new Date('2026-06-01T00:00:00Z');

type Finding = { id: string; rule: string; entryPointId?: string };
const findingsOf = (a: PecsDocument) => (a.gapAnalysis as { findings: Finding[] }).findings;

for (const [profile, example] of Object.entries(pecsExamples())) {
  test(`the shipped ${profile} example assesses to a valid ${profile} assessment`, () => {
    assert.equal(validatePecsDocument(example).valid, true);
    const a = assessPecsDocument(example, { now: NOW });
    assert.deepEqual(validatePecsDocument(a), { valid: true, profile, errors: [] });
    assert.equal(a.documentType, 'pecs-assessment');
    // Only this profile's controls block is read: CI/CD-only fields never appear in finding pointers.
    for (const f of findingsOf(a)) assert.ok(!JSON.stringify(f).includes('cicdControls'), f.id);
  });
}

const WORKFLOW = `name: deploy
on:
  push:
    branches: [main]
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: ./deploy.sh
        env:
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
  publish:
    runs-on: [self-hosted, linux]
    steps:
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`;

test('a discovered CI/CD profile assesses to a valid assessment whose findings name its entry points', () => {
  const { profile } = discoverCicdProfile([{ path: '.github/workflows/deploy.yml', bytes: new TextEncoder().encode(WORKFLOW) }], { repo: 'acme/shop', now: NOW });
  // Discovery gives no profile when it finds no privileged job; this workflow has two.
  if (profile === null) return assert.fail('discovery found no privileged entry point');
  assert.equal(validatePecsDocument(profile).valid, true);
  const a = assessPecsDocument(profile, { now: NOW });
  assert.deepEqual(validatePecsDocument(a).errors, []);
  const ids = new Set(profile.privilegedExecutionSurface.map((ep) => ep.id));
  assert.ok(findingsOf(a).length > 0, 'a freshly discovered profile has no approvals yet, so there are findings');
  for (const f of findingsOf(a)) {
    if (f.rule === 'PECS-A-007') continue;
    assert.ok(ids.has(f.entryPointId), `${f.id} names a discovered entry point`);
    assert.ok(f.id.startsWith(`${f.rule}:${f.entryPointId}`), f.id);
  }
});
