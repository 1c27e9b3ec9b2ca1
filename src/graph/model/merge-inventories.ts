import type { ExecutionEvidence, Inventory, InventoryEdge, SourceRef } from './inventory.ts';
import { INVENTORY_SCHEMA } from './inventory.ts';

/** Byte-order string comparison (locale independent, so output is the same everywhere). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sourceKey(source: SourceRef): string {
  return [source.connector, source.file, source.pointer ?? '', source.line ?? ''].join('\u0000');
}

/**
 * Identity key of an edge: kind, endpoints, sorted actions, conditions and source. Two edges with
 * the same key state the same fact from the same place and are merged.
 *
 * @example
 * ```ts
 * edgeKey({ kind: 'RUNS_AS', from: 'w', to: 'i', source: { connector: 'k8s', file: 'a.yaml' } });
 * ```
 */
export function edgeKey(edge: InventoryEdge): string {
  const actions = edge.actions ? [...edge.actions].sort(compareText).join(',') : '';
  const conditions = edge.conditions === undefined ? '' : JSON.stringify(edge.conditions);
  return [edge.kind, edge.from, edge.to, actions, conditions, sourceKey(edge.source)].join('\u0001');
}

/**
 * Identity key of an evidence record (every field, source included).
 *
 * @example
 * ```ts
 * evidenceKey({ identity: 'i', destination: 'd', action: 's3:GetObject', time: '2026-01-01T00:00:00Z',
 *   kind: 'confirmed', source: { connector: 'cloudtrail', file: 't.json' } });
 * ```
 */
export function evidenceKey(record: ExecutionEvidence): string {
  return [record.identity, record.destination, record.time, record.action, record.kind, sourceKey(record.source)].join(
    '\u0001',
  );
}

function mergeById<T extends { id: string }>(lists: T[][]): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) {
    for (const item of list) {
      if (!byId.has(item.id)) byId.set(item.id, item);
    }
  }
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

function mergeByKey<T>(lists: T[][], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const list of lists) {
    for (const item of list) {
      const key = keyOf(item);
      if (!byKey.has(key)) byKey.set(key, item);
    }
  }
  return [...byKey.entries()].sort((a, b) => compareText(a[0], b[0])).map(([, item]) => item);
}

/**
 * Merges inventories from several connectors into one. Entities are deduplicated by `id` (the first
 * occurrence, in `parts` order, wins) and sorted by id; edges and evidence are deduplicated by their
 * full content (see {@link edgeKey}, {@link evidenceKey}) and sorted by that key. The result is the
 * same for the same inputs, whatever their internal order.
 *
 * @example
 * ```ts
 * const inv = mergeInventories([fromAwsIam, fromCloudTrail, fromDomainsYaml]);
 * inv.edges.filter((e) => e.kind === 'CAN_ACCESS');
 * ```
 */
export function mergeInventories(parts: Inventory[]): Inventory {
  return {
    schema: INVENTORY_SCHEMA,
    workloads: mergeById(parts.map((p) => p.workloads)),
    identities: mergeById(parts.map((p) => p.identities)),
    credentials: mergeById(parts.map((p) => p.credentials)),
    destinations: mergeById(parts.map((p) => p.destinations)),
    domains: mergeById(parts.map((p) => p.domains)),
    owners: mergeById(parts.map((p) => p.owners)),
    edges: mergeByKey(
      parts.map((p) => p.edges),
      edgeKey,
    ),
    evidence: mergeByKey(
      parts.map((p) => p.evidence),
      evidenceKey,
    ),
  };
}
