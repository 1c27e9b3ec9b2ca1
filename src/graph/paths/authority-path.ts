import type {
  CredentialLifetime,
  EgressClass,
  ExecutionEvidence,
  InventoryEdge,
  Sensitivity,
} from '../model/inventory.ts';

/**
 * Evidence grade of a path: A = confirmed execution within the window, B = inferred activity within
 * the window, C = standing authority with no execution proof.
 *
 * @example `const g: EvidenceGrade = 'C';`
 */
export type EvidenceGrade = 'A' | 'B' | 'C';

/**
 * Credential posture of the path's identity: `long-lived` if any of its credentials is long-lived,
 * else `short-lived` if it has any, else `none`.
 *
 * @example `const p: CredentialPosture = 'long-lived';`
 */
export type CredentialPosture = CredentialLifetime | 'none';

/**
 * The node of a path that has no OWNED_BY edge.
 *
 * @example `const at: OrphanedAt = 'identity';`
 */
export type OrphanedAt = 'workload' | 'identity';

/**
 * One materialized workload → identity → destination → domain path.
 *
 * `path_id` is the sha256 (hex) of the node ids joined by `\n` (domain as the empty string when
 * null). `edges` are the inventory edges walked (RUNS_AS, the CAN_ACCESS edges, HOLDS when a domain
 * is present), by reference, so each step can be traced to its source.
 * `actions`, `evidence`, `owners`, `credentials` and `orphaned_at` arrays may be shared between
 * paths of the same workload / identity / destination: treat them as read-only.
 *
 * @example
 * ```ts
 * const p: AuthorityPath = paths[0];
 * console.log(p.path_id, p.grade, p.actions.join(','), p.orphaned_at);
 * ```
 */
export interface AuthorityPath {
  path_id: string;
  workload: string;
  identity: string;
  destination: string;
  domain: string | null;
  actions: string[];
  grade: EvidenceGrade;
  evidence: ExecutionEvidence[];
  egress_class: EgressClass | null;
  ownership: 'owned' | 'orphaned';
  orphaned_at: OrphanedAt[];
  owners: string[];
  credential_posture: CredentialPosture;
  credentials: string[];
  sensitivity: Sensitivity | null;
  edges: InventoryEdge[];
}
