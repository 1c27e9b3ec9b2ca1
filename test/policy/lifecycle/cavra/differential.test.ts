/**
 * Differential property: for every reference pack (and synthetic packs with the
 * characters Cedar needs escaped), random actions get the same decision from the
 * imported Cedar bundle as from the plain-TypeScript reference evaluator of CAVRA's
 * semantics: verdict, deny code, approvals, approver group, and risk (CAVRA's severity).
 * The last tests show the property catches a wrong conversion.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname, join } from 'node:path';
import fc from 'fast-check';
import type { CompiledBundle } from '../../../../src/policy/compile-bundle.ts';
import { evaluateIntent } from '../../../../src/policy/evaluate.ts';
import type { PolicySignals } from '../../../../src/policy/intent.ts';
import { cavraActionToIntent, cavraDecisionToVerdict, type CavraActionInput } from '../../../../src/policy/lifecycle/cavra/cavra-action.ts';
import { approverGroupSlug, type CavraPack } from '../../../../src/policy/lifecycle/cavra/cavra-pack.ts';
import { evaluateCavraReference } from '../../../../src/policy/lifecycle/cavra/cavra-reference.ts';
import { convertCavraPack } from '../../../../src/policy/lifecycle/cavra/import-cavra.ts';
import { cavraActionArb } from './cavra-arbitraries.ts';
import { SKIP_WITHOUT_REFERENCE, cleanupTemp, convertAndLoad, loadFiles, referencePackFiles, tempDir, writeFiles } from './helpers.ts';

after(cleanupTemp);

const signals: PolicySignals = { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] };
const now = new Date('2025-01-01T00:00:00Z');

/** What both sides are compared on. */
function outcomes(bundle: CompiledBundle, pack: CavraPack, input: CavraActionInput) {
  const ref = evaluateCavraReference(pack, input);
  const verdict = cavraDecisionToVerdict(ref.decision);
  const d = evaluateIntent(bundle, { intent: cavraActionToIntent(input), signals, now });
  return {
    cedar: { verdict: d.verdict, deny_code: d.deny_code, approvals: d.obligations.approvals_required, groups: d.obligations.approver_groups, risk: d.obligations.risk },
    reference: {
      verdict,
      deny_code: verdict === 'deny' ? 'POLICY_FORBID' : null,
      approvals: verdict === 'require_approval' ? 1 : 0,
      groups: ref.approver_group ? [approverGroupSlug(ref.approver_group)] : [],
      risk: ref.severity,
    },
    errors: d.errors,
  };
}

/** The property: the bundle decides every generated action as the reference does. */
function agreesWithReference(bundle: CompiledBundle, pack: CavraPack) {
  return fc.property(cavraActionArb(pack), (input) => {
    const o = outcomes(bundle, pack, input);
    assert.deepEqual(o.cedar, o.reference, `${JSON.stringify(input)} ${o.errors.join('; ')}`);
  });
}

test('every reference pack: the Cedar bundle decides random actions as CAVRA does', { skip: SKIP_WITHOUT_REFERENCE }, async (t) => {
  for (const file of referencePackFiles()) {
    await t.test(`${basename(dirname(file))}/${basename(file)}`, () => {
      const { conversion, bundle } = convertAndLoad(file);
      fc.assert(agreesWithReference(bundle, conversion.pack), { numRuns: 400 });
    });
  }
});

/** Packs whose patterns need Cedar escapes, overlap across lists, and switch CAVRA's defaults. */
const SYNTHETIC: Record<string, unknown> = {
  'edge/policy.yaml': {
    metadata: { id: 'cavra-synthetic-edge', title: 'edge', description: 'escapes and overlaps', version: '1.0.0' },
    filesystem: {
      block_read: ['**/a"b\\c*', 'é/**', '.env', 'x*y*z', '😀*', 'tab\there'],
      block_write: ['*.lock', 'docs/private/**'],
      require_approval_write: ['docs/**', '*"*', '**/*.lock'],
    },
    commands: {
      block: ['rm -rf *', 'echo "*"', 'x\\*'],
      require_approval: ['git tag*', 'pytest --danger*', 'ls'],
      allow: ['pytest*', 'git *', 'ls', '*.sh'],
    },
    mcp: { block_unknown_servers: false, allowed_servers: ['github'], blocked_servers: ['evil "server"', 'github', 'tab\tserver'] },
  },
  'allowlist/policy.yaml': {
    metadata: { id: 'cavra-synthetic-allowlist', title: 'allowlist', description: 'only allow', version: '2' },
    commands: { allow: ['*'] },
    mcp: { allowed_servers: ['jira', 'é-server'] },
  },
};

