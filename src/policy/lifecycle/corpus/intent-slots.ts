/**
 * Where each declared value of an action lives in an intent: the "slots" a generated
 * corpus fills. The intent → Cedar mapping (`src/policy/README.md`) puts
 * `resource.attrs` on the resource entity and the intent's `execution_identity`,
 * `context`, `parameters` and ids under `context`; a slot pairs the Cedar path policies
 * read (`resource.tier`, `context.execution.env_tier`) with the intent path that feeds it
 * (`resource.attrs.tier`, `execution_identity.env_tier`), and carries the declared type,
 * so generated values fit the schema.
 *
 * @module
 */
import type { JsonValue } from '../../intent.ts';
import type { SchemaModel, SchemaType } from '../../schema-model.ts';

/**
 * One declared value of an action's request, and where it comes from in an intent.
 *
 * @example
 * ```ts
 * const s: IntentSlot = { root: 'resource', cedarPath: ['tier'], intentPath: ['resource', 'attrs', 'tier'], type: { type: 'String' }, required: true, allowed: null };
 * ```
 */
export interface IntentSlot {
  root: 'resource' | 'context';
  /** Attribute path under `root`, as policies read it. */
  cedarPath: readonly string[];
  /** Path of the value inside the intent. */
  intentPath: readonly string[];
  /** Declared type, resolved to a structural type. */
  type: SchemaType;
  /** Required in its record (every record above it is present). */
  required: boolean;
  /** The only values an intent may carry here (`env_tier`), or null. */
  allowed: readonly string[] | null;
}

/** Fields of `execution_identity` an intent may carry (`check-intent.ts`). */
const EXECUTION_FIELDS = new Set(['agent_id', 'pipeline_id', 'region', 'env_tier', 'spiffe_id']);
const ENV_TIERS: readonly string[] = ['prod', 'stage', 'dev'];
const EXTENSION_DEFAULTS: Readonly<Record<string, string>> = {
  datetime: '2025-01-01T00:00:00Z',
  decimal: '0.0',
  ipaddr: '127.0.0.1',
  duration: '1h',
};

/** Context attributes the mapping fills from intent fields, and where from. */
const CONTEXT_SOURCES: Readonly<Record<string, readonly string[]>> = {
  execution: ['execution_identity'],
  request: ['context'],
  parameters: ['parameters'],
  principal_id: ['principal', 'id'],
  resource_id: ['resource', 'id'],
};

function attributesOf(model: SchemaModel, t: SchemaType | null | undefined): Array<[string, SchemaType]> {
  if (!t) return [];
  const r = model.resolve(t);
  return r.type === 'Record' ? Object.entries(r.attributes ?? {}) : [];
}

function recordSlots(
  model: SchemaModel,
  type: SchemaType,
  root: IntentSlot['root'],
  cedarPrefix: readonly string[],
  intentPrefix: readonly string[],
  requiredAbove: boolean,
  keep: (name: string) => boolean,
  out: IntentSlot[],
): void {
  for (const [name, declared] of attributesOf(model, type)) {
    if (!keep(name)) continue;
    const resolved = model.resolve(declared);
    const required = requiredAbove && declared.required !== false;
    const cedarPath = [...cedarPrefix, name];
    const intentPath = [...intentPrefix, name];
    const allowed = intentPrefix[0] === 'execution_identity' && name === 'env_tier' ? ENV_TIERS : null;
    out.push({ root, cedarPath, intentPath, type: resolved, required, allowed });
    if (resolved.type === 'Record') recordSlots(model, resolved, root, cedarPath, intentPath, required, () => true, out);
  }
}

/**
 * The slots of one action for one resource type (qualified, e.g. `Writ::Environment`),
 * in schema order: the resource's attributes, then the context's mapped attributes.
 * `context.now` and `context.signals` are not slots: they come from the evaluation's
 * `now` and signals.
 *
 * @example
 * ```ts
 * actionSlots(bundle.model, 'promotion', 'Writ::Environment').map((s) => s.intentPath.join('.'));
 * // ['resource.attrs.tier', 'execution_identity.agent_id', …, 'principal.id', 'context.artifact_digest', …, 'resource.id']
 * ```
 */
export function actionSlots(model: SchemaModel, action: string, resourceType: string): IntentSlot[] {
  const out: IntentSlot[] = [];
  const shape = model.entityShape(resourceType);
  if (shape) recordSlots(model, shape, 'resource', [], ['resource', 'attrs'], true, () => true, out);
  const context = model.actions.get(action)?.context;
  for (const [name, declared] of attributesOf(model, context)) {
    const source = CONTEXT_SOURCES[name];
    if (!source) continue;
    const resolved = model.resolve(declared);
    const required = declared.required !== false;
    if (source.length === 2) {
      if (resolved.type === 'String') out.push({ root: 'context', cedarPath: [name], intentPath: source, type: resolved, required, allowed: null });
      continue;
    }
    const keep = source[0] === 'execution_identity' ? (f: string) => EXECUTION_FIELDS.has(f) : () => true;
    recordSlots(model, resolved, 'context', [name], source, required, keep, out);
  }
  return out;
}

/**
 * A value of a declared type that fits it: a placeholder string, `0`, `false`, an empty
 * set, a record with its required attributes, the format an extension type expects.
 * `undefined` for an entity reference, which an intent cannot carry.
 *
 * @example
 * ```ts
 * defaultValue(model, { type: 'String' }, 'line'); // 'corpus-line'
 * defaultValue(model, { type: 'Extension', name: 'datetime' }, 'at'); // '2025-01-01T00:00:00Z'
 * ```
 */
export function defaultValue(model: SchemaModel, type: SchemaType, name: string): JsonValue | undefined {
  const t = model.resolve(type);
  switch (t.type) {
    case 'String':
      return name === 'env_tier' ? 'dev' : `corpus-${name}`;
    case 'Long':
      return 0;
    case 'Boolean':
    case 'Bool':
      return false;
    case 'Set':
      return [];
    case 'Record':
      return completeRequired(model, {}, t);
    case 'Extension':
      return EXTENSION_DEFAULTS[t.name ?? ''];
    default:
      return undefined;
  }
}

/**
 * Adds every required attribute `record` lacks (recursively, into records it has), so a
 * value built by changing one field still fits. Mutates and returns `record`.
 *
 * @example
 * ```ts
 * completeRequired(model, {}, model.entityShape('Writ::Branch')!); // { name: 'corpus-name', repo: 'corpus-repo' }
 * ```
 */
export function completeRequired(model: SchemaModel, record: Record<string, JsonValue>, type: SchemaType): Record<string, JsonValue> {
  for (const [name, declared] of attributesOf(model, type)) {
    const present = record[name];
    if (present === undefined || present === null) {
      if (declared.required === false) continue;
      const v = defaultValue(model, declared, name);
      if (v !== undefined) record[name] = v;
    } else if (typeof present === 'object' && !Array.isArray(present) && model.resolve(declared).type === 'Record') {
      completeRequired(model, present, declared);
    }
  }
  return record;
}
