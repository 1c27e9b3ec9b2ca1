import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isSha256Ref } from '../../src/crypto/hash.ts';
import { isWritError } from '../../src/errors/writ-error.ts';
import { checkBundleDocument, compileBundleDocument } from '../../src/policy/compile-bundle.ts';
import { inspectBundleDir, loadBundleDir } from '../../src/policy/load-bundle.ts';
import { formatProblem, PolicyBundleInvalidError, type BundleProblem } from '../../src/policy/problems.ts';
import { MINI_READ, MINI_SCHEMA, cleanupBundles, writeBundle } from './helpers/bundle-dir.ts';

after(cleanupBundles);

/** Problems of a bundle made of the mini bundle with `overrides`. */
function problemsOf(overrides: Parameters<typeof writeBundle>[0]): BundleProblem[] {
  const r = inspectBundleDir(writeBundle(overrides));
  assert.equal(r.bundle, null, 'expected the bundle to be invalid');
  assert.ok(r.problems.length > 0);
  return r.problems;
}

interface ProblemMatch {
  file?: string;
  line?: number;
  policy_id?: string;
  message?: RegExp | string;
}

function hasProblem(problems: BundleProblem[], match: ProblemMatch): void {
  const found = problems.some(
    (p) =>
      (match.file === undefined || p.file === match.file) &&
      (match.policy_id === undefined || p.policy_id === match.policy_id) &&
      (match.line === undefined || p.line === match.line) &&
      (match.message === undefined || (typeof match.message === 'string' ? p.message.includes(match.message) : match.message.test(p.message))),
  );
  assert.ok(found, `no problem like ${JSON.stringify(match, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v))} in:\n${problems.map(formatProblem).join('\n')}`);
}

const permit = (annotations: string) =>
  `${annotations}\npermit (principal, action == Writ::Action::"doc.write", resource is Writ::Doc);\n`;

describe('a valid bundle', () => {
  test('loads, with a sha256 hash, every policy indexed by @id, no problems and no warnings', () => {
    const r = inspectBundleDir(writeBundle());
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, []);
    assert.ok(r.bundle);
    assert.ok(isSha256Ref(r.policy_bundle_hash));
    assert.deepEqual([...r.bundle.policies.keys()].sort(), ['doc.read.allow', 'doc.read.forbid.secret', 'doc.write.approval', 'doc.write.prod.approval']);
    const p = r.bundle.policies.get('doc.write.prod.approval')!;
    assert.equal(p.effect, 'permit');
    assert.equal(p.file, 'policies/write.cedar');
    assert.equal(p.line, 9);
    assert.deepEqual(p.obligations, { approvals: 3, approver_groups: ['owners', 'writers'], risk: 'critical', break_glass: false });
    assert.equal(r.bundle.document.tests[0]!.cases.length, 2);
  });

  test('its document is frozen', () => {
    const b = loadBundleDir(writeBundle());
    assert.throws(() => {
      (b.document.manifest as { id: string }).id = 'changed';
    }, TypeError);
  });

  test('test defaults are expanded into each case, signals default to empty and now to a fixed instant', () => {
    const b = loadBundleDir(writeBundle());
    const c = b.document.tests[0]!.cases[1]!;
    assert.equal(c.intent.action_scope, 'doc.read');
    assert.equal(c.intent.resource.id, 'd2');
    assert.deepEqual(c.signals, { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] });
    assert.equal(c.now, '2025-01-01T00:00:00Z');
  });
});