function syntheticPacks(): string {
  const root = tempDir();
  writeFiles(root, Object.fromEntries(Object.entries(SYNTHETIC).map(([f, v]) => [f, JSON.stringify(v, null, 2)])));
  return root;
}

test('synthetic packs with escapes and overlapping lists: the Cedar bundle decides as CAVRA does', async (t) => {
  const root = syntheticPacks();
  for (const f of Object.keys(SYNTHETIC)) {
    await t.test(f, () => {
      const { conversion, bundle } = convertAndLoad(join(root, f));
      fc.assert(agreesWithReference(bundle, conversion.pack), { numRuns: 1500 });
    });
  }
});

/** Wrong conversions, each a plausible bug: the property must find a counterexample. */
const BROKEN: Array<{ what: string; file: string; breakIt: (text: string) => string }> = [
  { what: 'stars allowed to cross a line break', file: 'policies/commands.cedar', breakIt: (s) => s.replaceAll(' && !(resource.line like "*\\n*")', '') },
  { what: 'patterns not anchored at the start', file: 'policies/filesystem.cedar', breakIt: (s) => s.replaceAll('resource.path like "', 'resource.path like "*') },
  { what: 'a wrong approver group', file: 'policies/filesystem.cedar', breakIt: (s) => s.replaceAll('@approver_groups("platform-security")', '@approver_groups("security")') },
  { what: 'require_approval not before allow', file: 'policies/commands.cedar', breakIt: (s) => s.replace(/@approvals\("1"\)\n@approver_groups\("repository-owners"\)\n(@risk\("medium"\)\npermit [^;]*\nwhen)/, '$1') },
  { what: 'the push rule reading the remote, not the branch', file: 'policies/git.cedar', breakIt: (s) => s.replaceAll('resource.name like', 'resource.repo like') },
  { what: 'blocked MCP servers not blocked', file: 'policies/mcp.cedar', breakIt: (s) => s.replace('forbid (principal, action == Writ::Action::"mcp.tool_call", resource is Writ::McpTool)\nwhen', 'permit (principal, action == Writ::Action::"mcp.tool_call", resource is Writ::McpTool)\nwhen') },
];

test('the generated actions reach every rule of the reference, so agreement is not vacuous', () => {
  const root = syntheticPacks();
  const seen = new Set<string>();
  for (const f of Object.keys(SYNTHETIC)) {
    const pack = convertCavraPack(join(root, f)).pack;
    for (const input of fc.sample(cavraActionArb(pack), { numRuns: 3000, seed: 11 })) seen.add(evaluateCavraReference(pack, input).rule_id);
  }
  assert.deepEqual([...seen].sort(), [
    'commands.allow',
    'commands.block',
    'commands.default.require_approval',
    'commands.require_approval',
    'filesystem.read.allow',
    'filesystem.read.block',
    'filesystem.write.allow',
    'filesystem.write.block',
    'filesystem.write.require_approval',
    'git.allow',
    'git.protected_branch.block_direct_push',
    'mcp.server.trust.allow',
    'mcp.server.trust.block_unknown',
  ]);
});

test('the differential property catches a wrong conversion', async (t) => {
  const root = syntheticPacks();
  const conversion = convertCavraPack(join(root, 'edge/policy.yaml'));
  const files = conversion.bundle.files;
  // The correct conversion passes with the same seed the broken ones fail with.
  assert.equal(fc.check(agreesWithReference(loadFiles(files), conversion.pack), { numRuns: 3000, seed: 7 }).failed, false);
  for (const b of BROKEN) {
    await t.test(b.what, () => {
      const broken = b.breakIt(files[b.file]!);
      assert.notEqual(broken, files[b.file], 'the mutation changes the policy text');
      const result = fc.check(agreesWithReference(loadFiles({ ...files, [b.file]: broken }), conversion.pack), { numRuns: 3000, seed: 7 });
      assert.equal(result.failed, true, `no counterexample found for: ${b.what}`);
    });
  }
});
