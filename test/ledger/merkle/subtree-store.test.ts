import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySubtreeStore } from '../../../src/ledger/merkle/subtree-store.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { merkleTreeHash } from '../../../src/ledger/merkle/root.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { buildStore, syntheticLeaves } from './helpers.ts';

describe('MemorySubtreeStore', () => {
  test('holds every complete subtree reported by the frontier', async () => {
    const leaves = syntheticLeaves(37);
    const { store } = buildStore(leaves);
    assert.equal(store.nodeCount, 2 * 37 - 3);
    const ids = [
      { level: 5, index: 0 },
      { level: 2, index: 8 },
      { level: 0, index: 36 },
    ];
    const hashes = await store.getNodes(ids);
    assert.equal(store.readCount, 1);
    assert.deepEqual(hashes, [merkleTreeHash(leaves, 0, 32), merkleTreeHash(leaves, 32, 36), leaves[36]]);
  });

  test('missing nodes reject with LEDGER_INTEGRITY', async () => {
    const { store } = buildStore(syntheticLeaves(6));
    await assert.rejects(store.getNodes([{ level: 2, index: 1 }]), (e) => isWritError(e, 'LEDGER_INTEGRITY'));
  });

  test('re-putting the same node is fine; a conflicting hash is an integrity error', () => {
    const leaves = syntheticLeaves(2);
    const store = new MemorySubtreeStore();
    const f = new MerkleFrontier();
    const nodes = f.append(leaves[0]!);
    store.put(nodes);
    store.put(nodes);
    assert.equal(store.nodeCount, 1);
    assert.throws(
      () => store.put([{ level: 0, index: 0, hash: leaves[1]! }]),
      (e) => isWritError(e, 'LEDGER_INTEGRITY'),
    );
  });

  test('rejects malformed nodes', () => {
    const store = new MemorySubtreeStore();
    const [h] = syntheticLeaves(1);
    for (const node of [
      { level: -1, index: 0, hash: h! },
      { level: 0, index: 1.5, hash: h! },
      { level: 0, index: 0, hash: new Uint8Array(3) },
    ]) {
      assert.throws(() => store.put([node]), (e) => isWritError(e, 'BAD_REQUEST'));
    }
  });

  test('returned hashes are copies', async () => {
    const { store } = buildStore(syntheticLeaves(1));
    const [h] = await store.getNodes([{ level: 0, index: 0 }]);
    h!.fill(0);
    const [again] = await store.getNodes([{ level: 0, index: 0 }]);
    assert.notDeepEqual(again, h);
  });
});