describe('annotation problems', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['@approvals("0")', '@approver_groups("writers")', /@approvals\("0"\): expected a positive integer/],
    ['@approvals("two")', '@approver_groups("writers")', /@approvals\("two"\)/],
    ['@approvals("-1")', '@approver_groups("writers")', /positive integer/],
    ['@approvals("2")', '@approver_groups("a, b")', /without spaces/],
    ['@approvals("2")', '@approver_groups("a,,b")', /without spaces/],
    ['@approvals("2")', '@approver_groups("a,a")', /listed twice/],
    ['@approvals("2")', '', /@approvals requires @approver_groups/],
    ['', '@approver_groups("a")', /@approver_groups requires @approvals/],
    ['@risk("extreme")', '', /@risk\("extreme"\): expected one of low, medium, high, critical/],
    ['@approvals("1") @approver_groups("a") @break_glass("yes")', '', /the only value is "allowed"/],
    ['@break_glass("allowed")', '', /@break_glass only applies to a permit that requires @approvals/],
    ['@approval("2")', '', /unknown annotation @approval/],
    ['@approvals', '@approver_groups("a")', /@approvals needs a value/],
  ];
  for (const [a, b, message] of cases) {
    test(`${a} ${b} is refused with file, line and policy id`, () => {
      const text = `// header line\n${permit(`@id("doc.write.bad")\n${a}\n${b}`)}`;
      hasProblem(problemsOf({ 'policies/write.cedar': text }), { file: 'policies/write.cedar', policy_id: 'doc.write.bad', line: 2, message });
    });
  }

  test('obligation annotations on a forbid are refused; @risk on a forbid is fine', () => {
    const text = `@id("f") @approvals("2") @approver_groups("a") @risk("high")\nforbid (principal, action, resource);\n`;
    const problems = problemsOf({ 'policies/write.cedar': text });
    hasProblem(problems, { policy_id: 'f', message: /@approvals is an obligation of permit policies/ });
    hasProblem(problems, { policy_id: 'f', message: /@approver_groups is an obligation of permit policies/ });
    assert.ok(!problems.some((p) => p.message.includes('@risk')));
  });
});

describe('policy ids', () => {
  test('a policy without @id is refused at its line', () => {
    const text = `${permit('@id("ok")')}\n// no id below\n${permit('@risk("low")')}`;
    hasProblem(problemsOf({ 'policies/write.cedar': text }), { file: 'policies/write.cedar', line: 5, message: /no @id/ });
  });

  test('duplicate ids across files are refused, naming the first location', () => {
    const problems = problemsOf({ 'policies/zz-dup.cedar': permit('@id("doc.read.allow")') });
    hasProblem(problems, { file: 'policies/zz-dup.cedar', policy_id: 'doc.read.allow', message: 'duplicate @id: also used at policies/read.cedar:2' });
  });

  test('duplicate ids in one file are refused', () => {
    const problems = problemsOf({ 'policies/write.cedar': permit('@id("x")') + permit('@id("x")') });
    hasProblem(problems, { policy_id: 'x', line: 3, message: /duplicate @id/ });
  });

  test('a malformed id is refused', () => {
    hasProblem(problemsOf({ 'policies/write.cedar': permit('@id("has space")') }), { policy_id: 'has space', message: /@id must match/ });
  });
});

