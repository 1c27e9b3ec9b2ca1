/**
 * Lint, diff and manifest on bundles imported from CAVRA reference packs
 * (`../shared/reference/cavra/policies/`, read in place, never copied into the repo).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateIntent } from '../../../../src/policy/evaluate.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { importCavraPack } from '../../../../src/policy/lifecycle/cavra/import-cavra.ts';
import { diffBundles, hasSemanticChange } from '../../../../src/policy/lifecycle/diff/diff-bundles.ts';
import { summarizeDecision } from '../../../../src/policy/lifecycle/diff/decision-summary.ts';
import { lintBundleDir } from '../../../../src/policy/lifecycle/lint/lint-bundle.ts';
import { buildVersionManifest } from '../../../../src/policy/lifecycle/manifest/build-version-manifest.ts';

const PACKS = fileURLToPath(new URL('../../../../../shared/reference/cavra/policies/', import.meta.url));
const skip = existsSync(PACKS) ? false : `CAVRA reference packs not found at ${PACKS}`;
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function imported(pack: string): string {
  const root = mkdtempSync(join(tmpdir(), 'writ-cavra-'));
  made.push(root);
  const out = join(root, 'bundle');
  importCavraPack(join(PACKS, pack, 'policy.yaml'), { out });
  return out;
}

test('lint on an imported CAVRA pack: a report with no invalid bundle, failing test or unsound class claim', { skip }, () => {
  const dir = imported('cavra-ai-agent-baseline');
  const r = lintBundleDir(dir, { knownGroups: null });
  assert.equal(r.policy_bundle_hash, loadBundleDir(dir).policy_bundle_hash);
  const unsound = r.issues.filter((i) => ['BUNDLE_INVALID', 'TEST_FAILING', 'DECISION_CLASS_UNKNOWN', 'DECISION_CLASS_SCOPE_MISMATCH', 'DECISION_CLASS_EXPECTATION_MISMATCH'].includes(i.code));
  assert.deepEqual(unsound, []);
  assert.ok(r.summary.policy_count > 0 && r.summary.test_case_count > 0);
});

test('diff between two imported CAVRA packs: every listed decision change is real; a pack against itself is empty', { skip }, () => {
  const a = loadBundleDir(imported('cavra-ai-agent-baseline'));
  const bDir = imported('cavra-mcp-enterprise');
  const b = loadBundleDir(bDir);
  assert.equal(hasSemanticChange(diffBundles(a, a, { corpus: { perAction: 50 } })), false);
  const d = diffBundles(a, b, { corpus: { perAction: 50 } });
  assert.equal(hasSemanticChange(d), true);
  assert.ok(d.decisions.changed_count > 0);
  for (const c of d.decisions.changes) {
    const input = { intent: c.intent, signals: c.signals, now: new Date(c.now) };
    assert.deepEqual([c.before, c.after], [summarizeDecision(evaluateIntent(a, input)), summarizeDecision(evaluateIntent(b, input))]);
  }
  const m = buildVersionManifest(b, { dir: bDir, previous: a, now: new Date('2025-01-01T00:00:00Z'), diff: { corpus: { perAction: 50 } } });
  assert.equal(m.previous_policy_bundle_hash, a.policy_bundle_hash);
  assert.deepEqual(m.diff?.decisions.changes, d.decisions.changes);
});
