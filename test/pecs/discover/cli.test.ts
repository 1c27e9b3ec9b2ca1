import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { pecsDiscover, registerPecsDiscoverCommand, type DiscoverySummary } from '../../../src/cli/commands/pecs-discover.ts';
import { gitRevisionOf } from '../../../src/pecs/discover/git-revision.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { captureContext } from '../../policy/helpers/capture-context.ts';
import { FIXTURE_REPO } from './fixture-files.ts';

const temps: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-pecs-discover-'));
  temps.push(d);
  return d;
};
afterEach(() => {
  process.exitCode = undefined;
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

test('--out writes a valid profile; the report lists findings with file:line and the counts; exit 0', () => {
  const out = join(tempDir(), 'profile.json');
  const { ctx, stdout } = captureContext(false);
  const code = pecsDiscover(ctx, { github: join(FIXTURE_REPO, '.github/workflows'), gitlab: join(FIXTURE_REPO, '.gitlab-ci.yml'), repo: 'acme/app', out });
  assert.equal(code, 0);
  const profile = JSON.parse(readFileSync(out, 'utf8')) as unknown;
  assert.ok(validatePecsDocument(profile).valid);
  assert.match(stdout(), /^CRITICAL  PECS-DISC-001  \.github\/workflows\/pr-target\.yml:11 \[build-pr\]: /m);
  assert.match(stdout(), /^PARSE-ERROR  \.github\/workflows\/broken\.yml:9: /m);
  // 6 workflows + 1 composite action + the GitLab file.
  assert.match(stdout(), /^8 files, 12 jobs, 7 entry points, 13 findings, 1 parse errors$/m);
  assert.match(stdout(), new RegExp(`^profile written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
});

test('without --out the profile is printed; --json prints profile, findings and summary', () => {
  const human = captureContext(false);
  assert.equal(pecsDiscover(human.ctx, { github: FIXTURE_REPO, repo: 'acme/app' }), 0);
  assert.match(human.stdout(), /^\{\n {2}"schemaVersion": "1\.0\.0",\n {2}"documentType": "pecs-profile"/);
  const json = captureContext(true);
  assert.equal(pecsDiscover(json.ctx, { github: FIXTURE_REPO }), 0);
  const r = JSON.parse(json.stdout()) as { profile: { metadata: { id: string } }; findings: unknown[]; summary: DiscoverySummary };
  assert.equal(r.profile.metadata.id, 'repo:cicd-profile', 'repo defaults to the directory name');
  assert.equal(r.summary.entryPoints, 5, 'GitHub only');
  assert.equal(r.findings.length, r.summary.findings);
});

test('unreadable input exits 2 (also through the registered command)', async () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(pecsDiscover(ctx, { github: '/nonexistent/writ/workflows' }), 2);
  assert.match(stdout(), /cannot read the input/);
  assert.equal(pecsDiscover(ctx, {}), 2);
  const program = new Command().exitOverride();
  registerPecsDiscoverCommand(program.command('pecs'), () => captureContext(true).ctx);
  await program.parseAsync(['node', 'writ', 'pecs', 'discover', '--gitlab', '/nonexistent/.gitlab-ci.yml']);
  assert.equal(process.exitCode, 2);
});

test('git revision: HEAD inside a work tree, null outside', () => {
  const plain = tempDir();
  assert.equal(gitRevisionOf(plain), null);
  const repo = tempDir();
  execFileSync('git', ['init', '-q', repo]);
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'x']);
  const head = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  assert.equal(gitRevisionOf(repo), head);
});