describe('Cedar problems', () => {
  test('a schema violation is caught by strict validation, located in its file', () => {
    const text = `// strict validation\n@id("doc.read.bad")\npermit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)\nwhen { resource.tier == 1 };\n`;
    hasProblem(problemsOf({ 'policies/read.cedar': text }), { file: 'policies/read.cedar', policy_id: 'doc.read.bad', line: 4, message: /Long and String are not compatible/ });
  });

  test('an attribute the schema does not declare is refused', () => {
    const text = `@id("doc.read.owner")\npermit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)\nwhen { resource.owner == "alice" };\n`;
    hasProblem(problemsOf({ 'policies/read.cedar': text }), { policy_id: 'doc.read.owner', message: /owner/ });
  });

  test('an optional attribute read without `has` is refused (strict)', () => {
    const text = `@id("doc.read.level")\npermit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)\nwhen { resource.level > 2 };\n`;
    hasProblem(problemsOf({ 'policies/read.cedar': text }), { policy_id: 'doc.read.level', message: /level/ });
  });

  test('an unknown action is refused', () => {
    const text = `@id("x")\npermit (principal, action == Writ::Action::"doc.delete", resource);\n`;
    hasProblem(problemsOf({ 'policies/read.cedar': text }), { policy_id: 'x', message: /unrecognized action/ });
  });

  test('a parse error is located at its line', () => {
    const text = `@id("a")\npermit (principal, action, resource);\n\n@id("b")\npermit (principal, action, resource) when { 1 + };\n`;
    hasProblem(problemsOf({ 'policies/read.cedar': text }), { file: 'policies/read.cedar', line: 5, message: /unexpected token/ });
  });

  test('templates are refused', () => {
    hasProblem(problemsOf({ 'policies/read.cedar': '@id("t")\npermit (principal == ?principal, action, resource);\n' }), { message: /templates/ });
  });

  test('a schema that does not parse is refused, located in schema.cedarschema', () => {
    hasProblem(problemsOf({ 'schema.cedarschema': 'namespace Writ {\n  entity A = { x: Strin };\n}\n' }), { file: 'schema.cedarschema', line: 2, message: /Strin/ });
  });

  test('a schema without namespace Writ is refused', () => {
    const schema = MINI_SCHEMA.replace('namespace Writ', 'namespace Other');
    hasProblem(problemsOf({ 'schema.cedarschema': schema, 'policies/read.cedar': '@id("a")\npermit (principal, action, resource);\n', 'policies/write.cedar': null, 'tests/read.yaml': null }), {
      file: 'schema.cedarschema',
      message: /namespace Writ/,
    });
  });

  test('an impossible policy is a warning, not a problem', () => {
    const text = `${MINI_READ}\n@id("never")\npermit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc) when { false };\n`;
    const r = inspectBundleDir(writeBundle({ 'policies/read.cedar': text }));
    assert.ok(r.bundle);
    assert.ok(r.warnings.some((w) => w.policy_id === 'never'), JSON.stringify(r.warnings));
  });
});

