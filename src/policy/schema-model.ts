/**
 * What the intent mapping needs to know about a bundle's Cedar schema: the actions of
 * namespace `Writ` (their groups, which principal and resource types each applies to,
 * its context type), the attribute shape of each entity type, and the compiled fit of
 * each declared type (`fit-value.ts`), which makes the schema the allowlist of what an
 * intent can show to policy.
 *
 * @module
 */
import { cedar, cedarMessage } from './cedar.ts';
import { compileFit, compileQuickFit, type Fit, type QuickFit } from './fit-value.ts';

/**
 * The namespace every bundle declares its model in; the intent mapping targets it.
 *
 * @example
 * ```ts
 * `${WRIT_NAMESPACE}::Action`; // 'Writ::Action'
 * ```
 */
export const WRIT_NAMESPACE = 'Writ';

/**
 * A type as `schemaToJsonWithResolvedTypes` prints it.
 *
 * @example
 * ```ts
 * const t: SchemaType = { type: 'Record', attributes: { tier: { type: 'String' } } };
 * ```
 */
export interface SchemaType {
  type: string;
  name?: string;
  element?: SchemaType;
  attributes?: Record<string, SchemaType>;
  required?: boolean;
}

/**
 * One action of the schema.
 *
 * @example
 * ```ts
 * model.actions.get('promotion')?.resourceTypes.has('Writ::Environment'); // true
 * ```
 */
export interface ActionModel {
  /** Action groups this action is directly a member of, as `{ type, id }`. */
  parents: readonly { type: string; id: string }[];
  principalTypes: ReadonlySet<string>;
  resourceTypes: ReadonlySet<string>;
  /** The declared context type, or null when the action declares none (context `{}`). */
  context: SchemaType | null;
}

interface NamespaceJson {
  commonTypes?: Record<string, SchemaType>;
  entityTypes?: Record<string, { shape?: SchemaType }>;
  actions?: Record<
    string,
    { memberOf?: { id: string; type?: string }[]; appliesTo?: { principalTypes?: string[]; resourceTypes?: string[]; context?: SchemaType } }
  >;
}

const BUILTIN = new Set(['String', 'Long', 'Boolean', 'Bool', 'Set', 'Record', 'Entity', 'Extension']);
const EXTENSIONS = new Set(['datetime', 'decimal', 'ipaddr', 'duration']);
const MAX_RESOLVE = 64;

/**
 * A bundle schema, indexed for the intent mapping. Build it with {@link buildSchemaModel}.
 *
 * @example
 * ```ts
 * const { model } = buildSchemaModel(schemaText);
 * model?.entityShape('Writ::Environment'); // { type: 'Record', attributes: { tier: { type: 'String' } } }
 * ```
 */
export class SchemaModel {
  readonly actions: ReadonlyMap<string, ActionModel>;
  readonly #json: Readonly<Record<string, NamespaceJson>>;
  readonly #entities: ReadonlyMap<string, SchemaType | null>;
  readonly #fits = new WeakMap<SchemaType, Fit>();
  readonly #quickFits = new WeakMap<SchemaType, QuickFit>();

  constructor(json: Readonly<Record<string, NamespaceJson>>) {
    this.#json = json;
    const entities = new Map<string, SchemaType | null>();
    for (const [ns, def] of Object.entries(json)) {
      for (const [name, et] of Object.entries(def.entityTypes ?? {})) {
        entities.set(ns ? `${ns}::${name}` : name, et.shape ?? null);
      }
    }
    this.#entities = entities;
    const actions = new Map<string, ActionModel>();
    for (const [id, a] of Object.entries(json[WRIT_NAMESPACE]?.actions ?? {})) {
      actions.set(id, {
        parents: (a.memberOf ?? []).map((m) => ({ type: m.type ?? `${WRIT_NAMESPACE}::Action`, id: m.id })),
        principalTypes: new Set(a.appliesTo?.principalTypes ?? []),
        resourceTypes: new Set(a.appliesTo?.resourceTypes ?? []),
        context: a.appliesTo?.context ?? null,
      });
    }
    this.actions = actions;
  }

