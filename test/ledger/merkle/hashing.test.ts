import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  HASH_SIZE,
  emptyTreeHash,
  hashChildren,
  hashEquals,
  hashLeaf,
  isHash,
} from '../../../src/ledger/merkle/hashing.ts';
import { fromHex, hex } from './helpers.ts';

const sha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('RFC 9162 §2.1.1 hashing', () => {
  test('hashLeaf = SHA-256(0x00 || data)', () => {
    // RFC 6962 leaf hash of the empty entry (transparency-dev/merkle verify_test.go roots[0]).
    assert.equal(hex(hashLeaf(new Uint8Array())), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const data = fromHex('5051525354555657');
    assert.equal(hex(hashLeaf(data)), sha256(new Uint8Array([0]), data));
  });

  test('hashChildren = SHA-256(0x01 || left || right)', () => {
    const l = hashLeaf(new Uint8Array());
    const r = hashLeaf(fromHex('00'));
    assert.equal(hex(hashChildren(l, r)), 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125');
    assert.equal(hex(hashChildren(l, r)), sha256(new Uint8Array([1]), l, r));
    assert.notEqual(hex(hashChildren(l, r)), hex(hashChildren(r, l)));
  });

  test('leaf and node hashing are domain separated', () => {
    const l = hashLeaf(new Uint8Array());
    const r = hashLeaf(new Uint8Array());
    const concat = new Uint8Array([...l, ...r]);
    assert.notEqual(hex(hashLeaf(concat)), hex(hashChildren(l, r)));
  });

  test('emptyTreeHash is SHA-256 of nothing, returned as a fresh copy', () => {
    const e = emptyTreeHash();
    assert.equal(hex(e), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    e[0] = 0;
    assert.equal(hex(emptyTreeHash()).slice(0, 2), 'e3');
  });

  test('results are plain 32-byte Uint8Arrays, not Buffers', () => {
    for (const h of [hashLeaf(new Uint8Array()), hashChildren(emptyTreeHash(), emptyTreeHash()), emptyTreeHash()]) {
      assert.equal(h.length, HASH_SIZE);
      assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
    }
  });

  test('isHash and hashEquals', () => {
    const h = hashLeaf(new Uint8Array());
    assert.ok(isHash(h));
    assert.ok(!isHash(new Uint8Array(31)));
    assert.ok(!isHash(new Uint8Array(33)));
    assert.ok(!isHash('x'.repeat(32)));
    assert.ok(!isHash(Array.from(h)));
    assert.ok(hashEquals(h, Uint8Array.from(h)));
    assert.ok(!hashEquals(h, emptyTreeHash()));
    assert.ok(!hashEquals(h.subarray(0, 31), h.subarray(0, 31)));
    assert.ok(!hashEquals(new Uint8Array(), new Uint8Array()));
  });
});
