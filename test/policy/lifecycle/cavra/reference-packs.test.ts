/**
 * Every CAVRA reference pack (`../shared/reference/cavra/policies/`, community ones
 * included) imports into a bundle that validates and passes its own decision tests; the
 * import is deterministic; inherits resolve as CAVRA merges them.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { runBundleTests } from '../../../../src/policy/bundle-tests.ts';
import { inspectBundleDir } from '../../../../src/policy/load-bundle.ts';
import { applicableClasses } from '../../../../src/policy/lifecycle/required-classes.ts';
import { convertCavraPack, importCavraPack } from '../../../../src/policy/lifecycle/cavra/import-cavra.ts';
import { CAVRA_ACTION_SCOPES } from '../../../../src/policy/lifecycle/cavra/cavra-schema.ts';
import { PACKS_ROOT, SKIP_WITHOUT_REFERENCE, cleanupTemp, referencePackFiles, tempDir } from './helpers.ts';

after(cleanupTemp);

const skip = SKIP_WITHOUT_REFERENCE;
const label = (file: string) => relative(PACKS_ROOT, file);

test('the reference packs include the community ones', { skip }, () => {
  const files = referencePackFiles();
  assert.ok(files.some((f) => dirname(f) === join(PACKS_ROOT, 'community')), 'community packs listed');
  assert.ok(files.some((f) => basename(f) === 'policy.yaml'), 'pack directories listed');
});

test('every reference pack imports, validates, passes its own decision tests, and accounts for each applicable class', { skip }, async (t) => {
  const classes = applicableClasses(new Set(CAVRA_ACTION_SCOPES));
  assert.ok(classes.length > 0);
  for (const file of referencePackFiles()) {
    await t.test(label(file), () => {
      const out = join(tempDir(), 'bundle');
      const report = importCavraPack(file, { out });
      const check = inspectBundleDir(out);
      assert.deepEqual(check.problems, []);
      assert.ok(check.bundle);
      assert.equal(check.policy_bundle_hash, report.policy_bundle_hash);
      assert.equal(check.bundle.policies.size, report.policies);
      const tests = runBundleTests(check.bundle);
      assert.equal(tests.total, report.test_cases);
      assert.ok(tests.total > 0);
      assert.deepEqual(
        tests.results.filter((r) => !r.passed).map((r) => `${r.file} ${r.name}: ${r.mismatches.join('; ')}`),
        [],
      );
      // An applicable required decision class has a case claiming it, or a warning saying why not; never both.
      const claimed = new Set(check.bundle.document.tests.flatMap((f) => f.cases.map((c) => c.class)).filter((c) => c !== undefined));
      const warned = new Set(report.warnings.filter((w) => w.code === 'CAVRA_CLASS_NOT_DEMONSTRATED').map((w) => w.field));
      for (const c of classes) assert.ok(claimed.has(c.id) !== warned.has(c.id), `${c.id}: claimed ${claimed.has(c.id)}, warned ${warned.has(c.id)}`);
    });
  }
});

test('the import is deterministic: the same pack gives byte-identical files and hash, wherever it lies', { skip }, () => {
  const file = join(PACKS_ROOT, 'cavra-agentic-delivery/policy.yaml');
  const a = convertCavraPack(file).bundle.files;
  assert.deepEqual(convertCavraPack(file).bundle.files, a);
  // The same packs copied elsewhere: no path enters the bundle.
  const copy = tempDir();
  for (const d of ['cavra-agentic-delivery', 'cavra-ai-agent-baseline', 'cavra-github-enterprise']) cpSync(join(PACKS_ROOT, d), join(copy, d), { recursive: true });
  assert.deepEqual(convertCavraPack(join(copy, 'cavra-agentic-delivery/policy.yaml')).bundle.files, a);
  const r1 = importCavraPack(file, { out: join(tempDir(), 'one') });
  const r2 = importCavraPack(join(copy, 'cavra-agentic-delivery'), { out: join(tempDir(), 'two') });
  assert.equal(r1.policy_bundle_hash, r2.policy_bundle_hash);
  const listing = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  assert.deepEqual(listing(r1.out), listing(r2.out));
  for (const f of listing(r1.out).filter((f) => f.includes('.'))) assert.equal(readFileSync(join(r2.out, f), 'utf8'), readFileSync(join(r1.out, f), 'utf8'), f);
});

test('inherits resolve as CAVRA merges them: parents in order, lists united, the child last', { skip }, () => {
  const c = convertCavraPack(join(PACKS_ROOT, 'cavra-agentic-delivery/policy.yaml'));
  assert.deepEqual(c.ancestors.map((s) => s.id), ['cavra-ai-agent-baseline', 'cavra-github-enterprise']);
  assert.ok(c.ancestors.every((s) => /^sha256:[0-9a-f]{64}$/.test(s.digest)));
  const read = (id: string) => readFileSync(join(PACKS_ROOT, id, 'policy.yaml'), 'utf8');
  // one pattern from each of the three files, present in the merged lists
  assert.ok(read('cavra-ai-agent-baseline').includes('"terraform apply*"') && c.pack.commands.block.includes('terraform apply*'));
  assert.ok(read('cavra-github-enterprise').includes('"gh pr merge*--admin*"') && c.pack.commands.block.includes('gh pr merge*--admin*'));
  assert.ok(read('cavra-agentic-delivery').includes('"gh pr merge*"') && c.pack.commands.block.includes('gh pr merge*'));
  assert.equal(new Set(c.pack.commands.block).size, c.pack.commands.block.length, 'no duplicates');
  assert.equal(c.pack.mode, 'enforce');
  assert.equal(c.pack.id, 'cavra-agentic-delivery');
  assert.deepEqual(c.pack.mcp.allowed_servers, ['filesystem', 'github']);
});
