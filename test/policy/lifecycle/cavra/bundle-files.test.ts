/**
 * The generated bundle: its schema has only CAVRA's action scopes, with the default
 * bundle's shapes for them; hostile pack text (ids, patterns and server names with line
 * breaks, quotes and Cedar syntax) can neither break nor add a policy; ids and versions
 * are made valid for the manifest, with a warning.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runBundleTests } from '../../../../src/policy/bundle-tests.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { IMPORTED_BUNDLE_ACTION_SCOPES } from '../../../../src/policy/lifecycle/cavra/cavra-schema.ts';
import { convertCavraPack } from '../../../../src/policy/lifecycle/cavra/import-cavra.ts';
import { cleanupTemp, loadFiles, tempDir, writeFiles } from './helpers.ts';

after(cleanupTemp);

function convert(pack: unknown) {
  const root = writeFiles(tempDir(), { 'p/policy.yaml': JSON.stringify(pack) });
  return convertCavraPack(join(root, 'p'));
}

test("the schema declares only CAVRA's action scopes and policy.activate, with the default bundle's shapes for them", () => {
  const c = convert({ metadata: { id: 'cavra-min' } });
  const imported = loadFiles(c.bundle.files).model;
  const def = loadBundleDir(DEFAULT_BUNDLE_DIR).model;
  assert.deepEqual([...imported.actions.keys()].sort(), [...IMPORTED_BUNDLE_ACTION_SCOPES].sort());
  for (const scope of IMPORTED_BUNDLE_ACTION_SCOPES) {
    const a = imported.actions.get(scope)!;
    const b = def.actions.get(scope)!;
    assert.deepEqual(a, b, scope);
    for (const type of [...a.principalTypes, ...a.resourceTypes]) assert.deepEqual(imported.entityShape(type), def.entityShape(type), type);
  }
});

test('hostile pack text cannot break out of a string or a comment, nor add a policy', () => {
  const evil = 'x") permit (principal, action, resource);\n// "';
  const c = convert({
    metadata: { id: `cavra-evil\npermit (principal, action, resource);`, title: evil, description: evil, version: '1.0 beta' },
    filesystem: { block_read: [evil.replace('\n', ' '), '*\\"*'], require_approval_write: ['a"*'] },
    commands: { allow: ['echo "\\u{2a}"*'] },
    mcp: { allowed_servers: [evil], blocked_servers: ['"', '\\'] },
  });
  const bundle = loadFiles(c.bundle.files);
  assert.equal(bundle.policies.size, c.bundle.policies);
  const scopes = new Set(IMPORTED_BUNDLE_ACTION_SCOPES.map((s) => `Writ::Action::${JSON.stringify(s)}`));
  for (const p of bundle.policies.values()) {
    assert.ok(/^(filesystem|commands|git|mcp)\./.test(p.id) || p.id === 'governance.policy.activate.approval', p.id);
    assert.ok(p.action.op === '==' && p.action.uids.length === 1 && scopes.has(p.action.uids[0]!), `${p.id} is scoped to one CAVRA action`);
  }
  const tests = runBundleTests(bundle);
  assert.equal(tests.failed, 0, JSON.stringify(tests.results.filter((r) => !r.passed).map((r) => [r.name, r.mismatches])));
  assert.equal(bundle.document.manifest.id, 'cavra-evil-permit-principal-action-resource-');
  assert.equal(bundle.document.manifest.version, '1.0-beta');
  assert.deepEqual(c.bundle.warnings.filter((w) => w.code.endsWith('_ADJUSTED')).map((w) => w.field), ['metadata.id', 'metadata.version']);
});

test('a pack with no mcp section blocks every MCP server (and has no dead allow); one that turns block_unknown_servers off allows unlisted ones', () => {
  const strict = loadFiles(convert({ metadata: { id: 'cavra-a' } }).bundle.files);
  const mcp = (b: typeof strict) =>
    [...b.policies.values()].filter((p) => p.action.op !== 'All' && p.action.uids.includes('Writ::Action::"mcp.tool_call"')).map((p) => `${p.effect} ${p.id}`);
  assert.deepEqual(mcp(strict), ['forbid mcp.server.unknown']);
  const open = loadFiles(convert({ metadata: { id: 'cavra-b' }, mcp: { block_unknown_servers: false } }).bundle.files);
  assert.deepEqual(mcp(open), ['permit mcp.server.allow']);
});
