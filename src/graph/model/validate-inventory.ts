import { Ajv2020 } from 'ajv/dist/2020.js';
import type { EdgeKind, Inventory } from './inventory.ts';
import { INVENTORY_JSON_SCHEMA } from './inventory-schema.ts';

/**
 * One validation problem, located by JSON pointer into the document.
 *
 * @example `const e: InventoryValidationError = { pointer: '/edges/3/to', message: 'unknown destination x' };`
 */
export interface InventoryValidationError {
  pointer: string;
  message: string;
}

/**
 * Result of {@link validateInventory}.
 *
 * @example `const r: InventoryValidationResult = { valid: true, errors: [] };`
 */
export interface InventoryValidationResult {
  valid: boolean;
  errors: InventoryValidationError[];
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateShape = ajv.compile(INVENTORY_JSON_SCHEMA);

type EntityCollection = 'workloads' | 'identities' | 'credentials' | 'destinations' | 'domains' | 'owners';

/** Which entity collections each edge kind may start and end in. */
const EDGE_ENDPOINTS: Record<EdgeKind, { from: EntityCollection[]; to: EntityCollection[] }> = {
  RUNS_AS: { from: ['workloads'], to: ['identities'] },
  HAS_CREDENTIAL: { from: ['identities'], to: ['credentials'] },
  CAN_ACCESS: { from: ['identities'], to: ['destinations'] },
  HOLDS: { from: ['destinations'], to: ['domains'] },
  OWNED_BY: { from: ['workloads', 'identities'], to: ['owners'] },
};

const COLLECTIONS: EntityCollection[] = ['workloads', 'identities', 'credentials', 'destinations', 'domains', 'owners'];

function referentialErrors(inv: Inventory): InventoryValidationError[] {
  const errors: InventoryValidationError[] = [];
  const collectionOf = new Map<string, EntityCollection>();
  for (const collection of COLLECTIONS) {
    inv[collection].forEach((entity, index) => {
      const seen = collectionOf.get(entity.id);
      if (seen !== undefined) {
        errors.push({ pointer: `/${collection}/${index}/id`, message: `duplicate id ${entity.id} (already in ${seen})` });
      } else {
        collectionOf.set(entity.id, collection);
      }
    });
  }
  inv.edges.forEach((edge, index) => {
    const allowed = EDGE_ENDPOINTS[edge.kind];
    for (const end of ['from', 'to'] as const) {
      const found = collectionOf.get(edge[end]);
      if (found === undefined) {
        errors.push({ pointer: `/edges/${index}/${end}`, message: `${edge.kind} ${end} unknown entity ${edge[end]}` });
      } else if (!allowed[end].includes(found)) {
        errors.push({
          pointer: `/edges/${index}/${end}`,
          message: `${edge.kind} ${end} must be in ${allowed[end].join(' or ')}, but ${edge[end]} is in ${found}`,
        });
      }
    }
    if (edge.kind === 'CAN_ACCESS' && (edge.actions === undefined || edge.actions.length === 0)) {
      errors.push({ pointer: `/edges/${index}/actions`, message: 'CAN_ACCESS edge needs at least one action' });
    }
  });
  inv.evidence.forEach((record, index) => {
    if (collectionOf.get(record.identity) !== 'identities') {
      errors.push({ pointer: `/evidence/${index}/identity`, message: `unknown identity ${record.identity}` });
    }
    if (collectionOf.get(record.destination) !== 'destinations') {
      errors.push({ pointer: `/evidence/${index}/destination`, message: `unknown destination ${record.destination}` });
    }
    if (Number.isNaN(Date.parse(record.time))) {
      errors.push({ pointer: `/evidence/${index}/time`, message: `unparseable time ${record.time}` });
    }
  });
  return errors;
}

/**
 * Validates a value as a `writ.inventory.v1` document: first its shape against
 * {@link INVENTORY_JSON_SCHEMA}, then (only if the shape is valid) referential integrity — unique
 * ids across collections, every edge endpoint exists and is of the right kind (RUNS_AS workload →
 * identity, HAS_CREDENTIAL identity → credential, CAN_ACCESS identity → destination with actions,
 * HOLDS destination → domain, OWNED_BY workload/identity → owner) and evidence names an existing
 * identity and destination.
 *
 * @example
 * ```ts
 * const result = validateInventory(JSON.parse(text));
 * if (!result.valid) for (const e of result.errors) console.error(`${e.pointer}: ${e.message}`);
 * ```
 */
export function validateInventory(value: unknown): InventoryValidationResult {
  if (!validateShape(value)) {
    const errors = (validateShape.errors ?? []).map((e) => ({
      pointer: e.instancePath === '' ? '/' : e.instancePath,
      message: e.message ?? e.keyword,
    }));
    return { valid: false, errors };
  }
  const errors = referentialErrors(value as unknown as Inventory);
  return { valid: errors.length === 0, errors };
}
