/**
 * CAVRA pattern semantics (`*` and `**` alike, anchored, no line break across a star),
 * Python's strip, and the Cedar text the importer writes for patterns: read back by
 * Cedar's own parser, a literal is exactly the string and a `like` pattern has exactly
 * the pattern's literals and wildcards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cedar } from '../../../../src/policy/cedar.ts';
import { cavraPatternRegExp, matchesCavraPattern, patternLiterals } from '../../../../src/policy/lifecycle/cavra/cavra-glob.ts';
import { cedarLikePattern, cedarString, matchesAny, singleLineText } from '../../../../src/policy/lifecycle/cavra/cedar-text.ts';
import { pythonStrip } from '../../../../src/policy/lifecycle/cavra/python-strip.ts';

test('a CAVRA pattern matches the whole value; * and ** both match any run of characters', () => {
  const cases: Array<[string, string, boolean]> = [
    ['.env', '.env', true],
    ['.env', 'a/.env', false],
    ['.env', '.env.local', false],
    ['**/secrets.*', 'config/secrets.yaml', true],
    ['**/secrets.*', 'secrets.yaml', false],
    ['**/secrets.*', 'a/b/secrets.', true],
    ['*/secrets.*', 'a/b/secrets.yaml', true],
    ['policies/**', 'policies/a/b.yaml', true],
    ['policies/*', 'policies/a/b.yaml', true],
    ['terraform plan*', 'terraform plan', true],
    ['terraform plan*', 'terraform plan -out x', true],
    ['terraform plan*', 'xterraform plan', false],
    ['gh pr merge*--admin*', 'gh pr merge 12 --admin', true],
    ['a.b', 'aXb', false],
    ['(x)+', '(x)+', true],
    ['pytest*', 'pytest\nrm -rf /', false],
    ['pytest*', 'pytest\r-x', true],
    ['a\\b', 'a\\b', true],
  ];
  for (const [pattern, value, expected] of cases) assert.equal(matchesCavraPattern(value, pattern), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`);
  assert.deepEqual(patternLiterals('**/a*b'), ['', '/a', 'b']);
  assert.equal(cavraPatternRegExp('**').source, cavraPatternRegExp('*').source);
});

test("pythonStrip strips exactly Python's whitespace", () => {
  assert.equal(pythonStrip(' \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000x y\u3000 '), 'x y');
  assert.equal(pythonStrip('\ufeffx\u200b'), '\ufeffx\u200b', 'U+FEFF and U+200B are not whitespace to Python');
  assert.equal(pythonStrip('   '), '');
});

function parsed(condition: string): unknown {
  const r = cedar.policyToJson(`permit (principal, action, resource) when { ${condition} };`);
  assert.equal(r.type, 'success', JSON.stringify(r));
  return (r as { json: { conditions: Array<{ body: unknown }> } }).json.conditions[0]!.body;
}

const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const ascii = fc.string({ unit: 'binary-ascii', maxLength: 20 });

test('a Cedar string literal reads back as exactly the string (quotes, backslashes, controls, non-ASCII)', () => {
  fc.assert(
    fc.property(fc.oneof(text, ascii), (s) => {
      const body = parsed(`resource.path == ${cedarString(s)}`) as { '==': { right: { Value: string } } };
      assert.equal(body['=='].right.Value, s);
    }),
    { numRuns: 500 },
  );
});

test("a Cedar like pattern reads back as the CAVRA pattern's literals and wildcards", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(text, ascii, fc.constant('*'), fc.constant('**')), { maxLength: 6 }), (parts) => {
      const pattern = parts.join('');
      const body = parsed(`resource.path like ${cedarLikePattern(pattern)}`) as { like: { pattern: Array<'Wildcard' | { Literal: string }> } };
      const expected: Array<'Wildcard' | { Literal: string }> = [];
      patternLiterals(pattern).forEach((lit, i) => {
        if (i > 0) expected.push('Wildcard');
        for (const ch of lit) expected.push({ Literal: ch });
      });
      assert.deepEqual(body.like.pattern, expected);
    }),
    { numRuns: 500 },
  );
});

test('matchesAny guards wildcard patterns against a line break and leaves equalities alone', () => {
  assert.equal(matchesAny('resource.line', []), null);
  assert.equal(matchesAny('resource.line', ['ls']), 'resource.line == "ls"');
  assert.equal(matchesAny('resource.line', ['ls', 'pytest*']), '(resource.line == "ls" || resource.line like "pytest*") && !(resource.line like "*\\n*")');
});

test('comment text cannot end the comment line', () => {
  const c = singleLineText('id\npermit (principal, action, resource);\u2028x');
  assert.ok(!/[\n\r\u2028\u2029]/.test(c));
  assert.match(c, /^id\\u\{a\}permit/);
});
