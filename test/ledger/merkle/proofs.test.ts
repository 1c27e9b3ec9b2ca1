import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inclusionProof } from '../../../src/ledger/merkle/inclusion.ts';
import { consistencyProof } from '../../../src/ledger/merkle/consistency.ts';
import {
  fetchProof,
  planConsistency,
  planInclusion,
  planNodeIds,
} from '../../../src/ledger/merkle/proof-plan.ts';
import { referenceConsistencyProof, referenceInclusionProof } from '../../../src/ledger/merkle/reference.ts';
import { merkleTreeHash } from '../../../src/ledger/merkle/root.ts';
import { verifyConsistency } from '../../../src/ledger/merkle/verify-consistency.ts';
import { verifyInclusion } from '../../../src/ledger/merkle/verify-inclusion.ts';
import type { SubtreeHashReader } from '../../../src/ledger/merkle/subtree-store.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { RecordingReader, buildStore, syntheticLeaves } from './helpers.ts';

const ranges = (plan: { start: number; end: number }[]): [number, number][] => plan.map((e) => [e.start, e.end]);

// The 7-leaf example tree of RFC 9162 §2.1.5 (RFC 6962 §2.1.3):
//   hash = H(k, l); k = H(g, h); l = H(i, j); g = H(a, b); h = H(c, d); i = H(e, f); j = d6
const a: [number, number] = [0, 1], b: [number, number] = [1, 2], c: [number, number] = [2, 3], d: [number, number] = [3, 4];
const f: [number, number] = [5, 6], g: [number, number] = [0, 2], h: [number, number] = [2, 4], i: [number, number] = [4, 6];
const j: [number, number] = [6, 7], k: [number, number] = [0, 4], l: [number, number] = [4, 7];

