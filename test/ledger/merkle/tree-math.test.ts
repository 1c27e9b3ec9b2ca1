import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  highestPowerOfTwoAtMost,
  isPowerOfTwo,
  isTreeSize,
  nodeKey,
  nodeRange,
  rangeNodes,
  splitPoint,
  toTreeSize,
} from '../../../src/ledger/merkle/tree-math.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';

describe('tree arithmetic', () => {
  test('isTreeSize / toTreeSize accept safe non-negative integers only', () => {
    assert.ok(isTreeSize(0) && isTreeSize(Number.MAX_SAFE_INTEGER));
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, '3', 3n]) assert.ok(!isTreeSize(bad));
    assert.equal(toTreeSize(7n), 7);
    assert.equal(toTreeSize(BigInt(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
    assert.equal(toTreeSize(BigInt(Number.MAX_SAFE_INTEGER) + 1n), undefined);
    assert.equal(toTreeSize(18446744073709551615n), undefined);
    assert.equal(toTreeSize(-1n), undefined);
    assert.equal(toTreeSize(2 ** 64), undefined);
  });

  test('powers of two beyond 32 bits', () => {
    assert.ok(isPowerOfTwo(1) && isPowerOfTwo(2 ** 40) && isPowerOfTwo(2 ** 52));
    assert.ok(!isPowerOfTwo(0) && !isPowerOfTwo(3) && !isPowerOfTwo(2 ** 40 + 2 ** 39));
    assert.equal(highestPowerOfTwoAtMost(1), 1);
    assert.equal(highestPowerOfTwoAtMost(2 ** 40 + 5), 2 ** 40);
    assert.equal(highestPowerOfTwoAtMost(Number.MAX_SAFE_INTEGER), 2 ** 52);
  });

  test('splitPoint is the largest power of two strictly below n (RFC 9162 §2.1.1)', () => {
    const cases: [number, number][] = [[2, 1], [3, 2], [4, 2], [5, 4], [8, 4], [9, 8], [2 ** 33, 2 ** 32], [2 ** 33 + 1, 2 ** 33]];
    for (const [n, k] of cases) assert.equal(splitPoint(n), k, `n=${n}`);
    assert.throws(() => splitPoint(1), (e) => isWritError(e, 'INTERNAL'));
  });

  test('nodeRange and nodeKey', () => {
    assert.deepEqual(nodeRange({ level: 0, index: 5 }), { start: 5, end: 6 });
    assert.deepEqual(nodeRange({ level: 3, index: 2 }), { start: 16, end: 24 });
    assert.deepEqual(nodeRange({ level: 40, index: 1 }), { start: 2 ** 40, end: 2 ** 41 });
    assert.equal(nodeKey({ level: 3, index: 5 }), '3/5');
  });

  test('rangeNodes decomposes aligned ranges into complete subtrees, largest first', () => {
    assert.deepEqual(rangeNodes(0, 1), [{ level: 0, index: 0 }]);
    assert.deepEqual(rangeNodes(0, 7), [{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]);
    assert.deepEqual(rangeNodes(4, 7), [{ level: 1, index: 2 }, { level: 0, index: 6 }]);
    assert.deepEqual(rangeNodes(8, 16), [{ level: 3, index: 1 }]);
    assert.deepEqual(rangeNodes(2 ** 40, 2 ** 40 + 3), [{ level: 1, index: 2 ** 39 }, { level: 0, index: 2 ** 40 + 2 }]);
    for (let n = 1; n <= 64; n++) {
      const nodes = rangeNodes(0, n);
      let covered = 0;
      for (const id of nodes) {
        const r = nodeRange(id);
        assert.equal(r.start, covered);
        covered = r.end;
      }
      assert.equal(covered, n);
      assert.equal(nodes.length, n.toString(2).replace(/0/g, '').length);
    }
  });

  test('rangeNodes rejects empty and unaligned ranges', () => {
    for (const [s, e] of [[3, 3], [4, 2], [1, 3], [2, 6], [-1, 2], [0.5, 2]] as [number, number][]) {
      assert.throws(() => rangeNodes(s, e), (err) => isWritError(err, 'INTERNAL'), `${s}..${e}`);
    }
  });
});
