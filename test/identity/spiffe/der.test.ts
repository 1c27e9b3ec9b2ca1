import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  children, DerError, derBoolean, derInteger, derNamedBits, derOid, derSequence, derTime, readBitPositions, readBoolean, readOid, readSmallInt, readTime, readTlv,
} from '../../../src/identity/spiffe/der.ts';
import { p1363ToDer } from '../../../src/identity/spiffe/x509-issue.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('writer: known encodings', () => {
  assert.equal(hex(derOid('2.5.29.17')), '0603551d11');
  assert.equal(hex(derOid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302');
  assert.equal(hex(derInteger(0n)), '020100');
  assert.equal(hex(derInteger(128n)), '02020080');
  assert.equal(hex(derInteger(Uint8Array.from([0, 0, 0x7f]))), '02017f');
  assert.equal(hex(derBoolean(true)), '0101ff');
  assert.equal(hex(derNamedBits([5, 6])), '03020106'); // keyCertSign + cRLSign
  assert.equal(hex(derNamedBits([0])), '03020780'); // digitalSignature
  assert.equal(hex(derSequence(new Uint8Array(200))).slice(0, 6), '3081c8');
  assert.equal(hex(p1363ToDer(Uint8Array.from([0x80, 1]))), '3007020200800201' + '01');
});

test('times: UTCTime through 2049, GeneralizedTime from 2050, both read back', () => {
  for (const iso of ['1950-01-01T00:00:00.000Z', '2026-06-01T12:34:56.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '9999-12-31T23:59:59.000Z']) {
    const enc = derTime(new Date(iso));
    assert.equal(enc[0], new Date(iso).getUTCFullYear() < 2050 ? 0x17 : 0x18, iso);
    assert.equal(readTime(readTlv(enc, 0)).toISOString(), iso);
  }
  assert.throws(() => readTime(readTlv(Buffer.from('170d3236313333313030303030305a', 'hex'), 0)), DerError); // month 13
  assert.throws(() => readTime(readTlv(Buffer.from('170d3236303130313030303030302b', 'hex'), 0)), DerError); // not Z
});

test('reader: strict lengths, booleans, integers, bit strings', () => {
  assert.throws(() => readTlv(Uint8Array.from([0x30, 0x80, 0, 0]), 0), /indefinite/);
  assert.throws(() => readTlv(Uint8Array.from([0x30, 0x81, 0x05, 0, 0, 0, 0, 0]), 0), /non-minimal/);
  assert.throws(() => readTlv(Uint8Array.from([0x30, 0x05, 0]), 0), /truncated/);
  assert.throws(() => readTlv(Uint8Array.from([0x1f, 0x01, 0]), 0), /multi-byte/);
  assert.throws(() => readBoolean(readTlv(Uint8Array.from([1, 1, 1]), 0)), /BOOLEAN/);
  assert.throws(() => readSmallInt(readTlv(Uint8Array.from([2, 2, 0, 1]), 0)), /non-minimal/);
  assert.throws(() => readSmallInt(readTlv(Uint8Array.from([2, 1, 0x80]), 0)), /INTEGER/);
  assert.deepEqual(readBitPositions(readTlv(derNamedBits([0, 4, 8]), 0)), [0, 4, 8]);
  assert.throws(() => readBitPositions(readTlv(Uint8Array.from([3, 1, 3]), 0)), /BIT STRING/);
  assert.throws(() => children(readTlv(Uint8Array.from([2, 1, 0]), 0)), /constructed/);
});

test('property: OIDs and named bits round-trip; random bytes never crash the reader except with DerError', () => {
  const oid = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 6 }))
    .map(([a, b, rest]) => [a, b, ...rest].join('.'));
  fc.assert(fc.property(oid, (o) => readOid(readTlv(derOid(o), 0)) === o), { numRuns: 500 });
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1 }), (bits) => {
    return JSON.stringify(readBitPositions(readTlv(derNamedBits(bits), 0))) === JSON.stringify([...bits].sort((x, y) => x - y));
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    try {
      const t = readTlv(bytes, 0);
      if (t.tag & 0x20) children(t);
      return t.end <= bytes.length;
    } catch (err) {
      return err instanceof DerError;
    }
  }), { numRuns: 1000 });
});