describe('proof plans follow the RFC 9162 §2.1.5 examples', () => {
  test('inclusion paths', () => {
    assert.deepEqual(ranges(planInclusion(0, 7)), [b, h, l]);
    assert.deepEqual(ranges(planInclusion(3, 7)), [c, g, l]);
    assert.deepEqual(ranges(planInclusion(4, 7)), [f, j, k]);
    assert.deepEqual(ranges(planInclusion(6, 7)), [i, k]);
    assert.deepEqual(ranges(planInclusion(1, 7)), [a, h, l]);
    assert.deepEqual(ranges(planInclusion(0, 1)), []);
  });

  test('consistency proofs', () => {
    assert.deepEqual(ranges(planConsistency(3, 7)), [c, d, g, l]);
    assert.deepEqual(ranges(planConsistency(4, 7)), [l]);
    assert.deepEqual(ranges(planConsistency(6, 7)), [i, j, k]);
  });

  test('the incomplete right-edge element is split into complete subtrees', () => {
    const plan = planInclusion(0, 7);
    assert.deepEqual(plan[2]!.nodes, [{ level: 1, index: 2 }, { level: 0, index: 6 }]);
    assert.deepEqual(planNodeIds(plan), [
      { level: 0, index: 1 },
      { level: 1, index: 1 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
  });

  test('plans reject out-of-range arguments', () => {
    for (const [m, n] of [[0, 0], [3, 3], [-1, 4], [1.5, 4], [0, 2 ** 53]] as [number, number][]) {
      assert.throws(() => planInclusion(m, n), (e) => isWritError(e, 'BAD_REQUEST'), `inclusion ${m},${n}`);
    }
    for (const [m, n] of [[0, 4], [4, 4], [5, 4], [-1, 4], [1, 2 ** 53]] as [number, number][]) {
      assert.throws(() => planConsistency(m, n), (e) => isWritError(e, 'BAD_REQUEST'), `consistency ${m},${n}`);
    }
  });

  test('node reads are bounded by 2·log2(n) + 2 for every (m, n) with n <= 512', () => {
    let worst = 0;
    for (let n = 1; n <= 512; n++) {
      const bound = Math.floor(2 * Math.log2(n)) + 2;
      for (let m = 0; m < n; m++) {
        const incl = planNodeIds(planInclusion(m, n)).length;
        const cons = m === 0 ? 0 : planNodeIds(planConsistency(m, n)).length;
        assert.ok(incl <= bound && cons <= bound, `m=${m} n=${n}: ${incl}, ${cons} > ${bound}`);
        worst = Math.max(worst, incl, cons);
      }
    }
    assert.equal(worst, 17); // e.g. consistency 3 -> 511: 9 complete elements + the 8 pieces of D[256:511]
  });

  test('plans stay logarithmic for sizes beyond 32 bits', () => {
    const n = 2 ** 45 + 2 ** 33 + 12345;
    const incl = planInclusion(n - 1, n);
    assert.ok(incl.length <= 46);
    assert.ok(planNodeIds(incl).length <= 2 * 46 + 2);
    const cons = planConsistency(2 ** 40 + 7, n);
    assert.ok(cons.length <= 47);
    for (const id of planNodeIds(cons)) assert.ok((id.index + 1) * 2 ** id.level <= n);
  });
});

describe('inclusionProof / consistencyProof via a SubtreeHashReader', () => {
  const leaves = syntheticLeaves(21);
  const { store } = buildStore(leaves);

  test('match the reference for every (index, size) and (old, new) up to 21', async () => {
    for (let n = 1; n <= 21; n++) {
      const root = merkleTreeHash(leaves.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(store, m, n);
        assert.deepEqual(proof, referenceInclusionProof(leaves.slice(0, n), m), `incl ${m}/${n}`);
        assert.ok(verifyInclusion(leaves[m]!, m, n, proof, root));
      }
      for (let m = 0; m <= n; m++) {
        const proof = await consistencyProof(store, m, n);
        assert.deepEqual(proof, referenceConsistencyProof(leaves.slice(0, n), m), `cons ${m}/${n}`);
        assert.ok(verifyConsistency(m, n, proof, merkleTreeHash(leaves.slice(0, m)), root), `cons ${m}/${n}`);
      }
    }
  });

  test('one batch read, only for non-empty proofs, only of complete subtrees inside the tree', async () => {
    const reader = new RecordingReader(store);
    assert.deepEqual(await inclusionProof(reader, 0, 1), []);
    assert.deepEqual(await consistencyProof(reader, 5, 5), []);
    assert.deepEqual(await consistencyProof(reader, 0, 9), []);
    assert.equal(reader.calls.length, 0);

    await inclusionProof(reader, 2, 13);
    await consistencyProof(reader, 6, 13);
    assert.equal(reader.calls.length, 2);
    for (const ids of reader.calls) {
      for (const id of ids) assert.ok((id.index + 1) * 2 ** id.level <= 13, JSON.stringify(id));
      assert.equal(new Set(ids.map((id) => `${id.level}/${id.index}`)).size, ids.length);
    }
  });

  test('a store fed exactly up to the tree size suffices', async () => {
    for (const n of [1, 2, 5, 8, 13]) {
      const { store: small } = buildStore(leaves.slice(0, n));
      for (let m = 0; m < n; m++) await inclusionProof(small, m, n);
      for (let m = 0; m <= n; m++) await consistencyProof(small, m, n);
    }
  });

  test('argument errors are BAD_REQUEST', async () => {
    const bad = (p: Promise<unknown>) => assert.rejects(p, (e) => isWritError(e, 'BAD_REQUEST'));
    await bad(inclusionProof(store, 3, 3));
    await bad(inclusionProof(store, 0, 0));
    await bad(inclusionProof(store, -1, 3));
    await bad(inclusionProof(store, 0.5, 3));
    await bad(consistencyProof(store, 4, 3));
    await bad(consistencyProof(store, -1, 3));
    await bad(consistencyProof(store, 1, 2 ** 53));
  });

  test('reader failures and malformed answers are LEDGER_INTEGRITY', async () => {
    const integrity = (p: Promise<unknown>) => assert.rejects(p, (e) => isWritError(e, 'LEDGER_INTEGRITY'));
    const { store: partial } = buildStore(leaves.slice(0, 4));
    await integrity(inclusionProof(partial, 0, 8)); // nodes beyond 4 leaves are missing
    const readers: SubtreeHashReader[] = [
      { getNodes: async () => [] },
      { getNodes: async (ids) => ids.map(() => new Uint8Array(31)) },
      { getNodes: async () => Promise.reject(new Error('db down')) },
      { getNodes: async (ids) => [...ids.map(() => new Uint8Array(32)), new Uint8Array(32)] },
    ];
    for (const reader of readers) {
      await integrity(inclusionProof(reader, 1, 6));
      await integrity(consistencyProof(reader, 3, 6));
    }
  });

  test('fetchProof of an empty plan does not read', async () => {
    const reader = new RecordingReader(store);
    assert.deepEqual(await fetchProof(reader, []), []);
    assert.equal(reader.calls.length, 0);
  });
});

describe('reference implementation', () => {
  test('rejects out-of-range arguments', () => {
    const leaves = syntheticLeaves(4);
    assert.throws(() => referenceInclusionProof(leaves, 4), (e) => isWritError(e, 'BAD_REQUEST'));
    assert.throws(() => referenceInclusionProof([], 0), (e) => isWritError(e, 'BAD_REQUEST'));
    assert.throws(() => referenceConsistencyProof(leaves, 5), (e) => isWritError(e, 'BAD_REQUEST'));
    assert.throws(() => referenceConsistencyProof(leaves, -1), (e) => isWritError(e, 'BAD_REQUEST'));
    assert.deepEqual(referenceConsistencyProof(leaves, 0), []);
    assert.deepEqual(referenceConsistencyProof(leaves, 4), []);
  });
});
