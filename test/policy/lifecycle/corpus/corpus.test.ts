import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BUNDLE_DIR } from '../../../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../../../src/policy/evaluate.ts';
import { loadBundleDir } from '../../../../src/policy/load-bundle.ts';
import { corpusCaseId, type CorpusCase } from '../../../../src/policy/lifecycle/corpus/corpus-case.ts';
import { generateDecisionCorpus } from '../../../../src/policy/lifecycle/corpus/generate-corpus.ts';
import { instantiateLike } from '../../../../src/policy/lifecycle/corpus/like-pattern.ts';
import { seededRandom } from '../../../../src/policy/lifecycle/corpus/seeded-random.ts';
import { cleanupBundles, writeBundle } from '../../helpers/bundle-dir.ts';

after(cleanupBundles);

const defaultBundle = loadBundleDir(DEFAULT_BUNDLE_DIR);

function byAction(corpus: readonly CorpusCase[]): Map<string, CorpusCase[]> {
  const m = new Map<string, CorpusCase[]>();
  for (const c of corpus) m.set(c.intent.action_scope, [...(m.get(c.intent.action_scope) ?? []), c]);
  return m;
}

test('like patterns: every wildcard filled with each filler; empty results dropped', () => {
  assert.deepEqual(instantiateLike([{ Literal: 'a' }, 'Wildcard', { Literal: 'b' }], ['', 'x']), ['ab', 'axb']);
  assert.deepEqual(instantiateLike(['Wildcard'], ['', 'x', 'x']), ['x']);
});

test('seeded random: the same seed and stream give the same sequence, another stream another one', () => {
  const draw = (seed: number, stream: string) => Array.from({ length: 8 }, ((r) => () => r.int(1000))(seededRandom(seed, stream)));
  assert.deepEqual(draw(3, 'promotion'), draw(3, 'promotion'));
  assert.notDeepEqual(draw(3, 'promotion'), draw(3, 'file.read'));
  assert.notDeepEqual(draw(3, 'promotion'), draw(4, 'promotion'));
});

test('corpus: deterministic for a seed, ids are content hashes, unique, sorted by action then id', () => {
  const a = generateDecisionCorpus([defaultBundle], { seed: 5, perAction: 120 });
  const b = generateDecisionCorpus([defaultBundle], { seed: 5, perAction: 120 });
  assert.deepEqual(a, b);
  assert.equal(new Set(a.map((c) => c.case_id)).size, a.length);
  for (const c of a) assert.equal(c.case_id, corpusCaseId(c.intent, c.signals, c.now));
  const keys = a.map((c) => [c.intent.action_scope, c.case_id].join('\u0000'));
  assert.deepEqual(keys, [...keys].sort());
  const other = generateDecisionCorpus([defaultBundle], { seed: 6, perAction: 120 });
  assert.notDeepEqual(
    other.map((c) => c.case_id),
    a.map((c) => c.case_id),
    'a different seed draws a different sample where the budget is binding',
  );
});

test('corpus: one group per declared action scope, bounded by the budget plus the seeds', () => {
  const perAction = 60;
  const corpus = generateDecisionCorpus([defaultBundle], { perAction });
  const groups = byAction(corpus);
  assert.deepEqual([...groups.keys()].sort(), [...defaultBundle.model.actions.keys()].sort());
  for (const [action, cases] of groups) {
    const seeds = cases.filter((c) => !c.origin.includes(' + ')).length;
    assert.ok(cases.length <= Math.max(perAction, seeds), `${action}: ${cases.length} cases`);
  }
});

test('corpus: generated cases fit the schema (none is denied INVALID_REQUEST); the bundle test cases are seeds', () => {
  const corpus = generateDecisionCorpus([defaultBundle]);
  const testNames = defaultBundle.document.tests.flatMap((t) => t.cases.map((c) => `test:${t.file}#${c.name}`));
  const origins = new Set(corpus.map((c) => c.origin));
  const invalidTests = new Set(
    defaultBundle.document.tests.flatMap((t) => t.cases.filter((c) => c.expect.deny_code === 'INVALID_REQUEST').map((c) => `test:${t.file}#${c.name}`)),
  );
  for (const name of testNames) assert.ok(origins.has(name), `seed ${name} is in the corpus`);
  for (const c of corpus) {
    if ([...invalidTests].some((t) => c.origin.startsWith(t))) continue; // a mutation of an invalid case stays invalid
    const d = evaluateIntent(defaultBundle, { intent: c.intent, signals: c.signals, now: new Date(c.now) });
    assert.notEqual(d.deny_code, 'INVALID_REQUEST', `${c.origin}: ${d.errors.join('; ')}`);
  }
});

test('corpus: every policy of the default bundle determines some corpus decision', () => {
  const corpus = generateDecisionCorpus([defaultBundle]);
  const determining = new Set<string>();
  for (const c of corpus) for (const r of evaluateIntent(defaultBundle, { intent: c.intent, signals: c.signals, now: new Date(c.now) }).reasons) determining.add(r);
  const never = [...defaultBundle.policies.keys()].filter((id) => !determining.has(id));
  assert.deepEqual(never, [], 'every policy determines at least one corpus decision');
});

test('corpus: draws on the literals and patterns policies compare with, and varies the signals they read', () => {
  const dir = writeBundle({
    'policies/read.cedar': `@id("doc.read.allow")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource.tier == "public" || resource.tier like "open-*" };

@id("doc.read.forbid.hold")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { context.signals.phase_hold.targets.contains(context.resource_id) };

@id("doc.read.count")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource has level && resource.level > 3 && context.signals.trusted_mcp_servers.contains("github") };
`,
    'tests/read.yaml': null,
  });
  const corpus = generateDecisionCorpus([loadBundleDir(dir)]);
  const reads = corpus.filter((c) => c.intent.action_scope === 'doc.read');
  const tiers = new Set(reads.map((c) => c.intent.resource.attrs?.tier));
  for (const t of ['public', 'open-', 'open-x']) assert.ok(tiers.has(t), `tier ${t}`);
  const levels = new Set(reads.map((c) => c.intent.resource.attrs?.level));
  for (const l of [2, 3, 4, undefined]) assert.ok(levels.has(l), `level ${String(l)}`);
  assert.ok(reads.some((c) => c.signals.phase_holds.some((h) => h.targets?.includes(c.intent.resource.id))), 'a hold on the case target');
  assert.ok(reads.some((c) => c.signals.trusted_mcp_servers.includes('github')), 'the trusted server literal');
  const writes = corpus.filter((c) => c.intent.action_scope === 'doc.write');
  assert.ok(writes.every((c) => c.signals.phase_holds.length === 0), 'doc.write policies read no signal: none is varied');
});
