import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leafHashOfJcs } from '../../../src/ledger/entry.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { hashChildren, hashLeaf } from '../../../src/ledger/merkle/hashing.ts';
import { rangeNodes } from '../../../src/ledger/merkle/tree-math.ts';
import { LeafHasher, VerifyFrontier, concatDigest, foldPeaks } from '../../../src/ledger/verify/verify-hashing.ts';
import { createHash } from 'node:crypto';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('LeafHasher equals leafHashOfJcs for ASCII, multi-byte, lone surrogates, empty and long texts', () => {
  const h = new LeafHasher();
  const texts = ['', '{"a":1}', 'é€😀 ünïcödé', 'lone \ud800 surrogate', 'x'.repeat(20_000), '€'.repeat(9_000), 'short again'];
  for (const t of texts) assert.equal(hex(h.hash(t)), hex(leafHashOfJcs(t)), `text of length ${t.length}`);
});

test('VerifyFrontier gives the MerkleFrontier root and exactly its finalised level ≥ 1 nodes, at every size up to 70', () => {
  const ref = new MerkleFrontier();
  const mine = new VerifyFrontier(true);
  assert.equal(hex(mine.root()), hex(ref.root()));
  for (let i = 0; i < 70; i++) {
    const leaf = hashLeaf(new TextEncoder().encode(`entry ${i}`));
    const expected = ref.append(leaf).filter((n) => n.level > 0);
    mine.append(Buffer.from(leaf));
    const got = mine.takeFinalised();
    const flat: Array<{ level: number; index: number; hash: string }> = [];
    for (let level = 1; level < got.hashes.length; level++) {
      const list = got.hashes[level];
      if (!list) continue;
      list.forEach((h, k) => flat.push({ level, index: (got.first[level] as number) + k, hash: hex(h) }));
    }
    assert.deepEqual(flat, expected.map((n) => ({ level: n.level, index: n.index, hash: hex(n.hash) })));
    assert.equal(mine.size, ref.size);
    assert.equal(hex(mine.root()), hex(ref.root()), `root at size ${i + 1}`);
  }
});

test('a page of appends reports its nodes per level, contiguous and in index order', () => {
  const f = new VerifyFrontier(true);
  for (let i = 0; i < 8; i++) f.append(Buffer.from(hashLeaf(new Uint8Array([i]))));
  const got = f.takeFinalised();
  assert.deepEqual([got.first[1], got.hashes[1]?.length], [0, 4]);
  assert.deepEqual([got.first[2], got.hashes[2]?.length], [0, 2]);
  assert.deepEqual([got.first[3], got.hashes[3]?.length], [0, 1]);
  assert.equal(f.takeFinalised().hashes.length, 0);
});

test('fromPeaks continues a tree; foldPeaks folds peaks into the root', () => {
  const leaves = Array.from({ length: 13 }, (_, i) => hashLeaf(new Uint8Array([i, 1])));
  const ref = new MerkleFrontier();
  for (const l of leaves.slice(0, 6)) ref.append(l);
  const peaks = ref.peaks();
  assert.deepEqual(peaks.map((p) => [p.level, p.index]), rangeNodes(0, 6).map((n) => [n.level, n.index]));
  assert.equal(hex(foldPeaks(peaks.map((p) => p.hash))), hex(ref.root()));
  const f = VerifyFrontier.fromPeaks(6, peaks.map((p) => p.hash));
  for (const l of leaves.slice(6)) {
    ref.append(l);
    f.append(Buffer.from(l));
  }
  assert.equal(hex(f.root()), hex(ref.root()));
  assert.equal(hex(f.hashChildren(leaves[0]!, leaves[1]!)), hex(hashChildren(leaves[0]!, leaves[1]!)));
});

test('concatDigest is SHA-256 of the concatenation', () => {
  const parts = [new Uint8Array([1, 2]), new Uint8Array([3])];
  assert.equal(hex(concatDigest(parts)), createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex'));
  assert.equal(hex(concatDigest([])), createHash('sha256').digest('hex'));
});
