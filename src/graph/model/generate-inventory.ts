import type { Inventory, InventoryEdge, SourceRef } from './inventory.ts';
import { emptyInventory } from './inventory.ts';

/**
 * Shape of a generated inventory. Workload `w` runs as identity `w % identities`; identity `i` can
 * access `destinationsPerIdentity` destinations starting at `i % destinations`; every destination
 * holds `domainsPerDestination` domains. The path count is therefore
 * `workloads × destinationsPerIdentity × domainsPerDestination` (when `destinationsPerIdentity ≤
 * destinations` and `domainsPerDestination ≤ domains`).
 *
 * @example `const shape: GeneratedInventoryShape = { workloads: 10_000, identities: 2_000, destinations: 500, domains: 20, destinationsPerIdentity: 25, domainsPerDestination: 4 };`
 */
export interface GeneratedInventoryShape {
  workloads: number;
  identities: number;
  destinations: number;
  domains: number;
  destinationsPerIdentity: number;
  domainsPerDestination: number;
}

const SOURCE: SourceRef = { connector: 'generator', file: 'generated' };
const EGRESS = ['llm-api', 'cloud-storage', 'external-http', 'internal', null] as const;
const SENSITIVITY = ['public', 'internal', 'confidential', 'restricted'] as const;

/**
 * Builds a deterministic synthetic inventory (for tests and benchmarks): every third workload and
 * every fifth identity are unowned, every fourth identity has a long-lived key, every seventh
 * identity has confirmed evidence on its first destination.
 *
 * @example
 * ```ts
 * const inv = generateInventory({ workloads: 1000, identities: 200, destinations: 50, domains: 8,
 *   destinationsPerIdentity: 5, domainsPerDestination: 2 }); // 10,000 paths
 * ```
 */
export function generateInventory(shape: GeneratedInventoryShape): Inventory {
  const inv = emptyInventory();
  const edges: InventoryEdge[] = inv.edges;
  inv.owners.push({ id: 'gen:owner/0', name: 'owner 0', kind: 'team', source: SOURCE });
  for (let m = 0; m < shape.domains; m++) {
    inv.domains.push({ id: `gen:domain/${m}`, name: `domain ${m}`, sensitivity: SENSITIVITY[m % 4] ?? 'public', source: SOURCE });
  }
  for (let d = 0; d < shape.destinations; d++) {
    inv.destinations.push({
      id: `gen:destination/${d}`,
      name: `destination ${d}`,
      kind: d % 2 === 0 ? 'storage' : 'api',
      resource: `arn:gen:${d}`,
      egress_class: EGRESS[d % EGRESS.length] ?? null,
      source: SOURCE,
    });
    for (let k = 0; k < shape.domainsPerDestination; k++) {
      edges.push({ kind: 'HOLDS', from: `gen:destination/${d}`, to: `gen:domain/${(d + k) % shape.domains}`, source: SOURCE });
    }
  }
  for (let i = 0; i < shape.identities; i++) {
    const id = `gen:identity/${i}`;
    inv.identities.push({ id, name: `identity ${i}`, kind: 'cloud-role', account: `acct-${i % 3}`, source: SOURCE });
    if (i % 5 !== 0) edges.push({ kind: 'OWNED_BY', from: id, to: 'gen:owner/0', source: SOURCE });
    if (i % 4 === 0) {
      inv.credentials.push({ id: `gen:credential/${i}`, name: `key ${i}`, kind: 'access-key', lifetime: 'long-lived', source: SOURCE });
      edges.push({ kind: 'HAS_CREDENTIAL', from: id, to: `gen:credential/${i}`, source: SOURCE });
    }
    for (let k = 0; k < shape.destinationsPerIdentity; k++) {
      const destination = `gen:destination/${(i + k) % shape.destinations}`;
      edges.push({ kind: 'CAN_ACCESS', from: id, to: destination, actions: [k === 0 ? 'gen:*' : 'gen:Read'], source: SOURCE });
    }
    if (i % 7 === 0) {
      inv.evidence.push({
        identity: id,
        destination: `gen:destination/${i % shape.destinations}`,
        action: 'gen:Read',
        time: '2026-01-01T00:00:00Z',
        kind: 'confirmed',
        source: SOURCE,
      });
    }
  }
  for (let w = 0; w < shape.workloads; w++) {
    const id = `gen:workload/${w}`;
    inv.workloads.push({ id, name: `workload ${w}`, kind: w % 2 === 0 ? 'service' : 'ai-agent', source: SOURCE });
    edges.push({ kind: 'RUNS_AS', from: id, to: `gen:identity/${w % shape.identities}`, source: SOURCE });
    if (w % 3 !== 0) edges.push({ kind: 'OWNED_BY', from: id, to: 'gen:owner/0', source: SOURCE });
  }
  return inv;
}
