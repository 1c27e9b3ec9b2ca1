import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertInclusion,
  rootFromInclusionProof,
  verifyInclusion,
} from '../../../src/ledger/merkle/verify-inclusion.ts';
import { assertConsistency, verifyConsistency } from '../../../src/ledger/merkle/verify-consistency.ts';
import { emptyTreeHash } from '../../../src/ledger/merkle/hashing.ts';
import { merkleTreeHash } from '../../../src/ledger/merkle/root.ts';
import { referenceConsistencyProof, referenceInclusionProof } from '../../../src/ledger/merkle/reference.ts';
import { WritError, isWritError } from '../../../src/errors/writ-error.ts';
import { syntheticLeaves } from './helpers.ts';

const leaves = syntheticLeaves(11);
const rootOf = (n: number) => merkleTreeHash(leaves.slice(0, n));

function proofInvalid(fn: () => unknown, message: string, reason?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isWritError(e, 'PROOF_INVALID'));
    assert.equal(e.message, message);
    assert.equal(e.status, 400);
    assert.ok(e.cause instanceof Error);
    if (reason !== undefined) assert.equal(e.cause.message, reason);
    // The reason travels only in the non-enumerable `cause`.
    assert.ok(!JSON.stringify(e).includes((e.cause as Error).message));
    return true;
  });
}

describe('verifyInclusion / rootFromInclusionProof (RFC 9162 §2.1.3.2)', () => {
  const n = 11;
  const m = 6;
  const proof = referenceInclusionProof(leaves, m);
  const root = rootOf(n);

  test('valid proof, number and bigint arguments', () => {
    assert.ok(verifyInclusion(leaves[m]!, m, n, proof, root));
    assert.ok(verifyInclusion(leaves[m]!, BigInt(m), BigInt(n), proof, root));
    assert.deepEqual(rootFromInclusionProof(leaves[m]!, m, n, proof), root);
    assertInclusion(leaves[m]!, m, n, proof, root);
  });

  test('single-leaf tree: empty proof, root = leaf hash', () => {
    assert.ok(verifyInclusion(leaves[0]!, 0, 1, [], leaves[0]!));
    assert.ok(!verifyInclusion(leaves[0]!, 0, 1, [leaves[1]!], leaves[0]!));
  });

  test('size 0 and index >= size never verify', () => {
    assert.ok(!verifyInclusion(leaves[0]!, 0, 0, [], emptyTreeHash()));
    assert.ok(!verifyInclusion(leaves[0]!, 0, 0, [], leaves[0]!));
    assert.ok(!verifyInclusion(leaves[m]!, n, n, proof, root));
    assert.ok(!verifyInclusion(leaves[m]!, n + 5, n, proof, root));
    proofInvalid(() => rootFromInclusionProof(leaves[0]!, 0, 0, []), 'inclusion proof does not verify', 'leaf index is not below tree size');
  });

  test('proof too long or too short is invalid', () => {
    assert.ok(!verifyInclusion(leaves[m]!, m, n, proof.slice(0, -1), root));
    assert.ok(!verifyInclusion(leaves[m]!, m, n, [...proof, proof[0]!], root));
    assert.ok(!verifyInclusion(leaves[m]!, m, n, [], root));
    proofInvalid(() => rootFromInclusionProof(leaves[m]!, m, n, proof.slice(1)), 'inclusion proof does not verify', 'proof too short');
    proofInvalid(() => rootFromInclusionProof(leaves[m]!, m, n, [...proof, root]), 'inclusion proof does not verify', 'proof too long');
  });

  test('out-of-range and non-integer sizes are invalid', () => {
    for (const [i, s] of [[-1, n], [m, -1], [0.5, n], [m, n + 0.5], [m, 2 ** 53], [m, Infinity]] as [number, number][]) {
      assert.ok(!verifyInclusion(leaves[m]!, i, s, proof, root), `${i}/${s}`);
    }
    assert.ok(!verifyInclusion(leaves[m]!, 2n ** 64n - 1n, BigInt(n), proof, root));
    assert.ok(!verifyInclusion(leaves[m]!, BigInt(m), 2n ** 63n, proof, root));
    proofInvalid(() => rootFromInclusionProof(leaves[m]!, -1n, n, proof), 'inclusion proof does not verify', 'index or size out of range');
  });

  test('hashes of the wrong length are invalid', () => {
    assert.ok(!verifyInclusion(leaves[m]!.subarray(0, 31), m, n, proof, root));
    assert.ok(!verifyInclusion(leaves[m]!, m, n, proof, root.subarray(0, 31)));
    assert.ok(!verifyInclusion(leaves[m]!, m, n, [new Uint8Array(), ...proof.slice(1)], root));
    assert.ok(!verifyInclusion(leaves[m]!, m, n, [new Uint8Array([...proof[0]!, 0]), ...proof.slice(1)], root));
  });

  test('assertInclusion throws PROOF_INVALID with a fixed message', () => {
    proofInvalid(() => assertInclusion(leaves[m]!, m, n, proof, rootOf(n - 1)), 'inclusion proof does not verify', 'root mismatch');
    proofInvalid(() => assertInclusion(leaves[m]!, m + 1, n, proof, root), 'inclusion proof does not verify');
    assert.throws(() => assertInclusion(leaves[m]!, m, n, proof.slice(1), root), WritError);
  });
});

