import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePermissions } from '../../../src/pecs/discover/github/permissions.ts';
import { runnerOf } from '../../../src/pecs/discover/github/runner.ts';
import { parseTriggers } from '../../../src/pecs/discover/github/triggers.ts';
import { fileIdPart, stableId } from '../../../src/pecs/discover/ids.ts';
import { operationOfAction, operationsInScript } from '../../../src/pecs/discover/operations.ts';
import { gitlabCredentialVariables, githubSecretNames } from '../../../src/pecs/discover/secrets.ts';
import { checksOutPullRequestHead, untrustedExpressions } from '../../../src/pecs/discover/untrusted-input.ts';
import { classifyUses } from '../../../src/pecs/discover/uses-reference.ts';

test('uses references: kind, first party, SHA pinning', () => {
  const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
  assert.deepEqual(
    [`actions/checkout@${sha}`, 'actions/checkout@v4', 'octo/tool/sub@main', 'org/repo/.github/workflows/x.yml@v1', './.github/actions/a', 'docker://alpine:3', `docker://alpine@sha256:${'a'.repeat(64)}`].map((u) => {
      const r = classifyUses(u, null);
      return [r.kind, r.firstParty, r.pinnedToSha];
    }),
    [
      ['action', true, true],
      ['action', true, false],
      ['action', false, false],
      ['reusable-workflow', false, false],
      ['local', true, true],
      ['docker', false, false],
      ['docker', false, true],
    ],
  );
  assert.equal(classifyUses(`octo/tool@${sha.slice(0, 39)}`, null).pinnedToSha, false, 'a short SHA is not a pin');
});

test('permissions: job over workflow over default; write-all implies id-token', () => {
  assert.deepEqual(effectivePermissions(undefined, undefined), { mode: 'default', writeScopes: [], idTokenWrite: false });
  assert.deepEqual(effectivePermissions(undefined, 'write-all'), { mode: 'write-all', writeScopes: ['*'], idTokenWrite: true });
  assert.deepEqual(effectivePermissions({ 'id-token': 'write', contents: 'read', packages: 'write' }, 'write-all'), { mode: 'explicit', writeScopes: ['id-token', 'packages'], idTokenWrite: true });
  assert.deepEqual(effectivePermissions(null, 'write-all'), { mode: 'explicit', writeScopes: [], idTokenWrite: false });
});

test('runner classes', () => {
  assert.equal(runnerOf('ubuntu-latest').runnerClass, 'ephemeral');
  assert.equal(runnerOf(['self-hosted', 'x64']).runnerClass, 'self-hosted-static');
  assert.equal(runnerOf({ group: 'deployers' }).runnerClass, 'dedicated');
  assert.equal(runnerOf('${{ matrix.os }}').runnerClass, 'other');
});

test('triggers: events, ref filters, protected refs, dispatch inputs', () => {
  const t = parseTriggers({ push: { tags: ['v*'] }, workflow_dispatch: { inputs: { env: { type: 'choice', options: ['a', 'b'] }, note: { type: 'string' } } } });
  assert.deepEqual(t.events, ['push', 'workflow_dispatch']);
  assert.deepEqual(t.refConstraints, ['push.tags: v*']);
  assert.equal(t.protectedRefsOnly, true);
  assert.deepEqual(t.manualInputs, [{ name: 'env', choices: ['a', 'b'] }, { name: 'note', choices: null }]);
  assert.equal(parseTriggers(['push', 'pull_request']).protectedRefsOnly, false);
  assert.equal(parseTriggers('push').protectedRefsOnly, false, 'push to any branch');
});

test('untrusted expressions and pull request head checkouts', () => {
  assert.deepEqual(untrustedExpressions('echo ${{ github.event.issue.title }} ${{ github.sha }} ${{github.head_ref}}'), ['${{ github.event.issue.title }}', '${{github.head_ref}}']);
  assert.deepEqual(untrustedExpressions('echo ${{ github.event.pull_request.number }}'), []);
  assert.equal(checksOutPullRequestHead('${{ github.event.pull_request.head.sha }}'), true);
  assert.equal(checksOutPullRequestHead('${{ github.event.pull_request.base.sha }}'), false);
});

test('operations, secrets, ids', () => {
  assert.deepEqual(operationsInScript('terraform -chdir=infra apply -auto-approve\ndocker buildx build --push -t x .').map((o) => o.label), ['terraform apply', 'docker push']);
  assert.deepEqual(operationsInScript('terraform plan && kubectl get pods'), []);
  assert.equal(operationOfAction('PyPA/gh-action-pypi-publish@release/v1')?.category, 'publish');
  assert.equal(operationOfAction('actions/checkout@v4'), null);
  assert.deepEqual(githubSecretNames(["${{ secrets.B }} ${{ secrets['A-1'] }} ${{ secrets.GITHUB_TOKEN }}"]), ['A-1', 'B']);
  assert.deepEqual(gitlabCredentialVariables(['echo $CI_JOB_TOKEN ${NPM_TOKEN} $AWS_SECRET_ACCESS_KEY $HOME']), ['AWS_SECRET_ACCESS_KEY', 'NPM_TOKEN']);
  assert.equal(stableId(['acme/app', 'x.yml', 'job one']), 'acme-app:x.yml:job-one');
  assert.equal(fileIdPart('sub/.github/workflows/ci.yaml'), 'ci.yaml');
  const long = stableId(['r', 'f', 'x'.repeat(300)]);
  assert.equal(long.length, 128);
  assert.notEqual(long, stableId(['r', 'f', `${'x'.repeat(299)}y`]));
});