describe('files, manifest and tests', () => {
  test('a version written as a YAML number is refused', () => {
    hasProblem(problemsOf({ 'bundle.yaml': 'id: mini\nversion: 1.0\n' }), { file: 'bundle.yaml', message: /version must be a string/ });
  });

  test('duplicate YAML keys are refused with their line', () => {
    hasProblem(problemsOf({ 'bundle.yaml': 'id: mini\nversion: "1"\nid: other\n' }), { file: 'bundle.yaml', line: 3, message: /unique/ });
  });

  test('unknown manifest fields are refused', () => {
    hasProblem(problemsOf({ 'bundle.yaml': 'id: mini\nversion: "1"\nowner: me\n' }), { file: 'bundle.yaml', message: /unknown field owner/ });
  });

  test('missing files and stray files are refused', () => {
    hasProblem(problemsOf({ 'schema.cedarschema': null }), { file: 'schema.cedarschema', message: /missing/ });
    hasProblem(problemsOf({ 'bundle.yaml': null }), { file: 'bundle.yaml', message: /missing/ });
    hasProblem(problemsOf({ 'policies/notes.txt': 'x' }), { file: 'policies/notes.txt', message: /unexpected file/ });
    hasProblem(problemsOf({ 'policies/sub/a.cedar': MINI_READ }), { file: 'policies/sub', message: /subdirectories/ });
    hasProblem(problemsOf({ 'policies/read.cedar': null, 'policies/write.cedar': null, 'tests/read.yaml': null }), { file: 'policies', message: /at least one policy/ });
  });

  test('a file that is not UTF-8 is refused', () => {
    hasProblem(problemsOf({ 'policies/read.cedar': new Uint8Array([0x40, 0xff, 0xfe]) }), { file: 'policies/read.cedar', message: /UTF-8/ });
  });

  test('Cedar or YAML files at the top level are refused (they would look loaded); a README is ignored', () => {
    hasProblem(problemsOf({ 'extra.cedar': MINI_READ }), { file: 'extra.cedar', message: /not part of the bundle/ });
    hasProblem(problemsOf({ 'cases.yaml': 'cases: []\n' }), { file: 'cases.yaml', message: /not part of the bundle/ });
    assert.ok(inspectBundleDir(writeBundle({ 'README.md': '# mini\n' })).bundle);
  });

  test('dot files are ignored', () => {
    assert.ok(inspectBundleDir(writeBundle({ 'policies/.read.cedar.swp': 'garbage' })).bundle);
  });

  test('malformed test cases are refused', () => {
    const tests = `cases:\n  - name: bad\n    intent: { action_scope: doc.read }\n    expect: { verdict: maybe, reasons: [no.such.policy] }\n  - name: bad\n    intent: { action_scope: doc.read }\n    expect: { verdict: allow }\n    extra: 1\n`;
    const problems = problemsOf({ 'tests/read.yaml': tests });
    hasProblem(problems, { file: 'tests/read.yaml', message: /case "bad": intent.principal: expected an object/ });
    hasProblem(problems, { file: 'tests/read.yaml', message: /expect.verdict: expected one of allow, deny, require_approval/ });
    hasProblem(problems, { file: 'tests/read.yaml', message: /no policy has @id\("no.such.policy"\)/ });
    hasProblem(problems, { file: 'tests/read.yaml', message: /name is used twice/ });
    hasProblem(problems, { file: 'tests/read.yaml', message: /extra: unknown field/ });
  });

  test('a test case on an undeclared action scope is a warning', () => {
    const tests = `cases:\n  - name: unknown scope\n    intent: { action_scope: doc.delete, principal: { type: user, id: a }, resource: { type: doc, id: d, attrs: { tier: x } }, execution_identity: { region: r, env_tier: dev } }\n    expect: { verdict: deny, deny_code: INVALID_REQUEST }\n`;
    const r = inspectBundleDir(writeBundle({ 'tests/read.yaml': tests }));
    assert.ok(r.bundle);
    assert.match(r.warnings[0]!.message, /doc.delete/);
  });
});

describe('the typed error', () => {
  test('loadBundleDir throws PolicyBundleInvalidError listing every problem', () => {
    const dir = writeBundle({ 'policies/write.cedar': permit('@id("a") @approvals("0") @approver_groups("w")') + permit('@risk("low")') });
    const err = (() => {
      try {
        loadBundleDir(dir);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof PolicyBundleInvalidError);
    assert.ok(isWritError(err, 'BAD_REQUEST'));
    assert.equal(err.status, 400);
    assert.equal(err.problems.length, 2);
    assert.match(err.message, /is invalid \(2 problems\)/);
    assert.match(err.message, /policies\/write.cedar:1:1 \[a\]: @approvals\("0"\)/);
  });

  test('compileBundleDocument checks documents that did not come from a directory', () => {
    const doc = structuredClone(loadBundleDir(writeBundle()).document);
    assert.ok(compileBundleDocument(doc));
    const unsorted = { ...doc, policies: [...doc.policies].reverse() };
    assert.throws(() => compileBundleDocument(unsorted), (e: unknown) => e instanceof PolicyBundleInvalidError && /sorted/.test(e.message));
    assert.throws(() => compileBundleDocument({ ...doc, format: 'v0' }), PolicyBundleInvalidError);
    assert.throws(() => compileBundleDocument({ ...doc, extra: true }), /unknown field extra/);
    assert.throws(() => compileBundleDocument(null), PolicyBundleInvalidError);
    assert.throws(() => compileBundleDocument({ ...doc, manifest: { ...doc.manifest, id: 'Bad Id' } }), /id must be a string/);
    const r = checkBundleDocument({ ...doc, manifest: { ...doc.manifest, description: 3 } });
    assert.equal(r.bundle, null);
    assert.equal(r.policy_bundle_hash, null);
  });
});