  /**
   * True when the schema declares namespace `ns` (`''` is the empty namespace).
   *
   * @example
   * ```ts
   * model.hasNamespace('Writ'); // true for every valid bundle
   * ```
   */
  hasNamespace(ns: string): boolean {
    return Object.hasOwn(this.#json, ns);
  }

  /**
   * True when the schema declares the (qualified) entity type.
   *
   * @example
   * ```ts
   * model.hasEntityType('Writ::File'); // true
   * ```
   */
  hasEntityType(qualified: string): boolean {
    return this.#entities.has(qualified);
  }

  /**
   * Declared attribute shape of an entity type (null when it has no attributes).
   *
   * @example
   * ```ts
   * model.entityShape('Writ::File'); // { type: 'Record', attributes: { path: { type: 'String' } } }
   * ```
   */
  entityShape(qualified: string): SchemaType | null {
    return this.#entities.get(qualified) ?? null;
  }

  /**
   * Follows common-type references until a structural type (`Record`, `Set`, `String`,
   * `Long`, `Boolean`, `Extension` with its name, or `Entity` with its name).
   *
   * @example
   * ```ts
   * model.resolve({ type: 'Writ::ScopedSignal' }).type; // 'Record'
   * model.resolve({ type: 'datetime' });                 // { type: 'Extension', name: 'datetime' }
   * ```
   */
  resolve(t: SchemaType): SchemaType {
    let cur = t;
    for (let i = 0; i < MAX_RESOLVE; i++) {
      if (BUILTIN.has(cur.type)) return cur;
      const name = cur.type === 'EntityOrCommon' ? (cur.name ?? '') : cur.type;
      const bare = name.startsWith('__cedar::') ? name.slice('__cedar::'.length) : name;
      if (EXTENSIONS.has(bare)) return { type: 'Extension', name: bare };
      const cut = name.lastIndexOf('::');
      const ns = cut === -1 ? '' : name.slice(0, cut);
      const local = cut === -1 ? name : name.slice(cut + 2);
      const common = this.#json[ns]?.commonTypes?.[local] ?? (cut === -1 ? this.#json[WRIT_NAMESPACE]?.commonTypes?.[local] : undefined);
      if (!common) return { type: 'Entity', name };
      cur = common;
    }
    return cur;
  }

  /**
   * The compiled fit (projection + type check, see `fit-value.ts`) of a declared type,
   * compiled on first use and cached.
   *
   * @example
   * ```ts
   * const errors: string[] = [];
   * model.fit(model.entityShape('Writ::Environment')!)({ tier: 'prod', extra: 1 }, 'resource.attrs', errors); // { tier: 'prod' }
   * ```
   */
  fit(type: SchemaType): Fit {
    let f = this.#fits.get(type);
    if (!f) {
      f = compileFit((t) => this.resolve(t), type);
      this.#fits.set(type, f);
    }
    return f;
  }

  /**
   * The {@link QuickFit} of a declared type (the same fit without diagnostics), compiled
   * on first use and cached.
   *
   * @example
   * ```ts
   * model.quickFit(model.entityShape('Writ::Environment')!)({ tier: 'prod', extra: 1 }); // { tier: 'prod' }
   * ```
   */
  quickFit(type: SchemaType): QuickFit {
    let f = this.#quickFits.get(type);
    if (!f) {
      f = compileQuickFit((t) => this.resolve(t), type);
      this.#quickFits.set(type, f);
    }
    return f;
  }
}

/**
 * Parses a Cedar schema text into a {@link SchemaModel}, or returns Cedar's errors.
 *
 * @example
 * ```ts
 * const r = buildSchemaModel('namespace Writ { entity User; }');
 * if (r.model) r.model.hasEntityType('Writ::User'); // true
 * ```
 */
export function buildSchemaModel(schemaText: string): { model: SchemaModel; errors?: undefined } | { model?: undefined; errors: string[] } {
  const answer = cedar.schemaToJsonWithResolvedTypes(schemaText);
  if (answer.type !== 'success') return { errors: answer.errors.map(cedarMessage) };
  return { model: new SchemaModel(answer.json as unknown as Record<string, NamespaceJson>) };
}
