import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateInventory } from '../../../src/graph/model/validate-inventory.ts';
import { emptyInventory } from '../../../src/graph/model/inventory.ts';
import { generateInventory } from '../../../src/graph/model/generate-inventory.ts';
import { sampleInventory } from '../fixtures/sample-inventory.ts';

test('the sample and an empty inventory are valid', () => {
  assert.deepEqual(validateInventory(sampleInventory()), { valid: true, errors: [] });
  assert.deepEqual(validateInventory(emptyInventory()), { valid: true, errors: [] });
});

test('a generated inventory is valid', () => {
  const inv = generateInventory({ workloads: 30, identities: 10, destinations: 6, domains: 4, destinationsPerIdentity: 3, domainsPerDestination: 2 });
  assert.deepEqual(validateInventory(inv).errors, []);
});

test('shape errors carry JSON pointers', () => {
  const inv = sampleInventory() as unknown as { workloads: Array<Record<string, unknown>>; schema: string };
  delete inv.workloads[1]?.kind;
  inv.schema = 'writ.inventory.v0';
  const result = validateInventory(inv);
  assert.equal(result.valid, false);
  const pointers = result.errors.map((e) => e.pointer).sort();
  assert.ok(pointers.includes('/schema'), JSON.stringify(result.errors));
  assert.ok(pointers.includes('/workloads/1'), JSON.stringify(result.errors));
});

test('non-objects are rejected', () => {
  assert.equal(validateInventory(null).valid, false);
  assert.equal(validateInventory([]).valid, false);
});

test('edges must point at existing entities of the right kinds', () => {
  const inv = sampleInventory();
  inv.edges.push({ kind: 'RUNS_AS', from: 'w:agent', to: 'd:openai', source: { connector: 't', file: 'x' } });
  inv.edges.push({ kind: 'HOLDS', from: 'd:openai', to: 'dom:nope', source: { connector: 't', file: 'x' } });
  inv.edges.push({ kind: 'CAN_ACCESS', from: 'i:ci-user', to: 'd:openai', source: { connector: 't', file: 'x' } });
  inv.evidence.push({ identity: 'w:agent', destination: 'd:gone', action: 'a', time: '2026-01-01T00:00:00Z', kind: 'confirmed', source: { connector: 't', file: 'x' } });
  const n = inv.edges.length;
  const m = inv.evidence.length;
  const result = validateInventory(inv);
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.errors.map((e) => e.pointer),
    [`/edges/${n - 3}/to`, `/edges/${n - 2}/to`, `/edges/${n - 1}/actions`, `/evidence/${m - 1}/identity`, `/evidence/${m - 1}/destination`],
  );
  assert.match(result.errors[0]?.message ?? '', /must be in identities, but d:openai is in destinations/);
});

test('ids must be unique across collections', () => {
  const inv = sampleInventory();
  inv.owners.push({ id: 'w:agent', name: 'clash', kind: 'person', source: { connector: 't', file: 'x' } });
  const result = validateInventory(inv);
  assert.equal(result.valid, false);
  assert.deepEqual(result.errors.map((e) => e.pointer), ['/owners/1/id']);
});