describe('verifyConsistency (RFC 9162 §2.1.4.2)', () => {
  const n = 11;
  const m = 6;
  const proof = referenceConsistencyProof(leaves, m);

  test('valid proof, number and bigint arguments', () => {
    assert.ok(verifyConsistency(m, n, proof, rootOf(m), rootOf(n)));
    assert.ok(verifyConsistency(BigInt(m), BigInt(n), proof, rootOf(m), rootOf(n)));
    assertConsistency(m, n, proof, rootOf(m), rootOf(n));
  });

  test('old power-of-two size: old root is the implicit first element', () => {
    const p = referenceConsistencyProof(leaves, 4);
    assert.ok(verifyConsistency(4, n, p, rootOf(4), rootOf(n)));
    assert.ok(!verifyConsistency(4, n, [rootOf(4), ...p], rootOf(4), rootOf(n)));
  });

  test('equal sizes: empty proof and equal roots', () => {
    assert.ok(verifyConsistency(n, n, [], rootOf(n), rootOf(n)));
    assert.ok(!verifyConsistency(n, n, [], rootOf(n), rootOf(n - 1)));
    assert.ok(!verifyConsistency(n, n, [rootOf(n)], rootOf(n), rootOf(n)));
    assert.ok(!verifyConsistency(n, n, [emptyTreeHash()], rootOf(n), rootOf(n)));
  });

  test('size 0: empty proof from the empty tree hash', () => {
    assert.ok(verifyConsistency(0, 0, [], emptyTreeHash(), emptyTreeHash()));
    assert.ok(verifyConsistency(0, n, [], emptyTreeHash(), rootOf(n)));
    assert.ok(verifyConsistency(0n, BigInt(n), [], emptyTreeHash(), rootOf(n)));
    // Stricter than transparency-dev/merkle: the size-0 root must be the empty tree hash.
    assert.ok(!verifyConsistency(0, 0, [], rootOf(1), rootOf(1)));
    assert.ok(!verifyConsistency(0, n, [], rootOf(1), rootOf(n)));
    assert.ok(!verifyConsistency(0, n, [rootOf(n)], emptyTreeHash(), rootOf(n)));
    assert.ok(!verifyConsistency(0, 0, [emptyTreeHash()], emptyTreeHash(), emptyTreeHash()));
  });

  test('shrinking trees, empty, too long and too short proofs are invalid', () => {
    assert.ok(!verifyConsistency(n, m, proof, rootOf(n), rootOf(m)));
    assert.ok(!verifyConsistency(1, 0, [], rootOf(1), emptyTreeHash()));
    assert.ok(!verifyConsistency(m, n, [], rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(m, n, proof.slice(0, -1), rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(m, n, [...proof, rootOf(n)], rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(m, n, [rootOf(n), ...proof], rootOf(m), rootOf(n)));
  });

  test('out-of-range sizes and wrong-length hashes are invalid', () => {
    assert.ok(!verifyConsistency(m, 2 ** 53, proof, rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(-1, n, proof, rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(m + 0.5, n, proof, rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(BigInt(m), 2n ** 64n - 1n, proof, rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(m, n, proof, rootOf(m).subarray(1), rootOf(n)));
    assert.ok(!verifyConsistency(m, n, proof, rootOf(m), new Uint8Array(33)));
    assert.ok(!verifyConsistency(m, n, [new Uint8Array(), ...proof.slice(1)], rootOf(m), rootOf(n)));
    assert.ok(!verifyConsistency(n, n, [], new Uint8Array(3), new Uint8Array(3)));
  });

  test('assertConsistency throws PROOF_INVALID with a fixed message', () => {
    const msg = 'consistency proof does not verify';
    proofInvalid(() => assertConsistency(m, n, proof, rootOf(m), rootOf(n - 1)), msg, 'new root mismatch');
    proofInvalid(() => assertConsistency(m, n, proof, rootOf(m - 1), rootOf(n)), msg, 'old root mismatch');
    proofInvalid(() => assertConsistency(m, n, [], rootOf(m), rootOf(n)), msg, 'empty proof');
    proofInvalid(() => assertConsistency(n, m, [], rootOf(n), rootOf(m)), msg, 'old size is larger than new size');
    proofInvalid(() => assertConsistency(m, n, proof.slice(1), rootOf(m), rootOf(n)), msg);
  });
});
