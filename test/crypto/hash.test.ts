import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  hashCanonical,
  isSha256Ref,
  sha256Bytes,
  sha256Hex,
  type Sha256Ref,
} from '../../src/crypto/hash.ts';
import { isWritError } from '../../src/errors/writ-error.ts';

// FIPS 180-4 / NIST CAVP example vectors.
const VECTORS: [string, string][] = [
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

describe('sha256Hex / sha256Bytes', () => {
  for (const [input, hex] of VECTORS) {
    const label = input.length > 20 ? `${input.slice(0, 12)}… (${input.length} chars)` : JSON.stringify(input);
    test(`known vector ${label}`, () => {
      assert.equal(sha256Hex(input), hex);
      assert.equal(sha256Hex(new TextEncoder().encode(input)), hex);
      const bytes = sha256Bytes(input);
      assert.ok(bytes instanceof Uint8Array);
      assert.equal(bytes.length, 32);
      assert.equal(Buffer.from(bytes).toString('hex'), hex);
    });
  }

  test('strings are hashed as UTF-8', () => {
    assert.equal(sha256Hex('caf\u00e9'), sha256Hex(new Uint8Array([0x63, 0x61, 0x66, 0xc3, 0xa9])));
    assert.equal(sha256Hex('\u{1f600}'), sha256Hex(new Uint8Array([0xf0, 0x9f, 0x98, 0x80])));
  });

  test('strings with a lone surrogate are rejected, not silently replaced by U+FFFD', () => {
    for (const bad of ['\ud800', 'a\udead', '\ude00\ud83d']) {
      assert.throws(() => sha256Hex(bad), (e: unknown) => isWritError(e, 'BAD_REQUEST'));
      assert.throws(() => sha256Bytes(bad), (e: unknown) => isWritError(e, 'BAD_REQUEST'));
    }
  });

  test('hashes views of larger buffers by their own bytes only', () => {
    const backing = new Uint8Array([0x78, 0x61, 0x62, 0x63, 0x78]);
    assert.equal(sha256Hex(backing.subarray(1, 4)), VECTORS[1]![1]);
  });

  test('hex output is 64 lowercase hex digits and matches the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (data) => {
        const hex = sha256Hex(data);
        assert.match(hex, /^[0-9a-f]{64}$/);
        assert.equal(Buffer.from(sha256Bytes(data)).toString('hex'), hex);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hashCanonical', () => {
  test('known values (sha256 of the canonical text, computed independently)', () => {
    // printf '%s' '{}' | sha256sum, etc.
    assert.equal(hashCanonical({}), 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    assert.equal(
      hashCanonical({ b: 1, a: 2 }),
      'sha256:d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772',
    );
    assert.equal(hashCanonical(''), `sha256:${sha256Hex('""')}`);
  });

  test('hashes the RFC 8785 fixture output bytes', () => {
    const fixtures = new URL('../fixtures/rfc8785/', import.meta.url);
    for (const name of ['arrays', 'weird', 'values', 'french']) {
      const input: unknown = JSON.parse(readFileSync(new URL(`input/${name}.json`, fixtures), 'utf8'));
      const expected = readFileSync(new URL(`output/${name}.json`, fixtures));
      assert.equal(hashCanonical(input), `sha256:${sha256Hex(new Uint8Array(expected))}`, name);
    }
    // printf '%s' '[56,{"1":[],"10":null,"d":true}]' | sha256sum
    assert.equal(
      hashCanonical(JSON.parse('[56, {"d": true, "10": null, "1": [ ]}]')),
      'sha256:099601b171cafed97c333f8878d68e7f8c8f795412adb34b2fdcf0e7c7beac42',
    );
  });

  test('equal data gives equal refs regardless of key order or number spelling', () => {
    assert.equal(hashCanonical(JSON.parse('{"x":1.50,"y":[1E2]}')), hashCanonical({ y: [100], x: 1.5 }));
    assert.equal(hashCanonical({ a: -0 }), hashCanonical({ a: 0 }));
    assert.notEqual(hashCanonical({ a: 1 }), hashCanonical({ a: '1' }));
  });

  test('returns a valid Sha256Ref', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const ref: Sha256Ref = hashCanonical(v);
        const plain: `sha256:${string}` = ref;
        assert.ok(isSha256Ref(plain));
      }),
      { numRuns: 200 },
    );
  });

  test('rejects values JCS rejects', () => {
    for (const bad of [NaN, { a: undefined, b: [undefined] }, 1n, new Date(0), '\udead']) {
      assert.throws(() => hashCanonical(bad), (e: unknown) => isWritError(e, 'JCS_INVALID_INPUT'));
    }
  });
});

describe('isSha256Ref', () => {
  const hex = 'ab'.repeat(32);

  test('accepts exactly sha256: + 64 lowercase hex digits', () => {
    assert.ok(isSha256Ref(`sha256:${hex}`));
    assert.ok(isSha256Ref(`sha256:${'0123456789abcdef'.repeat(4)}`));
  });

  test('rejects everything else', () => {
    const bad: unknown[] = [
      hex,
      `sha256:${hex.toUpperCase()}`,
      `SHA256:${hex}`,
      `sha512:${hex}`,
      `sha256:${hex.slice(1)}`,
      `sha256:${hex}0`,
      `sha256:${hex}\n`,
      ` sha256:${hex}`,
      `sha256: ${hex.slice(1)}`,
      `sha256:${hex.slice(1)}g`,
      'sha256:',
      '',
      null,
      undefined,
      42,
      { toString: () => `sha256:${hex}` },
    ];
    for (const value of bad) assert.equal(isSha256Ref(value), false, String(value));
  });
});
