/**
 * Types of the `writ.inventory.v1` document: the entities and edges of the authority graph
 * (workload → identity → destination → data domain) plus the execution evidence that grades paths.
 *
 * Every entity carries a namespaced `id` (e.g. `aws:iam:role/arn:aws:iam::1234:role/deploy`), a
 * human `name` and the {@link SourceRef} of the fact, so a finding can cite where it came from.
 * Field names in the JSON document are snake_case.
 *
 * @example
 * ```ts
 * import type { Inventory } from './inventory.ts';
 * const empty: Inventory = {
 *   schema: 'writ.inventory.v1', workloads: [], identities: [], credentials: [],
 *   destinations: [], domains: [], owners: [], edges: [], evidence: [],
 * };
 * ```
 */

/** The schema tag of an inventory document. @example `const tag: InventorySchemaTag = 'writ.inventory.v1';` */
export type InventorySchemaTag = 'writ.inventory.v1';

/** The schema tag value. @example `inventory.schema === INVENTORY_SCHEMA` */
export const INVENTORY_SCHEMA: InventorySchemaTag = 'writ.inventory.v1';

/**
 * Where a fact came from: the connector that produced it, the input file, and optionally a JSON
 * pointer and/or line inside that file.
 *
 * @example
 * ```ts
 * const source: SourceRef = { connector: 'aws-iam', file: 'auth-details.json', pointer: '/RoleDetailList/0' };
 * ```
 */
export interface SourceRef {
  connector: string;
  file: string;
  pointer?: string;
  line?: number;
}

/** What runs: an AI agent, a CI/CD job, a service or a cluster workload. @example `const k: WorkloadKind = 'ci-job';` */
export type WorkloadKind = 'ai-agent' | 'ci-job' | 'service' | 'k8s-workload' | 'other';

/**
 * Something that executes and acts through an identity.
 *
 * @example
 * ```ts
 * const w: Workload = { id: 'k8s:deployment/prod/agent', name: 'agent', kind: 'ai-agent',
 *   source: { connector: 'k8s-rbac', file: 'deploy.yaml' } };
 * ```
 */
export interface Workload {
  id: string;
  name: string;
  kind: WorkloadKind;
  source: SourceRef;
}

/** Kinds of identity a workload can run as. @example `const k: IdentityKind = 'cloud-role';` */
export type IdentityKind =
  | 'cloud-role'
  | 'cloud-user'
  | 'service-account'
  | 'service-principal'
  | 'oidc-federated'
  | 'other';

/**
 * A principal that holds permissions (cloud role/user, service account, service principal, OIDC
 * federated identity). `account` is the cloud account / cluster / tenant it lives in, when known.
 *
 * @example
 * ```ts
 * const i: Identity = { id: 'aws:iam:role/arn:aws:iam::1234:role/deploy', name: 'deploy',
 *   kind: 'cloud-role', account: '1234', source: { connector: 'aws-iam', file: 'a.json' } };
 * ```
 */
export interface Identity {
  id: string;
  name: string;
  kind: IdentityKind;
  account?: string;
  source: SourceRef;
}

/** Whether a credential is standing (long-lived) or issued per use (short-lived). @example `const l: CredentialLifetime = 'long-lived';` */
export type CredentialLifetime = 'long-lived' | 'short-lived';

/**
 * A secret or token an identity authenticates with. `kind` is free text such as `access-key`,
 * `oidc-token`, `k8s-sa-token`, `client-secret`; `last_rotated` is an ISO time when known.
 *
 * @example
 * ```ts
 * const c: Credential = { id: 'aws:iam:access-key/AKIA1', name: 'AKIA1', kind: 'access-key',
 *   lifetime: 'long-lived', last_rotated: '2025-01-01T00:00:00Z', source: { connector: 'aws-iam', file: 'a.json' } };
 * ```
 */
export interface Credential {
  id: string;
  name: string;
  kind: string;
  lifetime: CredentialLifetime;
  last_rotated?: string;
  source: SourceRef;
}

/** Where traffic to a destination goes. @example `const e: EgressClass = 'llm-api';` */
export type EgressClass = 'llm-api' | 'cloud-storage' | 'external-http' | 'internal';

/** Kinds of destination. @example `const k: DestinationKind = 'storage';` */
export type DestinationKind = 'api' | 'storage' | 'database' | 'llm-endpoint' | 'cluster' | 'other';

/**
 * Something an identity can act on. `resource` is the provider's resource name (ARN, URL, k8s
 * resource) and may contain `*`; `egress_class` is null when unclassified.
 *
 * @example
 * ```ts
 * const d: Destination = { id: 'aws:s3:bucket/customer-exports', name: 'customer-exports',
 *   kind: 'storage', resource: 'arn:aws:s3:::customer-exports/*', egress_class: 'cloud-storage',
 *   source: { connector: 'aws-iam', file: 'a.json' } };
 * ```
 */
