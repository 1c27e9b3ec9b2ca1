// Property tests (fast-check): O(log n) reader-based proofs vs the RFC 9162 reference, and
// rejection of corrupted proofs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inclusionProof } from '../../../src/ledger/merkle/inclusion.ts';
import { consistencyProof } from '../../../src/ledger/merkle/consistency.ts';
import { planConsistency, planInclusion } from '../../../src/ledger/merkle/proof-plan.ts';
import { referenceConsistencyProof, referenceInclusionProof } from '../../../src/ledger/merkle/reference.ts';
import { verifyInclusion } from '../../../src/ledger/merkle/verify-inclusion.ts';
import { verifyConsistency } from '../../../src/ledger/merkle/verify-consistency.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { merkleTreeHash } from '../../../src/ledger/merkle/root.ts';
import { isPowerOfTwo } from '../../../src/ledger/merkle/tree-math.ts';
import { RecordingReader, buildStore, flipBit, syntheticLeaves } from './helpers.ts';

const MAX = 300;
const leaves = syntheticLeaves(MAX);
const { store } = buildStore(leaves);
const roots: Uint8Array[] = [];
{
  const f = new MerkleFrontier();
  roots.push(f.root());
  for (const h of leaves) {
    f.append(h);
    roots.push(f.root());
  }
}
const root = (n: number): Uint8Array => roots[n]!;
const maxIds = (n: number): number => Math.floor(2 * Math.log2(n)) + 2;
const RUNS = { numRuns: 300 };

/** A tree size in [1, MAX] and a leaf index in it. */
const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));
/** 0 < m < n <= MAX. */
const properSizes = fc.integer({ min: 2, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n)));

/**
 * Which side each sibling of an inclusion path is on, derived from the §2.1.3.1 plan
 * (independently of the §2.1.3.2 verifier). Two (index, size) pairs with the same shape
 * hash a proof identically, so they accept the same proofs.
 */
const inclusionShape = (m: number, n: number): string | undefined =>
  m < n ? planInclusion(m, n).map((e) => (e.end <= m ? 'L' : 'R')).join('') : undefined;

/** Same for consistency proofs: P when the old root seeds the chain, then B (both roots) / R (new root only). */
function consistencyShape(m: number, n: number): string | undefined {
  if (!(m > 0 && m < n)) return undefined;
  const plan = planConsistency(m, n);
  const chained = isPowerOfTwo(m) ? plan : plan.slice(1);
  return (isPowerOfTwo(m) ? 'P' : 'X') + chained.map((e) => (e.end <= m ? 'B' : 'R')).join('');
}

describe('inclusion proofs (property)', () => {
  test('reader-based proof = reference proof, verifies, one batch of <= 2·log2(n)+2 ids', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, async ([n, m]) => {
        const reader = new RecordingReader(store);
        const proof = await inclusionProof(reader, m, n);
        assert.deepEqual(proof, referenceInclusionProof(leaves.slice(0, n), m));
        assert.ok(verifyInclusion(leaves[m]!, m, n, proof, root(n)));
        assert.equal(reader.calls.length, proof.length > 0 ? 1 : 0);
        for (const ids of reader.calls) assert.ok(ids.length <= maxIds(n), `${ids.length} ids for n=${n}`);
      }),
      RUNS,
    );
  });

  test('any single-bit flip in the leaf hash, a proof element or the root fails', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, fc.nat(), fc.integer({ min: 0, max: 255 }), async ([n, m], which, bit) => {
        const proof = await inclusionProof(store, m, n);
        let leaf = leaves[m]!;
        let r = root(n);
        const target = which % (proof.length + 2);
        if (target === proof.length) leaf = flipBit(leaf, bit);
        else if (target === proof.length + 1) r = flipBit(r, bit);
        else proof[target] = flipBit(proof[target]!, bit);
        assert.ok(!verifyInclusion(leaf, m, n, proof, r));
      }),
      RUNS,
    );
  });

  test('any other leaf index fails', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, fc.integer({ min: 0, max: MAX + 50 }), async ([n, m], other) => {
        fc.pre(other !== m);
        const proof = await inclusionProof(store, m, n);
        assert.ok(!verifyInclusion(leaves[m]!, other, n, proof, root(n)));
      }),
      RUNS,
    );
  });

  test('another tree size fails unless it hashes the path identically (RFC 9162 does not bind the size)', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, fc.integer({ min: 0, max: MAX + 50 }), async ([n, m], other) => {
        fc.pre(other !== n);
        const proof = await inclusionProof(store, m, n);
        const same = inclusionShape(m, other) === inclusionShape(m, n);
        assert.equal(verifyInclusion(leaves[m]!, m, other, proof, root(n)), same, `m=${m} n=${n} other=${other}`);
      }),
      RUNS,
    );
    // The smallest such case: leaf 0 with its size-3 proof also "verifies" as size 4.
    const p3 = await inclusionProof(store, 0, 3);
    assert.ok(verifyInclusion(leaves[0]!, 0, 4, p3, root(3)));
    assert.ok(!verifyInclusion(leaves[0]!, 0, 4, p3, root(4)));
  });

  test('exhaustive for n <= 33: every wrong index fails, every proof matches the reference', async () => {
    for (let n = 1; n <= 33; n++) {
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(store, m, n);
        assert.deepEqual(proof, referenceInclusionProof(leaves.slice(0, n), m));
        for (let other = 0; other <= n; other++) {
          assert.equal(verifyInclusion(leaves[m]!, other, n, proof, root(n)), other === m, `${m}->${other}/${n}`);
        }
      }
    }
  });
});

