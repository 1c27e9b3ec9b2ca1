import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyManifest } from '../../../../src/cli/commands/policy-manifest.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import type { VersionManifest } from '../../../../src/policy/lifecycle/artifacts.ts';
import { buildVersionManifest } from '../../../../src/policy/lifecycle/manifest/build-version-manifest.ts';
import { MINI_WRITE, cleanupBundles, writeBundle } from '../../helpers/bundle-dir.ts';
import { captureContext } from '../../helpers/capture-context.ts';

const made: string[] = [];
after(() => {
  cleanupBundles();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

const NOW = new Date('2025-03-04T05:06:07.000Z');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, '-c', 'user.name=Writ Test', '-c', 'user.email=test@writ.invalid', '-c', 'commit.gpgsign=false', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A new git repository holding the mini bundle at bundles/mini, committed. */
function repoWithBundle(): { repo: string; dir: string; commit: string } {
  const repo = realpathSync(mkdtempSync(join(tmpdir(), 'writ-repo-')));
  made.push(repo);
  git(repo, 'init', '-q');
  const dir = join(repo, 'bundles', 'mini');
  cpSync(writeBundle(), dir, { recursive: true });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'bundle');
  return { repo, dir, commit: git(repo, 'rev-parse', 'HEAD') };
}

function inRepo(dir: string): boolean {
  try {
    execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('in a git repository: commit, path relative to the top, versioned and clean; then dirty after a change', async () => {
  const { dir, commit } = repoWithBundle();
  const m = buildVersionManifest(loadBundleDir(dir), { dir, previous: null, now: NOW });
  assert.equal(m.schema_version, 'writ.policy-lifecycle.version-manifest.v1');
  assert.equal(m.source_ref, `git:${commit}:bundles/mini`);
  assert.deepEqual(m.git, { commit, path: 'bundles/mini', dirty: false });
  assert.equal(m.git_versioned, true);
  assert.equal(m.generated_at, NOW.toISOString());
  assert.deepEqual([m.bundle_id, m.version, m.previous_policy_bundle_hash, m.diff], ['mini', '0.1.0', null, null]);
  appendFileSync(join(dir, 'policies/write.cedar'), '// edited\n');
  const dirty = buildVersionManifest(loadBundleDir(dir), { dir, previous: null, now: NOW });
  assert.deepEqual(dirty.git, { commit, path: 'bundles/mini', dirty: true });
  assert.equal(dirty.git_versioned, true, 'every bundle file is still tracked');
  assert.notEqual(dirty.policy_bundle_hash, m.policy_bundle_hash);
});

test('in a repository but with an untracked bundle file: not git_versioned, dirty', async () => {
  const { dir, commit } = repoWithBundle();
  writeFileSync(join(dir, 'policies/extra.cedar'), '@id("doc.read.extra")\npermit (principal, action == Writ::Action::"doc.read", resource);\n');
  const m = buildVersionManifest(loadBundleDir(dir), { dir, previous: null, now: NOW });
  assert.equal(m.git_versioned, false);
  assert.deepEqual(m.git, { commit, path: 'bundles/mini', dirty: true });
});

test('outside any repository: a file: source, no git, not versioned', (t) => {
  const dir = writeBundle();
  if (inRepo(dir)) {
    t.skip(`${tmpdir()} is inside a git work tree here; cannot test "outside a repository"`);
    return;
  }
  const m = buildVersionManifest(loadBundleDir(dir), { dir, previous: null, now: NOW });
  assert.equal(m.source_ref, `file:${dir}`);
  assert.equal(m.git, null);
  assert.equal(m.git_versioned, false);
});

test('without a git binary: no throw, a file: source', async () => {
  const { dir } = repoWithBundle();
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent-writ-bin';
  try {
    const m = buildVersionManifest(loadBundleDir(dir), { dir, previous: null, now: NOW });
    assert.equal(m.source_ref, `file:${dir}`);
    assert.equal(m.git_versioned, false);
  } finally {
    process.env.PATH = path;
  }
});

test('with a previous bundle: its hash and the semantic diff against it', async () => {
  const previous = loadBundleDir(writeBundle());
  const dir = writeBundle({ 'policies/write.cedar': MINI_WRITE.replace('when { resource.tier == "prod" }', 'when { resource.tier == "prod" || resource.tier == "stage" }') });
  const m = buildVersionManifest(loadBundleDir(dir), { dir, previous, now: NOW, diff: { corpus: { perAction: 40 } } });
  assert.equal(m.previous_policy_bundle_hash, previous.policy_bundle_hash);
  assert.ok(m.diff);
  assert.deepEqual(m.diff.changed, ['doc.write.prod.approval']);
  assert.equal(m.diff.from.policy_bundle_hash, previous.policy_bundle_hash);
  assert.equal(m.diff.to.policy_bundle_hash, m.policy_bundle_hash);
  assert.ok(m.diff.decisions.changes.some((c) => c.intent.resource.attrs?.tier === 'stage' && c.after.obligations.approvals_required === 3));
});

test('CLI manifest: human lines, --json with --previous, exit 2 on an invalid bundle', async () => {
  const { dir, commit } = repoWithBundle();
  const human = captureContext(false);
  assert.equal(await policyManifest(dir, human.ctx, {}, NOW), 0);
  assert.match(human.stdout(), new RegExp(`^source {4}git:${commit}:bundles/mini$`, 'm'));
  assert.match(human.stdout(), /^git {7}versioned/m);
  assert.match(human.stdout(), /^previous {2}\(none\)$/m);
  const json = captureContext(true);
  assert.equal(await policyManifest(dir, json.ctx, { previous: dir }, NOW), 0);
  const m = JSON.parse(json.stdout()) as VersionManifest;
  assert.equal(m.previous_policy_bundle_hash, m.policy_bundle_hash);
  assert.equal(m.diff?.decisions.changed_count, 0);
  assert.equal(await policyManifest('/nonexistent/writ-bundle', captureContext(false).ctx, {}, NOW), 2);
  assert.equal(await policyManifest(dir, captureContext(false).ctx, { previous: '/nonexistent/writ-bundle' }, NOW), 2);
});
