import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRelativeWorkflowPath, repositoryRootOf, workflowRefMatches } from '../../../src/pecs/gate/workflow-ref.ts';

const root = mkdtempSync(join(tmpdir(), 'writ-pecs-ref-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('workflowRefMatches: exact, ./-prefixed, owner/repo-prefixed and @ref forms match; basenames and other files do not', () => {
  const path = '.github/workflows/deploy.yml';
  assert.equal(workflowRefMatches('.github/workflows/deploy.yml', path), true);
  assert.equal(workflowRefMatches('./.github/workflows/deploy.yml', path), true);
  assert.equal(workflowRefMatches('org/repo/.github/workflows/deploy.yml', path), true);
  assert.equal(workflowRefMatches('org/repo/.github/workflows/deploy.yml@refs/heads/main', path), true);
  assert.equal(workflowRefMatches('deploy.yml', path), false);
  assert.equal(workflowRefMatches('.github/workflows/deploy.yaml', path), false);
  assert.equal(workflowRefMatches('x.github/workflows/deploy.yml', path), false, 'a suffix must start at a path segment');
  assert.equal(workflowRefMatches('', ''), false);
});

test('repoRelativeWorkflowPath: relative to the nearest .git ancestor, else to cwd', () => {
  const repo = join(root, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  const wf = join(repo, '.github', 'workflows', 'deploy.yml');
  writeFileSync(wf, 'on: push\n');
  assert.equal(repositoryRootOf(wf), repo);
  assert.equal(repoRelativeWorkflowPath(wf, '/'), '.github/workflows/deploy.yml');

  const loose = join(root, 'loose', 'ci.yml');
  mkdirSync(join(root, 'loose'));
  writeFileSync(loose, 'on: push\n');
  assert.equal(repositoryRootOf(loose), null);
  assert.equal(repoRelativeWorkflowPath(loose, root), 'loose/ci.yml');
  assert.equal(repoRelativeWorkflowPath('loose/ci.yml', root), 'loose/ci.yml');
});