export interface Destination {
  id: string;
  name: string;
  kind: DestinationKind;
  resource?: string;
  host?: string;
  egress_class: EgressClass | null;
  source: SourceRef;
}

/** Sensitivity of a data domain, least to most. @example `const s: Sensitivity = 'restricted';` */
export type Sensitivity = 'public' | 'internal' | 'confidential' | 'restricted';

/** Sensitivities that count as "sensitive" for findings. @example `SENSITIVE_LEVELS.includes('restricted') // true` */
export const SENSITIVE_LEVELS: readonly Sensitivity[] = ['confidential', 'restricted'];

/**
 * True when a sensitivity is confidential or restricted.
 *
 * @example
 * ```ts
 * isSensitive('restricted'); // true
 * isSensitive('internal');   // false
 * ```
 */
export function isSensitive(sensitivity: Sensitivity | null | undefined): boolean {
  return sensitivity != null && SENSITIVE_LEVELS.includes(sensitivity);
}

/**
 * A class of data held behind destinations (customer PII, payment data…).
 *
 * @example
 * ```ts
 * const dom: DataDomain = { id: 'domain:customer-pii', name: 'Customer PII', sensitivity: 'restricted',
 *   source: { connector: 'domains-yaml', file: 'domains.yaml', line: 3 } };
 * ```
 */
export interface DataDomain {
  id: string;
  name: string;
  sensitivity: Sensitivity;
  source: SourceRef;
}

/**
 * A team or person accountable for a workload or identity.
 *
 * @example
 * ```ts
 * const o: Owner = { id: 'owner:team/platform', name: 'Platform', kind: 'team', contact: 'platform@example.com',
 *   source: { connector: 'owners-yaml', file: 'owners.yaml' } };
 * ```
 */
export interface Owner {
  id: string;
  name: string;
  kind: 'team' | 'person' | 'other';
  contact?: string;
  source: SourceRef;
}

/**
 * Edge kinds: RUNS_AS (workload → identity), HAS_CREDENTIAL (identity → credential), CAN_ACCESS
 * (identity → destination, with actions), HOLDS (destination → domain), OWNED_BY (workload or
 * identity → owner).
 *
 * @example `const k: EdgeKind = 'CAN_ACCESS';`
 */
export type EdgeKind = 'RUNS_AS' | 'HAS_CREDENTIAL' | 'CAN_ACCESS' | 'HOLDS' | 'OWNED_BY';

/**
 * A directed fact between two entities, with its source.
 *
 * @example
 * ```ts
 * const e: InventoryEdge = { kind: 'CAN_ACCESS', from: 'aws:iam:role/deploy', to: 'aws:s3:bucket/x',
 *   actions: ['s3:GetObject'], effect: 'allow', source: { connector: 'aws-iam', file: 'a.json' } };
 * ```
 */
export interface InventoryEdge {
  kind: EdgeKind;
  from: string;
  to: string;
  actions?: string[];
  effect?: 'allow';
  conditions?: unknown;
  source: SourceRef;
}

/** Strength of execution evidence: confirmed ⇒ grade A, inferred ⇒ grade B. @example `const k: EvidenceKind = 'confirmed';` */
export type EvidenceKind = 'confirmed' | 'inferred';

/**
 * A record that an identity used (confirmed) or likely used (inferred) a destination.
 *
 * @example
 * ```ts
 * const ev: ExecutionEvidence = { identity: 'aws:iam:role/deploy', destination: 'aws:s3:bucket/x',
 *   action: 's3:GetObject', time: '2026-11-01T10:00:00Z', kind: 'confirmed',
 *   source: { connector: 'cloudtrail', file: 'trail.json', pointer: '/Records/4' } };
 * ```
 */
export interface ExecutionEvidence {
  identity: string;
  destination: string;
  action: string;
  time: string;
  source: SourceRef;
  kind: EvidenceKind;
}

/**
 * A whole `writ.inventory.v1` document.
 *
 * @example
 * ```ts
 * const inv: Inventory = { schema: 'writ.inventory.v1', workloads: [], identities: [], credentials: [],
 *   destinations: [], domains: [], owners: [], edges: [], evidence: [] };
 * ```
 */
export interface Inventory {
  schema: InventorySchemaTag;
  workloads: Workload[];
  identities: Identity[];
  credentials: Credential[];
  destinations: Destination[];
  domains: DataDomain[];
  owners: Owner[];
  edges: InventoryEdge[];
  evidence: ExecutionEvidence[];
}

/**
 * An inventory with no entities, edges or evidence.
 *
 * @example
 * ```ts
 * const inv = emptyInventory();
 * inv.workloads.push(myWorkload);
 * ```
 */
export function emptyInventory(): Inventory {
  return {
    schema: INVENTORY_SCHEMA,
    workloads: [],
    identities: [],
    credentials: [],
    destinations: [],
    domains: [],
    owners: [],
    edges: [],
    evidence: [],
  };
}
