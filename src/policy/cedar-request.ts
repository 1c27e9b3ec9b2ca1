/**
 * The intent → Cedar mapping (documented in `src/policy/README.md`).
 *
 * | intent | Cedar |
 * |---|---|
 * | `principal {type, id}` | principal entity `Writ::<Type>::"<id>"`, no attributes |
 * | `action_scope` | action `Writ::Action::"<action_scope>"` |
 * | `resource {type, id, attrs}` | resource entity `Writ::<Type>::"<id>"`, `attrs` projected onto its declared shape |
 * | `execution_identity` | `context.execution` |
 * | `context` | `context.request` |
 * | `parameters` | `context.parameters` |
 * | ids of principal and resource | `context.principal_id`, `context.resource_id` |
 * | `now` | `context.now` (a `datetime`) |
 * | signals | `context.signals` {phase_hold, incident: {global, targets, environments}, trusted_mcp_servers} |
 *
 * `<Type>` is the snake_case type in PascalCase (`role_binding` → `RoleBinding`). The
 * whole context is fitted onto the action's declared context type (`fit-value.ts`):
 * a bundle sees exactly the fields its schema declares, each type-checked.
 *
 * @module
 */
import type { CedarContext } from './cedar.ts';
import { NO_FIT } from './fit-value.ts';
import type { EvaluationInput, ScopedSignal } from './intent.ts';
import { WRIT_NAMESPACE, type SchemaModel } from './schema-model.ts';

/**
 * An intent mapped onto a bundle's schema: uids, the projected and type-checked
 * resource attributes and context. Which parts reach Cedar is decided per action
 * (`action-plan.ts`).
 *
 * @example
 * ```ts
 * const m = mapIntent(bundle.model, input);
 * if ('mapped' in m) m.mapped.action; // { type: 'Writ::Action', id: 'promotion' }
 * ```
 */
export interface MappedIntent {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  resourceAttrs: Record<string, unknown>;
  context: CedarContext;
}

/**
 * A scoped signal list as Cedar sees it: Cedar cannot iterate, so the list is flattened
 * into "applies everywhere" plus the sets of targets and environments it names.
 *
 * @example
 * ```ts
 * const s: CedarScopedSignal = { global: false, targets: ['payments/prod'], environments: [] };
 * ```
 */
export interface CedarScopedSignal {
  global: boolean;
  targets: string[];
  environments: string[];
}

/**
 * Qualified Cedar entity type of an intent type name.
 *
 * @example
 * ```ts
 * entityTypeName('role_binding'); // 'Writ::RoleBinding'
 * entityTypeName('k8s_cluster');  // 'Writ::K8sCluster'
 * ```
 */
export function entityTypeName(type: string): string {
  let name = typeNames.get(type);
  if (name === undefined) {
    const pascal = type
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
    name = `${WRIT_NAMESPACE}::${pascal}`;
    if (typeNames.size < 10_000) typeNames.set(type, name);
  }
  return name;
}

/** Memo of {@link entityTypeName} (bounded: type names come from requests). */
const typeNames = new Map<string, string>();

/**
 * Flattens scoped signals: `global` when any entry names neither targets nor
 * environments; otherwise the union of what they name (sorted, unique).
 *
 * @example
 * ```ts
 * flattenScoped([{ id: 'H1', targets: ['a'] }, { id: 'H2', environments: ['prod'] }]);
 * // { global: false, targets: ['a'], environments: ['prod'] }
 * flattenScoped([{ id: 'INC-1' }]); // { global: true, targets: [], environments: [] }
 * ```
 */
export function flattenScoped(list: readonly ScopedSignal[]): CedarScopedSignal {
  let global = false;
  const targets: string[] = [];
  const environments: string[] = [];
  for (const s of list) {
    const t = s.targets ?? [];
    const e = s.environments ?? [];
    if (t.length === 0 && e.length === 0) global = true;
    for (const x of t) targets.push(x);
    for (const x of e) environments.push(x);
  }
  return { global, targets: uniqueSorted(targets), environments: uniqueSorted(environments) };
}

/** The strings of `list`, sorted and without repeats (a new array). */
function uniqueSorted(list: readonly string[]): string[] {
  return list.length < 2 ? [...list] : [...new Set(list)].sort();
}

const ACTION_TYPE = `${WRIT_NAMESPACE}::Action`;

/**
 * Maps a checked evaluation input onto the bundle whose schema is `model`. Returns the
 * problems (never throws) when the action scope is not declared, the principal or
 * resource type does not apply to it, or a declared value has the wrong type.
 *
 * @example
 * ```ts
 * const m = mapIntent(bundle.model, { intent, signals, now });
 * if ('errors' in m) console.log(m.errors); // ['action scope "deploy" is not declared by this bundle']
 * ```
 */
export function mapIntent(model: SchemaModel, input: EvaluationInput): { mapped: MappedIntent } | { errors: string[] } {
  const { intent, signals, now } = input;
  const action = model.actions.get(intent.action_scope);
  if (!action) return { errors: [`action scope ${JSON.stringify(intent.action_scope)} is not declared by this bundle`] };
  const principalType = entityTypeName(intent.principal.type);
  if (!action.principalTypes.has(principalType)) {
    return { errors: [`principal type ${JSON.stringify(intent.principal.type)} (${principalType}) may not request ${JSON.stringify(intent.action_scope)}`] };
  }
  const resourceType = entityTypeName(intent.resource.type);
  if (!action.resourceTypes.has(resourceType)) {
    return { errors: [`resource type ${JSON.stringify(intent.resource.type)} (${resourceType}) is not a target of ${JSON.stringify(intent.action_scope)}`] };
  }
  const principalShape = model.entityShape(principalType);
  const shape = model.entityShape(resourceType);
  const x = intent.execution_identity;
  const full = {
    now: now.toISOString(),
    principal_id: intent.principal.id,
    resource_id: intent.resource.id,
    execution: { agent_id: x.agent_id, pipeline_id: x.pipeline_id, region: x.region, env_tier: x.env_tier, spiffe_id: x.spiffe_id },
    request: intent.context ?? {},
    parameters: intent.parameters ?? {},
    signals: {
      phase_hold: flattenScoped(signals.phase_holds),
      incident: flattenScoped(signals.active_incidents),
      trusted_mcp_servers: uniqueSorted(signals.trusted_mcp_servers),
    },
  };
  // Most intents fit: try the fits without diagnostics first, and run the ones that
  // explain what is wrong only when something does not fit.
  const attrs = intent.resource.attrs ?? {};
  let resourceAttrs = (shape ? model.quickFit(shape)(attrs) : {}) as Record<string, unknown> | typeof NO_FIT;
  let context = (action.context ? model.quickFit(action.context)(full) : {}) as CedarContext | typeof NO_FIT;
  if ((principalShape && model.quickFit(principalShape)({}) === NO_FIT) || resourceAttrs === NO_FIT || context === NO_FIT) {
    const errors: string[] = [];
    if (principalShape) model.fit(principalShape)({}, 'principal (an intent gives no principal attributes)', errors);
    resourceAttrs = (shape ? model.fit(shape)(attrs, 'resource.attrs', errors) : {}) as Record<string, unknown>;
    context = (action.context ? model.fit(action.context)(full, 'context', errors) : {}) as CedarContext;
    if (errors.length > 0) return { errors };
  }
  return {
    mapped: {
      principal: { type: principalType, id: intent.principal.id },
      action: { type: ACTION_TYPE, id: intent.action_scope },
      resource: { type: resourceType, id: intent.resource.id },
      resourceAttrs,
      context,
    },
  };
}
