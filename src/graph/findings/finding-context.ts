import type { Credential, DataDomain, Destination, Identity, Inventory, InventoryEdge, Workload } from '../model/inventory.ts';
import type { AuthorityPath } from '../paths/authority-path.ts';

/**
 * What every rule reads: the inventory, its materialized paths, id indexes and the evidence window
 * used for grading (for remediation text).
 *
 * @example
 * ```ts
 * const ctx = buildFindingContext(inv, paths, { evidenceWindowDays: 90 });
 * ctx.destinations.get(path.destination)?.resource;
 * ```
 */
export interface FindingContext {
  inventory: Inventory;
  paths: AuthorityPath[];
  evidenceWindowDays: number;
  workloads: Map<string, Workload>;
  identities: Map<string, Identity>;
  credentials: Map<string, Credential>;
  destinations: Map<string, Destination>;
  domains: Map<string, DataDomain>;
  /** CAN_ACCESS edges by `identity \0 destination`. */
  accessEdges: Map<string, InventoryEdge[]>;
}

/**
 * Builds the {@link FindingContext} (indexes computed once, shared by all rules).
 *
 * @example `const ctx = buildFindingContext(inv, materializePaths(inv, opts), { evidenceWindowDays: 90 });`
 */
export function buildFindingContext(
  inventory: Inventory,
  paths: AuthorityPath[],
  opts: { evidenceWindowDays: number },
): FindingContext {
  const accessEdges = new Map<string, InventoryEdge[]>();
  for (const edge of inventory.edges) {
    if (edge.kind !== 'CAN_ACCESS') continue;
    const key = `${edge.from}\u0000${edge.to}`;
    const list = accessEdges.get(key);
    if (list) list.push(edge);
    else accessEdges.set(key, [edge]);
  }
  return {
    inventory,
    paths,
    evidenceWindowDays: opts.evidenceWindowDays,
    workloads: new Map(inventory.workloads.map((x) => [x.id, x])),
    identities: new Map(inventory.identities.map((x) => [x.id, x])),
    credentials: new Map(inventory.credentials.map((x) => [x.id, x])),
    destinations: new Map(inventory.destinations.map((x) => [x.id, x])),
    domains: new Map(inventory.domains.map((x) => [x.id, x])),
    accessEdges,
  };
}

/**
 * Human label of an entity for remediation text: `name (id)`, or the bare id when unknown.
 *
 * @example `label(ctx.identities, 'aws:iam:role/x'); // 'deploy (aws:iam:role/x)'`
 */
export function label(index: Map<string, { name: string }>, id: string): string {
  const entity = index.get(id);
  return entity ? `${entity.name} (${id})` : id;
}

/**
 * How to refer to a destination in remediation text: its resource, else host, else id.
 *
 * @example `destinationRef(ctx, 'aws:s3:bucket/pii'); // 'arn:aws:s3:::pii/*'`
 */
export function destinationRef(ctx: FindingContext, destinationId: string): string {
  const d = ctx.destinations.get(destinationId);
  return d?.resource ?? d?.host ?? destinationId;
}
