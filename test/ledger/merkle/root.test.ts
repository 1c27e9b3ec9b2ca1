import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyTreeHash, hashChildren, hashLeaf } from '../../../src/ledger/merkle/hashing.ts';
import { merkleTreeHash } from '../../../src/ledger/merkle/root.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { fromHex, hex, syntheticLeaves } from './helpers.ts';

interface GoTables {
  leaves: string[];
  roots: string[];
}
const tables = JSON.parse(
  readFileSync(new URL('../../fixtures/transparency-dev/verify-test-go.json', import.meta.url), 'utf8'),
) as GoTables;
const refLeafHashes = tables.leaves.map((l) => hashLeaf(fromHex(l)));

describe('merkleTreeHash (RFC 9162 §2.1.1)', () => {
  test('RFC 6962 reference roots for the 8 standard leaves, sizes 1..8', () => {
    assert.equal(tables.roots.length, 8);
    for (let n = 1; n <= 8; n++) {
      assert.equal(hex(merkleTreeHash(refLeafHashes.slice(0, n))), tables.roots[n - 1], `size ${n}`);
    }
  });

  test('empty tree and single leaf', () => {
    assert.deepEqual(merkleTreeHash([]), emptyTreeHash());
    const [h] = syntheticLeaves(1);
    assert.deepEqual(merkleTreeHash([h!]), h);
  });

  test('splits at the largest power of two below n', () => {
    const l = syntheticLeaves(5);
    const left = hashChildren(hashChildren(l[0]!, l[1]!), hashChildren(l[2]!, l[3]!));
    assert.deepEqual(merkleTreeHash(l), hashChildren(left, l[4]!));
    assert.deepEqual(merkleTreeHash(l, 1, 3), hashChildren(l[1]!, l[2]!));
    assert.deepEqual(merkleTreeHash(l, 2, 2), emptyTreeHash());
  });

  test('rejects bad ranges and non-hash leaves', () => {
    const l = syntheticLeaves(3);
    for (const [s, e] of [[-1, 2], [2, 1], [0, 4], [0.5, 2]] as [number, number][]) {
      assert.throws(() => merkleTreeHash(l, s, e), (err) => isWritError(err, 'BAD_REQUEST'));
    }
    assert.throws(() => merkleTreeHash([l[0]!, new Uint8Array(31)]), (err) => isWritError(err, 'BAD_REQUEST'));
  });
});

describe('MerkleFrontier', () => {
  test('root after each append equals MTH of the prefix, sizes 0..300', () => {
    const leaves = syntheticLeaves(300);
    const f = new MerkleFrontier();
    assert.deepEqual(f.root(), emptyTreeHash());
    for (let n = 1; n <= leaves.length; n++) {
      f.append(leaves[n - 1]!);
      assert.equal(f.size, n);
      assert.deepEqual(f.root(), merkleTreeHash(leaves.slice(0, n)), `size ${n}`);
      assert.equal(f.peaks().length, n.toString(2).replace(/0/g, '').length);
    }
  });

  test('RFC 6962 reference roots via the frontier', () => {
    const f = new MerkleFrontier();
    refLeafHashes.forEach((h, i) => {
      f.append(h);
      assert.equal(hex(f.root()), tables.roots[i]);
    });
  });

  test('append reports exactly the complete subtrees that become final', () => {
    const n = 130;
    const leaves = syntheticLeaves(n);
    const f = new MerkleFrontier();
    const seen = new Map<string, Uint8Array>();
    for (let i = 0; i < n; i++) {
      const finalised = f.append(leaves[i]!);
      // Bottom-up: the leaf, then one parent per trailing one-bit of i.
      assert.deepEqual(finalised[0], { level: 0, index: i, hash: leaves[i] });
      let trailingOnes = 0;
      for (let x = i; x % 2 === 1; x = (x - 1) / 2) trailingOnes++;
      assert.equal(finalised.length, 1 + trailingOnes);
      finalised.forEach((node, j) => {
        assert.equal(node.level, j);
        const width = 2 ** node.level;
        // It ends exactly at the new size, so it is complete and final now.
        assert.equal((node.index + 1) * width, i + 1);
        assert.deepEqual(node.hash, merkleTreeHash(leaves, node.index * width, (node.index + 1) * width));
        const key = `${node.level}/${node.index}`;
        assert.ok(!seen.has(key), `reported twice: ${key}`);
        seen.set(key, node.hash);
      });
    }
    // Every complete subtree inside [0, n) was reported once: sum_l floor(n / 2^l) = 2n - popcount(n).
    assert.equal(seen.size, 2 * n - n.toString(2).replace(/0/g, '').length);
  });

  test('peaks round-trip through fromPeaks', () => {
    const leaves = syntheticLeaves(45);
    const f = new MerkleFrontier();
    for (let i = 0; i < 23; i++) f.append(leaves[i]!);
    const peaks = f.peaks();
    assert.deepEqual(
      peaks.map(({ level, index }) => [level, index]),
      [[4, 0], [2, 4], [1, 10], [0, 22]],
    );
    const g = MerkleFrontier.fromPeaks(f.size, peaks.map((p) => p.hash));
    for (let i = 23; i < 45; i++) {
      assert.deepEqual(g.append(leaves[i]!), f.append(leaves[i]!));
      assert.deepEqual(g.root(), f.root());
    }
    assert.deepEqual(MerkleFrontier.fromPeaks(0, []).root(), emptyTreeHash());
  });

  test('fromPeaks and append validate their input', () => {
    const [h] = syntheticLeaves(1);
    const bad = (fn: () => unknown) => assert.throws(fn, (e) => isWritError(e, 'BAD_REQUEST'));
    bad(() => MerkleFrontier.fromPeaks(3, [h!]));
    bad(() => MerkleFrontier.fromPeaks(1, [new Uint8Array(31)]));
    bad(() => MerkleFrontier.fromPeaks(-1, []));
    bad(() => new MerkleFrontier().append(new Uint8Array(33)));
  });

  test('internal state is not aliased by inputs or outputs', () => {
    const [a, b] = syntheticLeaves(2);
    const f = new MerkleFrontier();
    const input = Uint8Array.from(a!);
    const out = f.append(input);
    input.fill(0);
    out[0]!.hash.fill(0);
    f.peaks()[0]!.hash.fill(0);
    f.root().fill(0);
    f.append(b!);
    assert.deepEqual(f.root(), hashChildren(a!, b!));
  });
});
