import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { canonicalize, canonicalizeToBytes, isWellFormedUnicode } from '../../src/crypto/jcs.ts';
import { isWritError } from '../../src/errors/writ-error.ts';

const FIXTURES = new URL('../fixtures/rfc8785/', import.meta.url);

/** Assert `fn` throws a WritError JCS_INVALID_INPUT whose message matches `message`. */
function assertRejects(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isWritError(err, 'JCS_INVALID_INPUT'), `expected JCS_INVALID_INPUT, got ${String(err)}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

function doubleFromHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 fixture files', () => {
  const names = readdirSync(new URL('input/', FIXTURES))
    .filter((n) => n.endsWith('.json'))
    .sort();

  test('the expected fixture set is present', () => {
    for (const name of ['arrays', 'french', 'structures', 'unicode', 'values', 'weird', 'rfc8785-sorting']) {
      assert.ok(names.includes(`${name}.json`), `missing fixture ${name}.json`);
    }
  });

  for (const name of names) {
    test(`${name}: canonicalize(JSON.parse(input)) equals output byte for byte`, () => {
      const input = readFileSync(new URL(`input/${name}`, FIXTURES), 'utf8');
      const expected = readFileSync(new URL(`output/${name}`, FIXTURES));
      const value: unknown = JSON.parse(input);
      assert.deepEqual(Buffer.from(canonicalizeToBytes(value)), expected);
      assert.equal(canonicalize(value), expected.toString('utf8'));
      // Canonical output is a fixed point.
      assert.equal(canonicalize(JSON.parse(expected.toString('utf8'))), expected.toString('utf8'));
    });
  }

  for (const name of readdirSync(new URL('outhex/', FIXTURES)).sort()) {
    test(`${name}: UTF-8 bytes equal the published hex`, () => {
      const hex = readFileSync(new URL(`outhex/${name}`, FIXTURES), 'utf8').trim().split(/\s+/);
      const input = readFileSync(new URL(`input/${name.replace(/\.txt$/, '.json')}`, FIXTURES), 'utf8');
      const got = [...canonicalizeToBytes(JSON.parse(input))].map((b) => b.toString(16).padStart(2, '0'));
      assert.deepEqual(got, hex.map((h) => h.toLowerCase()));
    });
  }
});

describe('RFC 8785 Appendix B numbers', () => {
  const { vectors } = JSON.parse(readFileSync(new URL('numbers.json', FIXTURES), 'utf8')) as {
    vectors: { ieee754: string; expected: string | null; comment: string }[];
  };

  test('the table has all 26 Appendix B rows', () => {
    const appendix = vectors.filter((v) => (v as { source?: string }).source === 'RFC 8785 Appendix B');
    assert.equal(appendix.length, 26);
  });

  for (const { ieee754, expected, comment } of vectors) {
    const label = `${ieee754} -> ${expected ?? 'error'}${comment ? ` (${comment})` : ''}`;
    test(label, () => {
      const n = doubleFromHex(ieee754);
      if (expected === null) {
        assert.ok(!Number.isFinite(n));
        assertRejects(() => canonicalize(n), /not allowed at \$$/);
        assertRejects(() => canonicalize({ a: [1, n] }), /at \$\.a\[1\]$/);
        return;
      }
      assert.equal(canonicalize(n), expected);
      assert.equal(canonicalize([n]), `[${expected}]`);
      assert.equal(canonicalize({ n }), `{"n":${expected}}`);
      // The text parses back to the same double (-0 canonicalizes to 0 by design).
      assert.equal(Number(expected), n === 0 ? 0 : n);
    });
  }
});

describe('canonicalize: serialization rules', () => {
  test('literals and empty containers (§3.2.2.1, §3.2.1 no whitespace)', () => {
    assert.equal(canonicalize(null), 'null');
    assert.equal(canonicalize(true), 'true');
    assert.equal(canonicalize(false), 'false');
    assert.equal(canonicalize([]), '[]');
    assert.equal(canonicalize({}), '{}');
    assert.equal(canonicalize([null, true, [false, {}], {}]), '[null,true,[false,{}],{}]');
  });

  test('control characters use the short escapes or lowercase \\u00hh (§3.2.2.2)', () => {
    const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
    for (let c = 0; c < 0x20; c++) {
      const want = short[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
      assert.equal(canonicalize(String.fromCharCode(c)), `"${want}"`, `U+${c.toString(16)}`);
    }
    assert.equal(canonicalize('\u001f\u000b'), '"\\u001f\\u000b"');
  });

  test('only " and \\ are escaped outside the control range (§3.2.2.2)', () => {
    assert.equal(canonicalize('"\\'), '"\\"\\\\"');
    assert.equal(canonicalize('/</script>'), '"/</script>"');
    assert.equal(canonicalize('\u007f\u0080\u2028\u2029\ufeff\uffff'), '"\u007f\u0080\u2028\u2029\ufeff\uffff"');
    assert.equal(canonicalize('\ud83d\ude00 \udbff\udfff'), '"\ud83d\ude00 \udbff\udfff"');
    assert.equal(canonicalize('A\u030a'), '"A\u030a"', 'no Unicode normalization');
  });

  test('lone surrogates are rejected in values and property names (§3.2.2.2 Note)', () => {
    for (const bad of ['\udead', '\ud800', 'a\ud83d', '\ude00\ud83d', 'x\udc00y', '\ud800\ud800\udc00']) {
      assertRejects(() => canonicalize(bad), /lone surrogate at \$$/);
      assertRejects(() => canonicalize({ k: [bad] }), /lone surrogate at \$\.k\[0\]$/);
      assertRejects(() => canonicalize({ [bad]: 1 }), /property name contains a lone surrogate/);
    }
    // An omitted (undefined-valued) member is never emitted, so its name is not serialized.
    assert.equal(canonicalize({ '\udead': undefined }), '{}');
  });

  test('properties sort by UTF-16 code units, not code points or locale (§3.2.3)', () => {
    // U+1F600 is the pair D83D DE00, which sorts before U+FB33 although its code point is larger.
    assert.equal(canonicalize({ '\ufb33': 1, '\u{1f600}': 2 }), '{"\u{1f600}":2,"\ufb33":1}');
    assert.equal(canonicalize({ b: 1, B: 2, a: 3, A: 4, '': 5 }), '{"":5,"A":4,"B":2,"a":3,"b":1}');
    // Integer-like names sort as strings, not numbers.
    assert.equal(canonicalize({ 10: 'a', 9: 'b', 1: 'c', '01': 'd' }), '{"01":"d","1":"c","10":"a","9":"b"}');
    // Sorting uses the raw name, not its escaped form: "\n" (0x0a) < "!" (0x21) < "\\" (0x5c).
    assert.equal(canonicalize({ '\\': 1, '!': 2, '\n': 3 }), '{"\\n":3,"!":2,"\\\\":1}');
  });

  test('sorting is recursive and array order is preserved (§3.2.3)', () => {
    assert.equal(
      canonicalize({ z: [{ y: 1, x: 2 }, 3, { b: { d: 1, c: 2 } }], a: null }),
      '{"a":null,"z":[{"x":2,"y":1},3,{"b":{"c":2,"d":1}}]}',
    );
  });

  test('numbers use ECMAScript Number::toString (§3.2.2.3)', () => {
    assert.equal(canonicalize(-0), '0');
    assert.equal(canonicalize([-0, 0, 1.0, 1.5, -1.5e-7, 1e21, 1e-7, 123456789012345680000]),
      '[0,0,1,1.5,-1.5e-7,1e+21,1e-7,123456789012345680000]');
    assert.equal(canonicalize(Number.MAX_SAFE_INTEGER), '9007199254740991');
    assert.equal(canonicalize(0.1 + 0.2), '0.30000000000000004');
    for (const bad of [NaN, Infinity, -Infinity]) assertRejects(() => canonicalize(bad), /is not allowed/);
  });

  test('undefined: omitted as an object property, rejected anywhere else', () => {
    assert.equal(canonicalize({ a: undefined, b: 1, c: undefined }), '{"b":1}');
    assert.equal(canonicalize({ a: undefined }), '{}');
    assert.equal(canonicalize([{ a: undefined }]), '[{}]');
    assertRejects(() => canonicalize(undefined), /undefined is not allowed at \$$/);
    assertRejects(() => canonicalize([1, undefined]), /undefined is not allowed at \$\[1\]$/);
    assertRejects(() => canonicalize([1, , 3]), /undefined is not allowed at \$\[1\]$/);
    assertRejects(() => canonicalize(new Array(2)), /at \$\[0\]$/);
  });

  test('bigint, functions and symbols are rejected wherever they appear', () => {
    assertRejects(() => canonicalize(1n), /bigint/);
    assertRejects(() => canonicalize({ a: { b: [1n] } }), /bigint .*at \$\.a\.b\[0\]$/);
    assertRejects(() => canonicalize(() => 1), /function/);
    assertRejects(() => canonicalize({ f() {} }), /function is not allowed at \$\.f$/);
    assertRejects(() => canonicalize([Symbol('s')]), /symbol is not allowed at \$\[0\]$/);
    assertRejects(() => canonicalize({ s: Symbol.iterator }), /symbol/);
    assertRejects(() => canonicalize({ [Symbol('k')]: 1 }), /symbol-keyed property Symbol\(k\)/);
    // Non-enumerable symbol keys are invisible, like any non-enumerable property.
    const hidden = { a: 1 };
    Object.defineProperty(hidden, Symbol('h'), { value: 1, enumerable: false });
    Object.defineProperty(hidden, 'h', { value: 1, enumerable: false });
    assert.equal(canonicalize(hidden), '{"a":1}');
  });

  test('non-plain objects are rejected; toJSON is not consulted', () => {
    class Point {
      x = 1;
    }
    const cases: [unknown, RegExp][] = [
      [new Date(0), /unsupported Date \(only plain objects and arrays are allowed\)/],
      [new Map([[1, 2]]), /Map/],
      [new Set([1]), /Set/],
      [new Point(), /Point/],
      [new Uint8Array([1]), /Uint8Array/],
      [Object(1), /Number/],
      [Object('s'), /String/],
      [Object(true), /Boolean/],
      [/re/, /RegExp/],
      [new Error('e'), /Error/],
      [Promise.resolve(1), /Promise/],
      [Object.create({ inherited: 1 }), /unsupported object with a custom prototype/],
    ];
    for (const [value, message] of cases) {
      assertRejects(() => canonicalize(value), message);
      assertRejects(() => canonicalize({ nested: [value] }), /at \$\.nested\[0\]$/);
    }
    // A plain object whose toJSON is a function is rejected for the function, not converted.
    assertRejects(() => canonicalize({ toJSON: () => 'x' }), /function is not allowed at \$\.toJSON$/);
  });

  test('null-prototype objects and "__proto__" names are plain data', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 1;
    bare.a = 2;
    assert.equal(canonicalize(bare), '{"a":2,"b":1}');
    const parsed: unknown = JSON.parse('{"__proto__":{"x":1},"a":0}');
    assert.equal(canonicalize(parsed), '{"__proto__":{"x":1},"a":0}');
  });

  test('cycles are rejected; shared acyclic references are fine', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    assertRejects(() => canonicalize(o), /cyclic structure at \$\.self$/);
    const arr: unknown[] = [1];
    arr.push({ back: arr });
    assertRejects(() => canonicalize(arr), /cyclic structure at \$\[1\]\.back$/);
    const shared = { s: [1] };
    assert.equal(canonicalize({ a: shared, b: shared, c: [shared, shared] }),
      '{"a":{"s":[1]},"b":{"s":[1]},"c":[{"s":[1]},{"s":[1]}]}');
  });

  test('error locations quote awkward property names', () => {
    assertRejects(() => canonicalize({ 'a b': [NaN] }), /at \$\["a b"\]\[0\]$/);
    assertRejects(() => canonicalize({ ['k'.repeat(100)]: NaN }), /at \$\["k{40}…"\]$/);
  });

  test('very deep nesting does not overflow the call stack', () => {
    const depth = 200_000;
    let deep: unknown = 0;
    for (let i = 0; i < depth; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
    const out = canonicalize(deep);
    assert.equal(out.length, depth / 2 * 2 + depth / 2 * 6 + 1);
  });

  test('canonicalizeToBytes is the UTF-8 encoding of canonicalize (§3.2.4)', () => {
    const value = { '\u20ac': 'caf\u00e9', '\u{1f600}': ['\u0000'] };
    const bytes = canonicalizeToBytes(value);
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual(Buffer.from(bytes), Buffer.from(canonicalize(value), 'utf8'));
    assert.equal(Buffer.from(canonicalizeToBytes({ e: '\u20ac' })).toString('hex'), '7b2265223a22e282ac227d');
  });

  test('isWellFormedUnicode', () => {
    assert.ok(isWellFormedUnicode(''));
    assert.ok(isWellFormedUnicode('abc\u{10ffff}\ud83d\ude00'));
    assert.ok(!isWellFormedUnicode('\ud83d'));
    assert.ok(!isWellFormedUnicode('\ude00\ud83d'));
  });
});

describe('canonicalize: properties (fast-check)', () => {
  const json = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });
  // Strings drawn heavily from the surrogate range, to produce both pairs and lone halves.
  const surrogateHeavy = fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u20ac'),
    ),
    maxLength: 8,
  });

  /** Rebuild `v` with every object's keys inserted in a shuffled order. */
  function shuffleKeys(v: unknown, rand: () => number): unknown {
    if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, rand));
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = rand() % (i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) {
      Object.defineProperty(out, k, { value: shuffleKeys(x, rand), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  test('idempotent under a JSON.parse round trip', () => {
    fc.assert(
      fc.property(json, (v) => {
        const c = canonicalize(v);
        assert.equal(canonicalize(JSON.parse(c)), c);
      }),
      { numRuns: 500 },
    );
  });

  test('independent of property insertion order', () => {
    fc.assert(
      fc.property(json, fc.array(fc.nat(), { minLength: 1, maxLength: 16 }), (v, seeds) => {
        let i = 0;
        const rand = () => seeds[i++ % seeds.length]!;
        assert.equal(canonicalize(shuffleKeys(v, rand)), canonicalize(v));
      }),
      { numRuns: 500 },
    );
  });

  test('denotes the same JSON data as JSON.stringify', () => {
    fc.assert(
      fc.property(json, (v) => {
        assert.deepEqual(JSON.parse(canonicalize(v)), JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500 },
    );
  });

  test('well-formed strings serialize exactly as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        assert.equal(canonicalize(s), JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });

  test('strings are rejected exactly when they contain a lone surrogate', () => {
    fc.assert(
      fc.property(surrogateHeavy, (s) => {
        const lone = /\p{Cs}/u.test(s); // with the u flag, a valid pair is one code point, not Cs
        assert.equal(isWellFormedUnicode(s), !lone);
        if (lone) assertRejects(() => canonicalize(s));
        else assert.equal(canonicalize(s), JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });

  test('finite numbers serialize as ECMAScript does and round-trip', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const c = canonicalize(n);
        assert.equal(c, JSON.stringify(n));
        assert.equal(Number(c), n === 0 ? 0 : n);
      }),
      { numRuns: 2000 },
    );
  });
});
