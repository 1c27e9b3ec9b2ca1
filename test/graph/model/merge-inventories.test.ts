import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeInventories } from '../../../src/graph/model/merge-inventories.ts';
import { emptyInventory } from '../../../src/graph/model/inventory.ts';
import type { Inventory } from '../../../src/graph/model/inventory.ts';
import { validateInventory } from '../../../src/graph/model/validate-inventory.ts';
import { sampleInventory } from '../fixtures/sample-inventory.ts';

function split(inv: Inventory): Inventory[] {
  const a = emptyInventory();
  const b = emptyInventory();
  a.workloads = inv.workloads.slice(0, 2);
  b.workloads = inv.workloads.slice(1).reverse();
  a.identities = inv.identities;
  b.identities = inv.identities.slice(1);
  a.credentials = inv.credentials;
  b.destinations = [...inv.destinations].reverse();
  a.domains = inv.domains;
  b.owners = inv.owners;
  a.edges = inv.edges.slice(0, 8);
  b.edges = inv.edges.slice(5).reverse();
  a.evidence = inv.evidence.slice(0, 3);
  b.evidence = inv.evidence.slice(2);
  return [a, b];
}

test('merging split parts yields every entity, edge and record once, sorted', () => {
  const whole = sampleInventory();
  const merged = mergeInventories(split(whole));
  assert.equal(validateInventory(merged).valid, true);
  assert.deepEqual(merged.workloads.map((w) => w.id), ['w:agent', 'w:ci', 'w:svc']);
  assert.deepEqual(merged.destinations.map((d) => d.id), ['d:logs-db', 'd:openai', 'd:pii-bucket', 'd:webhook']);
  assert.equal(merged.edges.length, whole.edges.length);
  assert.equal(merged.evidence.length, whole.evidence.length);
});

test('merge is independent of part order and idempotent', () => {
  const [a, b] = split(sampleInventory()) as [Inventory, Inventory];
  const ab = mergeInventories([a, b]);
  const ba = mergeInventories([b, a]);
  assert.deepEqual(ab, ba);
  assert.deepEqual(mergeInventories([ab, ab]), ab);
});

test('on duplicate ids the first part wins', () => {
  const a = emptyInventory();
  const b = emptyInventory();
  a.owners.push({ id: 'o:1', name: 'first', kind: 'team', source: { connector: 'a', file: 'a' } });
  b.owners.push({ id: 'o:1', name: 'second', kind: 'team', source: { connector: 'b', file: 'b' } });
  assert.equal(mergeInventories([a, b]).owners[0]?.name, 'first');
  assert.equal(mergeInventories([b, a]).owners[0]?.name, 'second');
});

test('edges differing only in source are both kept', () => {
  const a = emptyInventory();
  a.edges.push({ kind: 'RUNS_AS', from: 'w', to: 'i', source: { connector: 'a', file: 'a' } });
  a.edges.push({ kind: 'RUNS_AS', from: 'w', to: 'i', source: { connector: 'a', file: 'b' } });
  a.edges.push({ kind: 'RUNS_AS', from: 'w', to: 'i', source: { connector: 'a', file: 'a' } });
  assert.equal(mergeInventories([a]).edges.length, 2);
});
