/**
 * Two bundle schemas compared by meaning: actions, entity types and common types added,
 * removed or changed. Each definition is compared with its type references expanded
 * (common types inlined, sets sorted where order means nothing), so an action whose
 * context type changed through a common type is reported as changed too, and
 * reformatting or reordering the schema text is no change.
 *
 * @module
 */
import { canonicalize } from '../../../crypto/jcs.ts';
import { cedar } from '../../cedar.ts';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { WRIT_NAMESPACE, type SchemaModel, type SchemaType } from '../../schema-model.ts';
import type { SemanticDiff } from '../artifacts.ts';

/**
 * The schema part of a semantic diff. Extends the artifact's shape with the common
 * types added and removed (the artifact only lists changed ones).
 *
 * @example
 * ```ts
 * const s: SchemaDiff = { changed: true, actions_added: ['deploy.rollback'], actions_removed: [], actions_changed: [], entity_types_added: [], entity_types_removed: [], entity_types_changed: [], common_types_added: [], common_types_removed: [], common_types_changed: [] };
 * ```
 */
export interface SchemaDiff extends Readonly<SemanticDiff['schema']> {
  common_types_added: string[];
  common_types_removed: string[];
}

type Definitions = Map<string, string>;
interface SchemaDefinitions {
  actions: Definitions;
  entityTypes: Definitions;
  commonTypes: Definitions;
}

const MAX_DEPTH = 32;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A type with every reference expanded (to a bounded depth: schemas cannot recurse, but be safe). */
function expand(model: SchemaModel, t: SchemaType, depth = 0): unknown {
  const r = depth > MAX_DEPTH ? t : model.resolve(t);
  const required = t.required === false ? { required: false } : {};
  if (r.type === 'Record') {
    const attributes = Object.fromEntries(Object.entries(r.attributes ?? {}).map(([k, v]) => [k, expand(model, v, depth + 1)]));
    return { type: 'Record', attributes, ...required };
  }
  if (r.type === 'Set' && r.element) return { type: 'Set', element: expand(model, r.element, depth + 1), ...required };
  return { ...r, ...required };
}

function sortedStrings(v: unknown): unknown {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : canonicalize(x))).sort() : v;
}

function definitions(bundle: CompiledBundle): SchemaDefinitions {
  const out: SchemaDefinitions = { actions: new Map(), entityTypes: new Map(), commonTypes: new Map() };
  const answer = cedar.schemaToJsonWithResolvedTypes(bundle.document.schema);
  if (answer.type !== 'success') return out;
  const model = bundle.model;
  for (const [ns, def] of Object.entries(answer.json as unknown as Record<string, Record<string, unknown>>)) {
    const qualify = (name: string) => (ns ? `${ns}::${name}` : name);
    for (const [name, t] of Object.entries((def.commonTypes ?? {}) as Record<string, SchemaType>)) {
      out.commonTypes.set(qualify(name), canonicalize(expand(model, t)));
    }
    for (const [name, e] of Object.entries((def.entityTypes ?? {}) as Record<string, Record<string, unknown>>)) {
      const norm: Record<string, unknown> = { ...e };
      if (isObject(e.shape)) norm.shape = expand(model, e.shape as unknown as SchemaType);
      if (Array.isArray(e.memberOfTypes)) norm.memberOfTypes = sortedStrings(e.memberOfTypes);
      if (Array.isArray(e.enum)) norm.enum = sortedStrings(e.enum);
      out.entityTypes.set(qualify(name), canonicalize(norm));
    }
    for (const [id, a] of Object.entries((def.actions ?? {}) as Record<string, Record<string, unknown>>)) {
      const applies = isObject(a.appliesTo) ? a.appliesTo : {};
      const norm = {
        memberOf: sortedStrings(a.memberOf ?? []),
        principalTypes: sortedStrings(applies.principalTypes ?? []),
        resourceTypes: sortedStrings(applies.resourceTypes ?? []),
        context: isObject(applies.context) ? expand(model, applies.context as unknown as SchemaType) : null,
      };
      out.actions.set(ns === WRIT_NAMESPACE ? id : `${qualify('Action')}::${JSON.stringify(id)}`, canonicalize(norm));
    }
  }
  return out;
}

function compare(a: Definitions, b: Definitions): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort();
  return { added, removed, changed };
}

/**
 * Compares the schemas of two bundles.
 *
 * @example
 * ```ts
 * diffSchemas(before, after).actions_added; // ['deploy.rollback']
 * ```
 */
export function diffSchemas(a: CompiledBundle, b: CompiledBundle): SchemaDiff {
  const da = definitions(a);
  const db = definitions(b);
  const actions = compare(da.actions, db.actions);
  const entities = compare(da.entityTypes, db.entityTypes);
  const common = compare(da.commonTypes, db.commonTypes);
  const lists = [actions, entities, common].flatMap((c) => [c.added, c.removed, c.changed]);
  return {
    changed: lists.some((l) => l.length > 0),
    actions_added: actions.added,
    actions_removed: actions.removed,
    actions_changed: actions.changed,
    entity_types_added: entities.added,
    entity_types_removed: entities.removed,
    entity_types_changed: entities.changed,
    common_types_added: common.added,
    common_types_removed: common.removed,
    common_types_changed: common.changed,
  };
}
