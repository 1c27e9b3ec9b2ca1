// Test vectors from transparency-dev/merkle (see test/fixtures/transparency-dev/README.md).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyTreeHash, hashLeaf } from '../../../src/ledger/merkle/hashing.ts';
import { merkleTreeHash } from '../../../src/ledger/merkle/root.ts';
import { inclusionProof } from '../../../src/ledger/merkle/inclusion.ts';
import { consistencyProof } from '../../../src/ledger/merkle/consistency.ts';
import {
  assertInclusion,
  rootFromInclusionProof,
  verifyInclusion,
} from '../../../src/ledger/merkle/verify-inclusion.ts';
import { assertConsistency, verifyConsistency } from '../../../src/ledger/merkle/verify-consistency.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { buildStore, fromB64, fromHex, hex, utf8 } from './helpers.ts';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/transparency-dev/${name}`, import.meta.url), 'utf8')) as T;

interface InclusionVector {
  file: string;
  commit: string;
  leafIdx: number | string;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  file: string;
  commit: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface GoTables {
  sha256SomeHash: string;
  sha256EmptyTreeHash: string;
  leaves: string[];
  roots: string[];
  inclusionProofs: { leaf: number; size: number; proof: string[] }[];
  consistencyProofs: { size1: number; size2: number; proof: string[] }[];
  singleEntry: { data: string; cases: { root: 'hash' | 'empty'; leaf: 'hash' | 'empty'; wantErr: boolean }[] };
  inclusionProbes: { probes: { index: number; size: number }[] };
  consistencyTable: {
    cases: { size1: number; size2: number; root1: string; root2: string; proof: string[]; wantErr: boolean }[];
  };
}

const inclusion = fixture<{ vectors: InclusionVector[] }>('inclusion.json').vectors;
const consistency = fixture<{ vectors: ConsistencyVector[] }>('consistency.json').vectors;
const go = fixture<GoTables>('verify-test-go.json');

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const proofOf = (p: string[] | null): Uint8Array[] => (p ?? []).map(fromB64);
const leafIdxOf = (v: InclusionVector): number | bigint => (typeof v.leafIdx === 'string' ? BigInt(v.leafIdx) : v.leafIdx);
const folder = (file: string): string => file.split('/')[0]!;

const refLeaves = go.leaves.map((l) => hashLeaf(fromHex(l)));
const { store: refStore } = buildStore(refLeaves);
const SOME_HASH = fromHex(go.sha256SomeHash);
const EMPTY_HASH = fromHex(go.sha256EmptyTreeHash);

// ---- mutation recipes of proof/verify_test.go, re-implemented (uint64 arithmetic like Go) ----

const U64 = 2n ** 64n;
interface InclusionProbe {
  leafIdx: bigint;
  treeSize: bigint;
  root: string;
  leafHash: string;
  proof: string[];
}
function corruptInclusion(p: InclusionProbe): Map<string, InclusionProbe> {
  const out = new Map<string, InclusionProbe>();
  const add = (desc: string, change: Partial<InclusionProbe>) => out.set(desc, { ...p, ...change });
  add('leafIdx - 1', { leafIdx: (p.leafIdx - 1n + U64) % U64 });
  add('leafIdx + 1', { leafIdx: p.leafIdx + 1n });
  add('leafIdx ^ 2', { leafIdx: p.leafIdx ^ 2n });
  add('treeSize * 2', { treeSize: p.treeSize * 2n });
  add('treeSize div 2', { treeSize: p.treeSize / 2n });
  add('wrong leaf', { leafHash: b64(utf8('WrongLeaf')) });
  add('empty root', { root: b64(EMPTY_HASH) });
  add('random root', { root: b64(SOME_HASH) });
  add('trailing garbage', { proof: [...p.proof, ''] });
  add('trailing root', { proof: [...p.proof, p.root] });
  add('preceding garbage', { proof: ['', ...p.proof] });
  add('preceding root', { proof: [p.root, ...p.proof] });
  p.proof.forEach((_, i) => {
    const el = fromB64(p.proof[i]!);
    el[0]! ^= 8;
    add(`modified proof[${i}] bit 3`, { proof: p.proof.map((x, j) => (j === i ? b64(el) : x)) });
  });
  if (p.proof.length > 0) add('removed component', { proof: p.proof.slice(0, -1) });
  if (p.proof.length > 1) add('inserted component', { proof: [p.proof[0]!, b64(SOME_HASH), ...p.proof.slice(1)] });
  return out;
}

interface ConsistencyProbe {
  size1: bigint;
  size2: bigint;
  root1: string;
  root2: string;
  proof: string[];
}
function corruptConsistency(p: ConsistencyProbe): Map<string, ConsistencyProbe> {
  const out = new Map<string, ConsistencyProbe>();
  const add = (desc: string, change: Partial<ConsistencyProbe>) => out.set(desc, { ...p, ...change });
  const wrong = b64(utf8('WrongRoot'));
  add('size1 - 1', { size1: (p.size1 - 1n + U64) % U64 });
  add('size1 + 1', { size1: p.size1 + 1n });
  add('size1 ^ 2', { size1: p.size1 ^ 2n });
  add('size2 * 2', { size2: p.size2 * 2n });
  add('size2 div 2', { size2: p.size2 / 2n });
  add('wrong root1', { root1: wrong });
  add('wrong root2', { root2: wrong });
  add('swapped roots', { root1: p.root2, root2: p.root1 });
  add('empty proof', { proof: [] });
  add('trailing garbage', { proof: [...p.proof, ''] });
  add('trailing root1', { proof: [...p.proof, p.root1] });
  add('trailing root2', { proof: [...p.proof, p.root2] });
  add('preceding garbage', { proof: ['', ...p.proof] });
  add('preceding root1', { proof: [p.root1, ...p.proof] });
  add('preceding root2', { proof: [p.root2, ...p.proof] });
  add('preceding proof[0]', { proof: [p.proof[0]!, ...p.proof] });
  if (p.proof.length > 0) add('truncated proof', { proof: p.proof.slice(0, -1) });
  p.proof.forEach((_, i) => {
    const el = fromB64(p.proof[i]!);
    el[0]! ^= 16;
    add(`modified proof[${i}] bit 4`, { proof: p.proof.map((x, j) => (j === i ? b64(el) : x)) });
  });
  return out;
}

const inclProbeOf = (v: InclusionVector): InclusionProbe => ({
  leafIdx: BigInt(v.leafIdx),
  treeSize: BigInt(v.treeSize),
  root: v.root,
  leafHash: v.leafHash,
  proof: v.proof ?? [],
});
const consProbeOf = (v: ConsistencyVector): ConsistencyProbe => ({
  size1: BigInt(v.size1),
  size2: BigInt(v.size2),
  root1: v.root1,
  root2: v.root2,
  proof: v.proof ?? [],
});
const verifyInclProbe = (p: InclusionProbe): boolean =>
  verifyInclusion(fromB64(p.leafHash), p.leafIdx, p.treeSize, p.proof.map(fromB64), fromB64(p.root));
const verifyConsProbe = (p: ConsistencyProbe): boolean =>
  verifyConsistency(p.size1, p.size2, p.proof.map(fromB64), fromB64(p.root1), fromB64(p.root2));

// ---------------------------------------------------------------------------------------------

describe('transparency-dev/merkle testdata/inclusion', () => {
  test('82 vectors in 5 folders, one happy path each', () => {
    assert.equal(inclusion.length, 82);
    const happy = inclusion.filter((v) => !v.wantErr);
    assert.deepEqual(happy.map((v) => v.file), ['0', '1', '2', '3', '4'].map((f) => `${f}/happy-path.json`));
    assert.ok(happy.every((v) => v.desc === 'happy path'));
  });

  for (const v of inclusion) {
    test(`${v.file}: ${v.desc} ${v.wantErr ? 'fails' : 'verifies'}`, () => {
      const leaf = fromB64(v.leafHash);
      const root = fromB64(v.root);
      const proof = proofOf(v.proof);
      const idx = leafIdxOf(v);
      assert.equal(verifyInclusion(leaf, idx, v.treeSize, proof, root), !v.wantErr);
      assert.equal(verifyInclusion(leaf, BigInt(idx), BigInt(v.treeSize), proof, root), !v.wantErr);
      if (v.wantErr) {
        assert.throws(() => assertInclusion(leaf, idx, v.treeSize, proof, root), (e) => isWritError(e, 'PROOF_INVALID'));
      } else {
        assert.deepEqual(rootFromInclusionProof(leaf, idx, v.treeSize, proof), root);
        assertInclusion(leaf, idx, v.treeSize, proof, root);
      }
    });
  }

  test('each folder is exactly the verify_test.go mutation recipe applied to its happy path', () => {
    for (const happy of inclusion.filter((v) => !v.wantErr)) {
      const expected = corruptInclusion(inclProbeOf(happy));
      const actual = inclusion.filter((v) => v.wantErr && folder(v.file) === folder(happy.file));
      assert.deepEqual(new Set(actual.map((v) => v.desc)), new Set(expected.keys()), happy.file);
      for (const v of actual) assert.deepEqual(inclProbeOf(v), expected.get(v.desc), `${v.file}`);
    }
  });

  test('happy paths are the proofs Writ generates for the RFC 6962 reference leaves', async () => {
    for (const v of inclusion.filter((x) => !x.wantErr)) {
      const idx = Number(v.leafIdx);
      assert.equal(v.leafHash, b64(refLeaves[idx]!));
      assert.equal(v.root, b64(merkleTreeHash(refLeaves.slice(0, v.treeSize))));
      assert.deepEqual((await inclusionProof(refStore, idx, v.treeSize)).map(b64), v.proof ?? []);
    }
  });
});

describe('transparency-dev/merkle testdata/consistency', () => {
  test('84 vectors in 5 folders, one happy path each', () => {
    assert.equal(consistency.length, 84);
    const happy = consistency.filter((v) => !v.wantErr);
    assert.deepEqual(happy.map((v) => v.file), ['0', '1', '2', '3', '4'].map((f) => `${f}/happy-path.json`));
  });

  for (const v of consistency) {
    test(`${v.file}: ${v.desc} ${v.wantErr ? 'fails' : 'verifies'}`, () => {
      const root1 = fromB64(v.root1);
      const root2 = fromB64(v.root2);
      const proof = proofOf(v.proof);
      assert.equal(verifyConsistency(v.size1, v.size2, proof, root1, root2), !v.wantErr);
      assert.equal(verifyConsistency(BigInt(v.size1), BigInt(v.size2), proof, root1, root2), !v.wantErr);
      if (v.wantErr) {
        assert.throws(() => assertConsistency(v.size1, v.size2, proof, root1, root2), (e) => isWritError(e, 'PROOF_INVALID'));
      } else {
        assertConsistency(v.size1, v.size2, proof, root1, root2);
      }
    });
  }

  test('each folder is exactly the verify_test.go mutation recipe applied to its happy path', () => {
    for (const happy of consistency.filter((v) => !v.wantErr)) {
      const p = consProbeOf(happy);
      // verifierConsistencyCheck only corrupts non-empty proofs.
      const expected = p.proof.length === 0 ? new Map<string, ConsistencyProbe>() : corruptConsistency(p);
      const actual = consistency.filter((v) => v.wantErr && folder(v.file) === folder(happy.file));
      assert.deepEqual(new Set(actual.map((v) => v.desc)), new Set(expected.keys()), happy.file);
      for (const v of actual) assert.deepEqual(consProbeOf(v), expected.get(v.desc), `${v.file}`);
    }
  });

  test('happy paths are the proofs Writ generates for the RFC 6962 reference leaves', async () => {
    for (const v of consistency.filter((x) => !x.wantErr)) {
      assert.equal(v.root1, b64(merkleTreeHash(refLeaves.slice(0, v.size1))));
      assert.equal(v.root2, b64(merkleTreeHash(refLeaves.slice(0, v.size2))));
      assert.deepEqual((await consistencyProof(refStore, v.size1, v.size2)).map(b64), v.proof ?? []);
    }
  });
});

describe('transparency-dev/merkle proof/verify_test.go tables', () => {
  test('RFC 6962 roots of the reference leaves, sizes 1..8', () => {
    assert.deepEqual(EMPTY_HASH, emptyTreeHash());
    go.roots.forEach((r, i) => assert.equal(hex(merkleTreeHash(refLeaves.slice(0, i + 1))), r));
  });

  test('inclusionProofs: generated, verified, and every corruption rejected', async () => {
    for (const p of go.inclusionProofs.filter((x) => x.leaf > 0)) {
      const idx = p.leaf - 1;
      assert.deepEqual((await inclusionProof(refStore, idx, p.size)).map(hex), p.proof);
      const probe: InclusionProbe = {
        leafIdx: BigInt(idx),
        treeSize: BigInt(p.size),
        root: b64(fromHex(go.roots[p.size - 1]!)),
        leafHash: b64(refLeaves[idx]!),
        proof: p.proof.map((h) => b64(fromHex(h))),
      };
      assert.ok(verifyInclProbeFully(probe), `leaf ${p.leaf} size ${p.size}`);
      for (const [desc, bad] of corruptInclusion(probe)) {
        assert.ok(!verifyInclProbe(bad), `leaf ${p.leaf} size ${p.size}: ${desc}`);
      }
    }
    // {leaf 0, size 0} is the "invalid path" entry: nothing verifies in an empty tree.
    assert.ok(!verifyInclusion(EMPTY_HASH, 0, 0, [], EMPTY_HASH));
  });

  test('consistencyProofs: generated, verified, and every corruption rejected', async () => {
    for (const p of go.consistencyProofs) {
      assert.deepEqual((await consistencyProof(refStore, p.size1, p.size2)).map(hex), p.proof);
      const probe: ConsistencyProbe = {
        size1: BigInt(p.size1),
        size2: BigInt(p.size2),
        root1: b64(fromHex(go.roots[p.size1 - 1]!)),
        root2: b64(fromHex(go.roots[p.size2 - 1]!)),
        proof: p.proof.map((h) => b64(fromHex(h))),
      };
      assert.ok(verifyConsProbe(probe), `${p.size1} -> ${p.size2}`);
      if (probe.proof.length === 0) continue;
      for (const [desc, bad] of corruptConsistency(probe)) {
        assert.ok(!verifyConsProbe(bad), `${p.size1} -> ${p.size2}: ${desc}`);
      }
    }
  });

  test('TestVerifyInclusionSingleEntry', () => {
    const hash = hashLeaf(utf8(go.singleEntry.data));
    const pick = (x: 'hash' | 'empty') => (x === 'hash' ? hash : new Uint8Array());
    for (const c of go.singleEntry.cases) {
      assert.equal(verifyInclusion(pick(c.leaf), 0, 1, [], pick(c.root)), !c.wantErr, JSON.stringify(c));
    }
  });

  test('TestVerifyInclusion probes with an empty proof', () => {
    for (const { index, size } of go.inclusionProbes.probes) {
      assert.ok(!verifyInclusion(SOME_HASH, index, size, [], new Uint8Array()));
      assert.ok(!verifyInclusion(new Uint8Array(), index, size, [], EMPTY_HASH));
      assert.ok(!verifyInclusion(SOME_HASH, index, size, [], EMPTY_HASH));
    }
  });

  test('TestVerifyConsistency table (Writ is stricter on three cases, see comments)', () => {
    const named: Record<string, Uint8Array> = {
      root1: utf8("don't care 1"),
      root2: utf8("don't care 2"),
      emptyTreeHash: EMPTY_HASH,
    };
    let stricter = 0;
    for (const c of go.consistencyTable.cases) {
      const got = verifyConsistency(c.size1, c.size2, c.proof.map((x) => named[x]!), named[c.root1]!, named[c.root2]!);
      const label = JSON.stringify(c);
      if (!c.wantErr && (named[c.root1]!.length !== 32 || named[c.root2]!.length !== 32)) {
        // transparency-dev accepts (0,0,r,r), (0,1,r1,r2) and (1,1,r,r) with arbitrary "don't
        // care" byte strings as roots. Writ rejects any root that is not a 32-byte hash, and
        // requires the size-0 root to be the empty tree hash.
        assert.equal(got, false, label);
        stricter++;
      } else {
        assert.equal(got, !c.wantErr, label);
      }
    }
    assert.equal(stricter, 3);
    // The same three cases with well-formed roots.
    const r = hashLeaf(utf8("don't care 1"));
    const r2 = hashLeaf(utf8("don't care 2"));
    assert.ok(verifyConsistency(0, 0, [], EMPTY_HASH, EMPTY_HASH));
    assert.ok(!verifyConsistency(0, 0, [], r, r));
    assert.ok(verifyConsistency(0, 1, [], EMPTY_HASH, r2));
    assert.ok(!verifyConsistency(0, 1, [], r, r2));
    assert.ok(verifyConsistency(1, 1, [], r2, r2));
  });
});

function verifyInclProbeFully(p: InclusionProbe): boolean {
  const root = fromB64(p.root);
  const leaf = fromB64(p.leafHash);
  const proof = p.proof.map(fromB64);
  return (
    verifyInclusion(leaf, p.leafIdx, p.treeSize, proof, root) &&
    hex(rootFromInclusionProof(leaf, p.leafIdx, p.treeSize, proof)) === hex(root)
  );
}