describe('consistency proofs (property)', () => {
  test('reader-based proof = reference proof, verifies, at most one batch of <= 2·log2(n)+2 ids', async () => {
    const sizes = fc.integer({ min: 0, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    await fc.assert(
      fc.asyncProperty(sizes, async ([m, n]) => {
        const reader = new RecordingReader(store);
        const proof = await consistencyProof(reader, m, n);
        assert.deepEqual(proof, referenceConsistencyProof(leaves.slice(0, n), m));
        assert.ok(verifyConsistency(m, n, proof, root(m), root(n)));
        assert.equal(reader.calls.length, proof.length > 0 ? 1 : 0);
        for (const ids of reader.calls) assert.ok(ids.length <= maxIds(n), `${ids.length} ids for n=${n}`);
      }),
      RUNS,
    );
  });

  test('any single-bit flip in a proof element or either root fails', async () => {
    await fc.assert(
      fc.asyncProperty(properSizes, fc.nat(), fc.integer({ min: 0, max: 255 }), async ([m, n], which, bit) => {
        const proof = await consistencyProof(store, m, n);
        let r1 = root(m);
        let r2 = root(n);
        const target = which % (proof.length + 2);
        if (target === proof.length) r1 = flipBit(r1, bit);
        else if (target === proof.length + 1) r2 = flipBit(r2, bit);
        else proof[target] = flipBit(proof[target]!, bit);
        assert.ok(!verifyConsistency(m, n, proof, r1, r2));
      }),
      RUNS,
    );
  });

  test('any other old size fails', async () => {
    await fc.assert(
      fc.asyncProperty(properSizes, fc.integer({ min: 0, max: MAX + 50 }), async ([m, n], other) => {
        fc.pre(other !== m);
        const proof = await consistencyProof(store, m, n);
        const oldRoot = other <= MAX ? root(other) : root(m);
        assert.ok(!verifyConsistency(other, n, proof, root(m), root(n)));
        assert.ok(!verifyConsistency(other, n, proof, oldRoot, root(n)));
      }),
      RUNS,
    );
  });

  test('another new size fails unless it hashes the proof identically (RFC 9162 does not bind the size)', async () => {
    await fc.assert(
      fc.asyncProperty(properSizes, fc.integer({ min: 0, max: MAX + 50 }), async ([m, n], other) => {
        fc.pre(other !== n);
        const proof = await consistencyProof(store, m, n);
        const same = consistencyShape(m, other) === consistencyShape(m, n);
        assert.equal(verifyConsistency(m, other, proof, root(m), root(n)), same, `m=${m} n=${n} other=${other}`);
      }),
      RUNS,
    );
    // The smallest such case: 1 -> 3 proof also "verifies" as 1 -> 4 against the size-3 root.
    const p = await consistencyProof(store, 1, 3);
    assert.ok(verifyConsistency(1, 4, p, root(1), root(3)));
    assert.ok(!verifyConsistency(1, 4, p, root(1), root(4)));
  });

  test('truncated, extended or reordered proofs fail', async () => {
    await fc.assert(
      fc.asyncProperty(properSizes, fc.nat(), async ([m, n], k) => {
        const proof = await consistencyProof(store, m, n);
        const i = k % proof.length;
        assert.ok(!verifyConsistency(m, n, proof.slice(0, -1), root(m), root(n)));
        assert.ok(!verifyConsistency(m, n, [...proof, proof[i]!], root(m), root(n)));
        assert.ok(!verifyConsistency(m, n, [proof[i]!, ...proof], root(m), root(n)));
        assert.ok(!verifyConsistency(m, n, proof.filter((_, j) => j !== i), root(m), root(n)));
        if (proof.length > 1) {
          const swapped = [...proof];
          const j = (i + 1) % proof.length;
          [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
          assert.ok(!verifyConsistency(m, n, swapped, root(m), root(n)));
        }
      }),
      RUNS,
    );
  });

  test('roots from the reference MTH agree with the frontier for every size', () => {
    for (let n = 0; n <= MAX; n += 7) assert.deepEqual(root(n), merkleTreeHash(leaves.slice(0, n)));
  });
});
