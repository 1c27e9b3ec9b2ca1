import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWritError } from '../../../src/errors/writ-error.ts';
import {
  isSpiffeId, MAX_SPIFFE_ID_LENGTH, MAX_TRUST_DOMAIN_LENGTH, parseSpiffeId, trustDomainProblem, tryParseSpiffeId,
} from '../../../src/identity/spiffe/spiffe-id.ts';

interface Cases {
  char_sweep: { trust_domain_chars: string; path_chars: string };
  valid: Array<{ id: string; trust_domain: string; path: string }>;
  invalid: Array<{ id: string; reason: string }>;
  lengths: { max_id: number; max_trust_domain: number };
}

const cases = JSON.parse(readFileSync(new URL('./fixtures/spiffe-id-cases.json', import.meta.url), 'utf8')) as Cases;

test('fixture: every valid ID parses to its trust domain and path', () => {
  assert.ok(cases.valid.length >= 10);
  for (const c of cases.valid) {
    const r = tryParseSpiffeId(c.id);
    assert.ok(r.ok, `${c.id} should parse, got ${JSON.stringify(r)}`);
    assert.deepEqual(r.id, { id: c.id, trustDomain: c.trust_domain, path: c.path });
    assert.equal(isSpiffeId(c.id), true);
  }
});

test('fixture: every invalid ID is refused with its reason', () => {
  assert.ok(cases.invalid.length >= 60);
  for (const c of cases.invalid) {
    assert.deepEqual(tryParseSpiffeId(c.id), { ok: false, reason: c.reason }, c.id);
    assert.equal(isSpiffeId(c.id), false);
  }
});

test('fixture: character sweep over code points 0..255 for trust domain and path', () => {
  const td = new Set(cases.char_sweep.trust_domain_chars);
  const path = new Set(cases.char_sweep.path_chars);
  let accepted = 0;
  for (let i = 0; i < 256; i++) {
    const c = String.fromCharCode(i);
    if (c === '/') continue;
    const inTd = tryParseSpiffeId(`spiffe://trustdomain${c}/path`);
    if (td.has(c)) {
      assert.deepEqual(inTd, { ok: true, id: { id: `spiffe://trustdomain${c}/path`, trustDomain: `trustdomain${c}`, path: '/path' } });
      accepted += 1;
    } else {
      assert.deepEqual(inTd, { ok: false, reason: 'TRUST_DOMAIN_CHAR' }, `trust domain char ${i}`);
    }
    const inPath = tryParseSpiffeId(`spiffe://trustdomain/path${c}`);
    if (path.has(c)) assert.deepEqual(inPath, { ok: true, id: { id: `spiffe://trustdomain/path${c}`, trustDomain: 'trustdomain', path: `/path${c}` } });
    else assert.deepEqual(inPath, { ok: false, reason: 'PATH_CHAR' }, `path char ${i}`);
  }
  assert.equal(accepted, 39);
});

test('fixture: length bounds (2048 bytes per ID, 255 per trust domain)', () => {
  assert.equal(MAX_SPIFFE_ID_LENGTH, cases.lengths.max_id);
  assert.equal(MAX_TRUST_DOMAIN_LENGTH, cases.lengths.max_trust_domain);
  const prefix = 'spiffe://td/';
  const longest = prefix + 'a'.repeat(MAX_SPIFFE_ID_LENGTH - prefix.length);
  assert.equal(longest.length, 2048);
  assert.equal(tryParseSpiffeId(longest).ok, true);
  assert.deepEqual(tryParseSpiffeId(`${longest}a`), { ok: false, reason: 'TOO_LONG' });
  assert.deepEqual(tryParseSpiffeId('a'.repeat(2049)), { ok: false, reason: 'TOO_LONG' });
  assert.equal(tryParseSpiffeId(`spiffe://${'a'.repeat(255)}`).ok, true);
  assert.deepEqual(tryParseSpiffeId(`spiffe://${'a'.repeat(256)}`), { ok: false, reason: 'TRUST_DOMAIN_TOO_LONG' });
});

test('parseSpiffeId throws BAD_REQUEST with the reason; non-strings are EMPTY', () => {
  assert.equal(parseSpiffeId('spiffe://acme.example/ci/deploy').trustDomain, 'acme.example');
  assert.throws(() => parseSpiffeId('spiffe://acme.example/'), (err) => isWritError(err, 'BAD_REQUEST') && err.reason === 'TRAILING_SLASH' && err.message === 'invalid SPIFFE ID');
  for (const v of [undefined, null, 42, {}, ['spiffe://a']]) assert.deepEqual(tryParseSpiffeId(v), { ok: false, reason: 'EMPTY' });
  assert.equal(trustDomainProblem('acme.example'), undefined);
  assert.equal(trustDomainProblem('spiffe://acme.example'), 'TRUST_DOMAIN_CHAR');
  assert.equal(trustDomainProblem(''), 'TRUST_DOMAIN_MISSING');
});

const tdChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-_');
const pathChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_');
const trustDomain = fc.string({ unit: tdChar, minLength: 1, maxLength: 40 });
const segment = fc.string({ unit: pathChar, minLength: 1, maxLength: 12 }).filter((s) => s !== '.' && s !== '..');

test('property: IDs built from the grammar parse and round-trip', () => {
  fc.assert(
    fc.property(trustDomain, fc.array(segment, { maxLength: 8 }), (td, segs) => {
      const path = segs.map((s) => `/${s}`).join('');
      const r = tryParseSpiffeId(`spiffe://${td}${path}`);
      return r.ok && r.id.trustDomain === td && r.id.path === path && r.id.id === `spiffe://${td}${path}`;
    }),
    { numRuns: 500 },
  );
});

test('property: the parser never throws, and anything it accepts satisfies every rule', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ maxLength: 80 }).map((s) => `spiffe://${s}`),
    fc.tuple(trustDomain, fc.string({ unit: 'binary', maxLength: 40 })).map(([td, rest]) => `spiffe://${td}/${rest}`),
  );
  fc.assert(
    fc.property(anyText, (s) => {
      const r = tryParseSpiffeId(s);
      if (!r.ok) return typeof r.reason === 'string';
      const rest = s.slice('spiffe://'.length);
      const segs = r.id.path === '' ? [] : r.id.path.slice(1).split('/');
      return (
        s.startsWith('spiffe://') && s.length <= 2048 && /^[a-z0-9._-]{1,255}$/.test(r.id.trustDomain) && rest === r.id.trustDomain + r.id.path
        && segs.every((g) => /^[A-Za-z0-9._-]+$/.test(g) && g !== '.' && g !== '..')
      );
    }),
    { numRuns: 1000 },
  );
});

test('property: one inserted forbidden character makes a valid ID invalid', () => {
  const forbidden = fc.constantFrom(...':@?#%[]!$&\'()*+,;= \t\n\\~^`{}|"<>'.split(''), 'µ', 'é', '\u0000', '\u007f');
  fc.assert(
    fc.property(trustDomain, fc.array(segment, { minLength: 1, maxLength: 4 }), forbidden, fc.nat(), (td, segs, bad, at) => {
      const id = `spiffe://${td}/${segs.join('/')}`;
      const pos = 'spiffe://'.length + (at % (id.length - 'spiffe://'.length));
      return !tryParseSpiffeId(id.slice(0, pos) + bad + id.slice(pos)).ok;
    }),
    { numRuns: 1000 },
  );
});
