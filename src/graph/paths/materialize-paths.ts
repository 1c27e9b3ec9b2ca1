import type {
  DataDomain,
  Destination,
  ExecutionEvidence,
  Inventory,
  InventoryEdge,
} from '../model/inventory.ts';
import type { AuthorityPath, CredentialPosture, EvidenceGrade, OrphanedAt } from './authority-path.ts';
import { pathId } from './path-id.ts';

/**
 * Options of {@link materializePaths}: `now` is the reference time; evidence older than
 * `evidenceWindowDays` before `now` (or later than `now`) does not count.
 *
 * @example `const opts: MaterializeOptions = { now: new Date(), evidenceWindowDays: 90 };`
 */
export interface MaterializeOptions {
  now: Date;
  evidenceWindowDays: number;
}

const DAY_MS = 86_400_000;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pairKey(identity: string, destination: string): string {
  return `${identity}\u0000${destination}`;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

interface Access {
  destination: Destination;
  actions: string[];
  edges: InventoryEdge[];
}

interface Grading {
  grade: EvidenceGrade;
  evidence: ExecutionEvidence[];
}

/** Best grade for each identity+destination pair with evidence inside the window. */
function gradeEvidence(evidence: ExecutionEvidence[], opts: MaterializeOptions): Map<string, Grading> {
  const nowMs = opts.now.getTime();
  const cutoff = nowMs - opts.evidenceWindowDays * DAY_MS;
  const byPair = new Map<string, { confirmed: ExecutionEvidence[]; inferred: ExecutionEvidence[] }>();
  for (const record of evidence) {
    const t = Date.parse(record.time);
    if (Number.isNaN(t) || t < cutoff || t > nowMs) continue;
    const key = pairKey(record.identity, record.destination);
    let slot = byPair.get(key);
    if (!slot) {
      slot = { confirmed: [], inferred: [] };
      byPair.set(key, slot);
    }
    slot[record.kind].push(record);
  }
  const grades = new Map<string, Grading>();
  for (const [key, slot] of byPair) {
    grades.set(key, slot.confirmed.length > 0 ? { grade: 'A', evidence: slot.confirmed } : { grade: 'B', evidence: slot.inferred });
  }
  return grades;
}

/**
 * Materializes every workload → identity (RUNS_AS) → destination (CAN_ACCESS) → domain (HOLDS)
 * path of an inventory. A destination that holds no domain yields one path with `domain: null`.
 * Several CAN_ACCESS edges between the same identity and destination are folded into one path whose
 * actions are the sorted union. Grade: A when confirmed evidence for the identity+destination lies
 * within the window, B when only inferred evidence does, else C (the evidence used is attached).
 * Ownership: `orphaned` when the workload or the identity has no OWNED_BY edge (`orphaned_at` says
 * which). Credential posture comes from the identity's HAS_CREDENTIAL credentials. Edges naming
 * unknown entities are ignored (see `validateInventory`).
 *
 * Runs in time linear in the number of paths plus the size of the inventory (adjacency is indexed
 * in Maps; per-pair and per-identity facts are computed once). Output order is by workload,
 * identity, destination, domain id.
 *
 * @example
 * ```ts
 * const paths = materializePaths(inventory, { now: new Date(), evidenceWindowDays: 90 });
 * const standing = paths.filter((p) => p.grade === 'C');
 * ```
 */
export function materializePaths(inv: Inventory, opts: MaterializeOptions): AuthorityPath[] {
  const identityIds = new Set(inv.identities.map((i) => i.id));
  const destinationsById = new Map(inv.destinations.map((d) => [d.id, d]));
  const domainsById = new Map(inv.domains.map((d) => [d.id, d]));
  const credentialsById = new Map(inv.credentials.map((c) => [c.id, c]));

  const runsAs = new Map<string, InventoryEdge[]>();
  const accessEdges = new Map<string, InventoryEdge[]>();
  const holds = new Map<string, InventoryEdge[]>();
  const credentialEdges = new Map<string, InventoryEdge[]>();
  const ownersOf = new Map<string, string[]>();
  for (const edge of inv.edges) {
    switch (edge.kind) {
      case 'RUNS_AS':
        if (identityIds.has(edge.to)) pushTo(runsAs, edge.from, edge);
        break;
      case 'CAN_ACCESS':
        if (destinationsById.has(edge.to)) pushTo(accessEdges, edge.from, edge);
        break;
      case 'HOLDS':
        if (domainsById.has(edge.to)) pushTo(holds, edge.from, edge);
        break;
      case 'HAS_CREDENTIAL':
        if (credentialsById.has(edge.to)) pushTo(credentialEdges, edge.from, edge);
        break;
      case 'OWNED_BY':
        pushTo(ownersOf, edge.from, edge.to);
        break;
    }
  }

  const grades = gradeEvidence(inv.evidence, opts);

  /** identity → its destinations with folded actions, sorted by destination id (memoized). */
  const accessCache = new Map<string, Access[]>();
  const accessOf = (identity: string): Access[] => {
    const cached = accessCache.get(identity);
    if (cached) return cached;
    const byDestination = new Map<string, Access>();
    for (const edge of accessEdges.get(identity) ?? []) {
      const destination = destinationsById.get(edge.to) as Destination;
      let access = byDestination.get(edge.to);
      if (!access) {
        access = { destination, actions: [], edges: [] };
        byDestination.set(edge.to, access);
      }
      access.edges.push(edge);
      for (const action of edge.actions ?? []) access.actions.push(action);
    }
    const list = [...byDestination.values()].sort((a, b) => compareText(a.destination.id, b.destination.id));
    for (const access of list) access.actions = [...new Set(access.actions)].sort(compareText);
    accessCache.set(identity, list);
    return list;
  };

  /** destination → held domains sorted by id, with the HOLDS edge (memoized). */
  const holdsCache = new Map<string, Array<{ domain: DataDomain; edge: InventoryEdge }>>();
  const domainsOf = (destination: string): Array<{ domain: DataDomain; edge: InventoryEdge }> => {
    const cached = holdsCache.get(destination);
    if (cached) return cached;
    const seen = new Map<string, { domain: DataDomain; edge: InventoryEdge }>();
    for (const edge of holds.get(destination) ?? []) {
      if (!seen.has(edge.to)) seen.set(edge.to, { domain: domainsById.get(edge.to) as DataDomain, edge });
    }
    const list = [...seen.values()].sort((a, b) => compareText(a.domain.id, b.domain.id));
    holdsCache.set(destination, list);
    return list;
  };

  const postureCache = new Map<string, { posture: CredentialPosture; credentials: string[] }>();
  const postureOf = (identity: string): { posture: CredentialPosture; credentials: string[] } => {
    const cached = postureCache.get(identity);
    if (cached) return cached;
    const credentials = [...new Set((credentialEdges.get(identity) ?? []).map((e) => e.to))].sort(compareText);
    const lifetimes = credentials.map((id) => credentialsById.get(id)?.lifetime);
    const posture: CredentialPosture = lifetimes.includes('long-lived')
      ? 'long-lived'
      : lifetimes.length > 0
        ? 'short-lived'
        : 'none';
    const result = { posture, credentials };
    postureCache.set(identity, result);
    return result;
  };

  const paths: AuthorityPath[] = [];
  const workloads = [...inv.workloads].sort((a, b) => compareText(a.id, b.id));
  for (const workload of workloads) {
    const workloadOwners = ownersOf.get(workload.id) ?? [];
    const runsAsEdges = [...(runsAs.get(workload.id) ?? [])].sort((a, b) => compareText(a.to, b.to));
    const seenIdentities = new Set<string>();
    for (const runsAsEdge of runsAsEdges) {
      const identity = runsAsEdge.to;
      if (seenIdentities.has(identity)) continue;
      seenIdentities.add(identity);
      const identityOwners = ownersOf.get(identity) ?? [];
      const orphanedAt: OrphanedAt[] = [];
      if (workloadOwners.length === 0) orphanedAt.push('workload');
      if (identityOwners.length === 0) orphanedAt.push('identity');
      const owners = [...new Set([...workloadOwners, ...identityOwners])].sort(compareText);
      const { posture, credentials } = postureOf(identity);
      for (const access of accessOf(identity)) {
        const grading = grades.get(pairKey(identity, access.destination.id)) ?? { grade: 'C' as const, evidence: [] };
        const held = domainsOf(access.destination.id);
        const targets = held.length > 0 ? held : [null];
        for (const target of targets) {
          const domainId = target ? target.domain.id : null;
          paths.push({
            path_id: pathId(workload.id, identity, access.destination.id, domainId),
            workload: workload.id,
            identity,
            destination: access.destination.id,
            domain: domainId,
            actions: access.actions,
            grade: grading.grade,
            evidence: grading.evidence,
            egress_class: access.destination.egress_class ?? null,
            ownership: orphanedAt.length === 0 ? 'owned' : 'orphaned',
            orphaned_at: orphanedAt,
            owners,
            credential_posture: posture,
            credentials,
            sensitivity: target ? target.domain.sensitivity : null,
            edges: target ? [runsAsEdge, ...access.edges, target.edge] : [runsAsEdge, ...access.edges],
          });
        }
      }
    }
  }
  return paths;
}
