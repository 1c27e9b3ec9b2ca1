import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashCanonical } from '../../src/crypto/hash.ts';
import { canonicalize } from '../../src/crypto/jcs.ts';
import { hashBundleDocument } from '../../src/policy/bundle-document.ts';
import { inspectBundleDir, loadBundleDir } from '../../src/policy/load-bundle.ts';
import { readBundleDir } from '../../src/policy/read-bundle-dir.ts';
import { MINI_READ, MINI_SCHEMA, MINI_TESTS, cleanupBundles, miniBundle, writeBundle, type BundleFiles } from './helpers/bundle-dir.ts';

after(cleanupBundles);

const hashOf = (overrides: BundleFiles = {}, base?: BundleFiles) => {
  const r = inspectBundleDir(writeBundle(overrides, base));
  assert.deepEqual(r.problems, []);
  return r.policy_bundle_hash!;
};

test('policy_bundle_hash is sha256 of the JCS of the canonical document', () => {
  const b = loadBundleDir(writeBundle());
  assert.equal(b.policy_bundle_hash, hashCanonical(b.document));
  assert.equal(b.policy_bundle_hash, hashBundleDocument(JSON.parse(canonicalize(b.document))));
  assert.deepEqual(Object.keys(b.document), ['format', 'manifest', 'schema', 'policies', 'tests']);
  assert.deepEqual(b.document.policies.map((p) => p.file), ['read.cedar', 'write.cedar']);
  assert.equal(b.document.policies[0]!.text, MINI_READ);
  assert.equal(b.document.schema, MINI_SCHEMA);
});

test('the same content gives the same hash whatever the order files are written in on disk', () => {
  const files = miniBundle();
  const extra: BundleFiles = { 'policies/a-first.cedar': '@id("extra.a")\npermit (principal, action == Writ::Action::"doc.read", resource);\n', 'policies/Z-upper.cedar': '@id("extra.z")\npermit (principal, action == Writ::Action::"doc.read", resource);\n' };
  const forward = { ...files, ...extra };
  const reversed = Object.fromEntries(Object.entries(forward).reverse());
  const h1 = hashOf({}, forward);
  const h2 = hashOf({}, reversed);
  assert.equal(h1, h2);
  // Code-unit order, not locale order: 'Z-upper' sorts before 'a-first'.
  assert.deepEqual(readBundleDir(writeBundle({}, reversed)).document!.policies.map((p) => p.file), ['Z-upper.cedar', 'a-first.cedar', 'read.cedar', 'write.cedar']);
});

test('loading the same directory twice gives the same hash', () => {
  const dir = writeBundle();
  assert.equal(loadBundleDir(dir).policy_bundle_hash, loadBundleDir(dir).policy_bundle_hash);
});

test('any byte change in a Cedar file changes the hash', () => {
  const base = hashOf();
  const variants: BundleFiles[] = [
    { 'policies/read.cedar': `${MINI_READ} ` }, // trailing space
    { 'policies/read.cedar': MINI_READ.replace('// reads', '// Reads') }, // comment only
    { 'policies/read.cedar': MINI_READ.replace(/\n/g, '\r\n') }, // line endings
    { 'policies/read.cedar': `${MINI_READ}\n` }, // extra newline
    { 'schema.cedarschema': `${MINI_SCHEMA}\n` },
    { 'schema.cedarschema': MINI_SCHEMA.replace('level?: Long', 'level?: Long ') },
  ];
  const seen = new Set([base]);
  for (const v of variants) {
    const h = hashOf(v);
    assert.ok(!seen.has(h), `hash did not change for ${JSON.stringify(Object.keys(v))}`);
    seen.add(h);
  }
});

test('a byte-order mark is kept, so it changes the hash (and Cedar then refuses the file)', () => {
  const r = inspectBundleDir(writeBundle({ 'policies/read.cedar': `\ufeff${MINI_READ}` }));
  assert.ok(r.policy_bundle_hash);
  assert.notEqual(r.policy_bundle_hash, hashOf());
});

test('renaming a policy file changes the hash', () => {
  assert.notEqual(hashOf({ 'policies/read.cedar': null, 'policies/reads.cedar': MINI_READ }), hashOf());
});

test('a change of value in YAML changes the hash; YAML comments and layout do not', () => {
  const base = hashOf();
  assert.notEqual(hashOf({ 'bundle.yaml': 'id: mini\nversion: "0.1.1"\ndescription: a minimal bundle for tests\n' }), base);
  assert.notEqual(hashOf({ 'bundle.yaml': 'id: mini\nversion: "0.1.0"\ndescription: a minimal bundle for tests.\n' }), base);
  assert.notEqual(hashOf({ 'tests/read.yaml': MINI_TESTS.replace('public read is allowed', 'public reads are allowed') }), base);
  assert.equal(hashOf({ 'bundle.yaml': '# a comment\nid: mini\nversion:   "0.1.0"\ndescription: "a minimal bundle for tests"\n' }), base);
});

test('expanded test defaults are what is hashed: writing them out per case gives the same hash', () => {
  const expanded = `cases:
  - name: public read is allowed
    intent: { action_scope: doc.read, principal: { type: user, id: alice }, resource: { type: doc, id: d1, attrs: { tier: public } }, execution_identity: { region: local, env_tier: dev } }
    signals: { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] }
    now: "2025-01-01T00:00:00Z"
    expect: { verdict: allow, reasons: [doc.read.allow] }
  - name: secret read is denied
    intent: { action_scope: doc.read, principal: { type: user, id: alice }, resource: { type: doc, id: d2, attrs: { tier: secret } }, execution_identity: { region: local, env_tier: dev } }
    expect: { verdict: deny, deny_code: POLICY_FORBID, reasons: [doc.read.forbid.secret] }
`;
  assert.equal(hashOf({ 'tests/read.yaml': expanded }), hashOf());
});
