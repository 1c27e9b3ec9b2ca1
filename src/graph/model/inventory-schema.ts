/**
 * JSON Schema (draft 2020-12) of a `writ.inventory.v1` document. Structural only; referential
 * checks (edges pointing at existing entities of the right kinds) live in `validateInventory`.
 *
 * @example
 * ```ts
 * import { Ajv2020 } from 'ajv/dist/2020.js';
 * const validate = new Ajv2020({ allErrors: true }).compile(INVENTORY_JSON_SCHEMA);
 * validate(JSON.parse(text));
 * ```
 */
export const INVENTORY_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://writ.dev/schemas/writ.inventory.v1.json',
  title: 'writ.inventory.v1',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'workloads', 'identities', 'credentials', 'destinations', 'domains', 'owners', 'edges', 'evidence'],
  properties: {
    schema: { const: 'writ.inventory.v1' },
    workloads: { type: 'array', items: { $ref: '#/$defs/workload' } },
    identities: { type: 'array', items: { $ref: '#/$defs/identity' } },
    credentials: { type: 'array', items: { $ref: '#/$defs/credential' } },
    destinations: { type: 'array', items: { $ref: '#/$defs/destination' } },
    domains: { type: 'array', items: { $ref: '#/$defs/domain' } },
    owners: { type: 'array', items: { $ref: '#/$defs/owner' } },
    edges: { type: 'array', items: { $ref: '#/$defs/edge' } },
    evidence: { type: 'array', items: { $ref: '#/$defs/evidence' } },
  },
  $defs: {
    id: { type: 'string', minLength: 1 },
    time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' },
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['connector', 'file'],
      properties: {
        connector: { type: 'string', minLength: 1 },
        file: { type: 'string', minLength: 1 },
        pointer: { type: 'string' },
        line: { type: 'integer', minimum: 1 },
      },
    },
    workload: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'kind', 'source'],
      properties: {
        id: { $ref: '#/$defs/id' },
        name: { type: 'string' },
        kind: { enum: ['ai-agent', 'ci-job', 'service', 'k8s-workload', 'other'] },
        source: { $ref: '#/$defs/source' },
      },
    },
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'kind', 'source'],
      properties: {
        id: { $ref: '#/$defs/id' },
        name: { type: 'string' },
        kind: { enum: ['cloud-role', 'cloud-user', 'service-account', 'service-principal', 'oidc-federated', 'other'] },
        account: { type: 'string' },
        source: { $ref: '#/$defs/source' },
      },
    },
    credential: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'kind', 'lifetime', 'source'],
      properties: {
        id: { $ref: '#/$defs/id' },
        name: { type: 'string' },
        kind: { type: 'string', minLength: 1 },
        lifetime: { enum: ['long-lived', 'short-lived'] },
        last_rotated: { $ref: '#/$defs/time' },
        source: { $ref: '#/$defs/source' },
      },
    },
    destination: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'kind', 'egress_class', 'source'],
      properties: {
        id: { $ref: '#/$defs/id' },
        name: { type: 'string' },
        kind: { enum: ['api', 'storage', 'database', 'llm-endpoint', 'cluster', 'other'] },
        resource: { type: 'string' },
        host: { type: 'string' },
        egress_class: { enum: ['llm-api', 'cloud-storage', 'external-http', 'internal', null] },
        source: { $ref: '#/$defs/source' },
      },
    },
    domain: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'sensitivity', 'source'],
      properties: {
        id: { $ref: '#/$defs/id' },
        name: { type: 'string' },
        sensitivity: { enum: ['public', 'internal', 'confidential', 'restricted'] },
        source: { $ref: '#/$defs/source' },
      },
    },
    owner: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'kind', 'source'],
      properties: {
        id: { $ref: '#/$defs/id' },
        name: { type: 'string' },
        kind: { enum: ['team', 'person', 'other'] },
        contact: { type: 'string' },
        source: { $ref: '#/$defs/source' },
      },
    },
    edge: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'from', 'to', 'source'],
      properties: {
        kind: { enum: ['RUNS_AS', 'HAS_CREDENTIAL', 'CAN_ACCESS', 'HOLDS', 'OWNED_BY'] },
        from: { $ref: '#/$defs/id' },
        to: { $ref: '#/$defs/id' },
        actions: { type: 'array', items: { type: 'string', minLength: 1 } },
        effect: { const: 'allow' },
        conditions: true,
        source: { $ref: '#/$defs/source' },
      },
    },
    evidence: {
      type: 'object',
      additionalProperties: false,
      required: ['identity', 'destination', 'action', 'time', 'kind', 'source'],
      properties: {
        identity: { $ref: '#/$defs/id' },
        destination: { $ref: '#/$defs/id' },
        action: { type: 'string', minLength: 1 },
        time: { $ref: '#/$defs/time' },
        kind: { enum: ['confirmed', 'inferred'] },
        source: { $ref: '#/$defs/source' },
      },
    },
  },
} as const;
