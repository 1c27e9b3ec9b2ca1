/**
 * From pack files to the pack model: structural checks, CAVRA's merge of inherited
 * packs, inherits resolution (order, diamonds, cycles, bad names), and the warnings that
 * account for every field the bundle does not enforce.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isWritError } from '../../../../src/errors/writ-error.ts';
import { checkCavraPack } from '../../../../src/policy/lifecycle/cavra/check-cavra-pack.ts';
import { mergeCavraPacks } from '../../../../src/policy/lifecycle/cavra/merge-cavra-pack.ts';
import { normalizeCavraPack } from '../../../../src/policy/lifecycle/cavra/normalize-cavra-pack.ts';
import { resolveCavraPack } from '../../../../src/policy/lifecycle/cavra/resolve-cavra-pack.ts';
import { cleanupTemp, tempDir, writeFiles } from './helpers.ts';

after(cleanupTemp);

test('checkCavraPack accepts a minimal pack and names every structural problem by field', () => {
  assert.deepEqual(checkCavraPack({ metadata: { id: 'cavra-x' } }), []);
  assert.deepEqual(checkCavraPack(['not', 'a', 'mapping']), ['expected a YAML mapping with metadata and policy sections']);
  assert.deepEqual(
    checkCavraPack({
      metadata: { id: '', version: 1.0, inherits: ['../up', 'cavra-a', 'cavra-a'], mode: 'loud' },
      filesystem: { block_read: '.env' },
      commands: { allow: ['ok', '', 'multi\nline'], deny: [] },
      mcp: { block_unknown_servers: 'yes please', allowed_servers: [1] },
      git: [],
    }),
    [
      'metadata.id: expected a non-empty string',
      'metadata.version: expected a string (quote it: version: "…")',
      'metadata.inherits[0]: expected a pack id (a directory name under the packs root), got "../up"',
      'metadata.inherits[2]: cavra-a is listed twice',
      'metadata.mode: expected one of audit_only, enforce, strict_regulated, break_glass, got "loud"',
      'filesystem.block_read: expected a list of strings',
      'commands.allow[1]: expected a non-empty string',
      'commands.allow[2]: a pattern cannot contain a line break',
      'commands.deny: unknown field (expected block, allow, require_approval)',
      'mcp.allowed_servers[0]: expected a non-empty string',
      'mcp.block_unknown_servers: expected true or false',
      'git: expected a mapping',
    ],
  );
});

test("mergeCavraPacks: lists united parent first without repeats, scalars and metadata the child's, inherits the child's", () => {
  const base = { metadata: { id: 'base', title: 'Base', mode: 'enforce' }, commands: { block: ['a*', 'b*'] }, mcp: { block_unknown_servers: true, allowed_servers: ['x'] }, compliance: { maps_to: ['A'] } };
  const child = { metadata: { id: 'child', title: null, inherits: 'base' }, commands: { block: ['b*', 'c*'], allow: ['d'] }, mcp: { block_unknown_servers: false }, compliance: 'replaced' };
  assert.deepEqual(mergeCavraPacks(base, child), {
    metadata: { id: 'child', title: 'Base', mode: 'enforce', inherits: 'base' },
    commands: { block: ['a*', 'b*', 'c*'], allow: ['d'] },
    mcp: { block_unknown_servers: false, allowed_servers: ['x'] },
    compliance: 'replaced',
  });
  assert.deepEqual(base.commands.block, ['a*', 'b*'], 'inputs are not modified');
});

const pack = (id: string, body = '') => `metadata:\n  id: ${id}\n${body}`;

test('inherits: parents resolved recursively, merged in the order listed, each ancestor once (a diamond)', () => {
  const root = writeFiles(tempDir(), {
    'cavra-top/policy.yaml': pack('cavra-top', '  inherits: [cavra-left, cavra-right]\ncommands:\n  allow: ["top"]\n'),
    'cavra-left/policy.yaml': pack('cavra-left', '  inherits: cavra-base\ncommands:\n  allow: ["left"]\nmcp:\n  block_unknown_servers: false\n'),
    'cavra-right/policy.yaml': pack('cavra-right', '  inherits: cavra-base\ncommands:\n  allow: ["right"]\nmcp:\n  block_unknown_servers: true\n'),
    'cavra-base/policy.yaml': pack('cavra-base', 'commands:\n  allow: ["base"]\n'),
  });
  const r = resolveCavraPack(join(root, 'cavra-top/policy.yaml'));
  assert.equal(r.packs_root, root);
  assert.deepEqual(r.ancestors.map((a) => a.id), ['cavra-base', 'cavra-left', 'cavra-right']);
  assert.deepEqual((r.merged.commands as { allow: string[] }).allow, ['base', 'left', 'right', 'top']);
  assert.equal((r.merged.mcp as { block_unknown_servers: boolean }).block_unknown_servers, true, 'the later parent wins');
  assert.equal((r.merged.metadata as { id: string }).id, 'cavra-top');
});

test('inherits: a pack inheriting itself is a cycle; a directory whose pack has another id is a warning', () => {
  const root = writeFiles(tempDir(), {
    'cavra-self/policy.yaml': pack('cavra-self', '  inherits: cavra-self\n'),
    'cavra-kid/policy.yaml': pack('cavra-kid', '  inherits: cavra-dir\n'),
    'cavra-dir/policy.yaml': pack('cavra-other-id'),
  });
  assert.throws(
    () => resolveCavraPack(join(root, 'cavra-self')),
    (e: unknown) => isWritError(e, 'BAD_REQUEST') && e.reason === 'CAVRA_INHERITS_CYCLE' && /cavra-self → cavra-self/.test(e.message),
  );
  const r = resolveCavraPack(join(root, 'cavra-kid'));
  assert.deepEqual(r.warnings.map((w) => w.code), ['CAVRA_INHERITS_ID_MISMATCH']);
});

test('normalizeCavraPack: what CAVRA decides on, sorted; a warning for every other field', () => {
  const { pack: p, warnings } = normalizeCavraPack({
    metadata: { id: 'cavra-all', title: 'All', version: '1', mode: 'audit_only', owner: 'someone' },
    filesystem: { block_read: ['b', 'a', 'b'], block_write: ['w'], require_approval_write: ['w', 'v'] },
    commands: { require_approval: ['git tag*'] },
    git: { block_direct_push_to_protected_branch: true, require_human_reviewer: true, block_push_branches: ['develop'] },
    mcp: { allowlist_enabled: true, risk_scoring: { github: 'low' }, extra: 1 },
    approvals: { release: { approvers: ['Repository Owners'] } },
    evidence: { require_issue_link: true },
    compliance: { maps_to: ['SOX'] },
    telemetry: { on: true },
  });
  assert.deepEqual(p.filesystem.block_read, ['a', 'b']);
  assert.equal(p.mcp.block_unknown_servers, true, "CAVRA's default");
  assert.equal(p.mode, 'audit_only');
  assert.deepEqual(warnings.map((w) => `${w.code} ${w.field}`).sort(), [
    'CAVRA_FIELD_NOT_ENFORCED approvals.release',
    'CAVRA_FIELD_NOT_ENFORCED compliance',
    'CAVRA_FIELD_NOT_ENFORCED evidence',
    'CAVRA_FIELD_NOT_ENFORCED git.block_push_branches',
    'CAVRA_FIELD_NOT_ENFORCED git.require_human_reviewer',
    'CAVRA_FIELD_NOT_ENFORCED mcp.allowlist_enabled',
    'CAVRA_FIELD_NOT_ENFORCED mcp.extra',
    'CAVRA_FIELD_NOT_ENFORCED mcp.risk_scoring',
    'CAVRA_FIELD_NOT_ENFORCED metadata.owner',
    'CAVRA_FIELD_NOT_ENFORCED telemetry',
    'CAVRA_METADATA_MISSING metadata.description',
    'CAVRA_MODE_NOT_ENFORCED metadata.mode',
    'CAVRA_PRECEDENCE commands.require_approval',
    'CAVRA_RULE_SHADOWED filesystem.require_approval_write',
  ]);
  assert.equal(normalizeCavraPack({ metadata: { id: 'x' }, mcp: { block_unknown_servers: false } }).pack.mcp.block_unknown_servers, false);
});
