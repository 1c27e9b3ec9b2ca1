/**
 * The literals a bundle's policies compare attributes with, gathered from each policy's
 * JSON form (`policyToJson`): the values a generated corpus draws from so that it reaches
 * both sides of every comparison. For each attribute path (`resource.tier`,
 * `context.execution.env_tier`, …) it keeps:
 *
 * - `values`: what the attribute is compared with (`==`, `!=`, `<` …, with the integers
 *   either side of an integer), members of a set literal asked to contain it, the
 *   arguments of extension literals (`datetime("…")`), and `like` patterns filled with
 *   `""` and `"x"`;
 * - `extras`: `like` patterns filled with the literal text of the other patterns on the
 *   same path (`"terraform plan *"` with `";"` from `"*;*"`), for combined cases;
 * - `members` and `sets`: for a set attribute, the elements it is asked to contain and
 *   the set literals it is compared with.
 *
 * Entity literals the principal or resource is compared with (in the scope or in a
 * condition) are kept too: a corpus can then name that principal.
 *
 * @module
 */
import type { PolicyJson } from '../../cedar.ts';
import { instantiateLike, isLikePattern, likeCore, type LikePatternElement } from './like-pattern.ts';

/**
 * A scalar JSON literal.
 *
 * @example
 * ```ts
 * const s: Scalar = 'prod';
 * ```
 */
export type Scalar = string | number | boolean;

/**
 * The candidates for one attribute path.
 *
 * @example
 * ```ts
 * table.candidates('resource', ['tier']).values; // ['prod', 'stage', 'dev']
 * ```
 */
export interface PathCandidates {
  values: Scalar[];
  extras: Scalar[];
  members: Scalar[];
  sets: Scalar[][];
}

/**
 * An entity literal `Type::"id"`, as in Cedar's JSON form.
 *
 * @example
 * ```ts
 * const u: EntityLiteral = { type: 'Writ::User', id: 'alice' };
 * ```
 */
export interface EntityLiteral {
  type: string;
  id: string;
}

type Root = 'principal' | 'resource' | 'context';
const ROOTS = new Set<string>(['principal', 'resource', 'context']);
const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='];
const EXTENSION_CONSTRUCTORS = new Set(['datetime', 'decimal', 'ip', 'duration']);
const EXTENSION_COMPARISONS = ['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'isInRange'];
/** How many other patterns' text a pattern is also filled with. */
const MAX_CROSS_FILLERS = 8;

interface PathEntry {
  values: Map<string, Scalar>;
  members: Map<string, Scalar>;
  sets: Map<string, Scalar[]>;
  patterns: Map<string, LikePatternElement[]>;
}

function key(v: unknown): string {
  return JSON.stringify(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `[root, path]` when `e` is an attribute chain `root.a.b`, else null. */
function chainOf(e: unknown): [Root, string[]] | null {
  const path: string[] = [];
  let cur = e;
  for (;;) {
    if (!isObject(cur)) return null;
    if (typeof cur.Var === 'string') return ROOTS.has(cur.Var) ? [cur.Var as Root, path.reverse()] : null;
    const dot = cur['.'];
    if (isObject(dot) && typeof dot.attr === 'string') {
      path.push(dot.attr);
      cur = dot.left;
      continue;
    }
    return null;
  }
}

type Literal = { scalar: Scalar } | { entity: EntityLiteral } | null;

function literalOf(e: unknown): Literal {
  if (!isObject(e)) return null;
  if ('Value' in e) {
    const v = e.Value;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v))) return { scalar: v };
    if (isObject(v) && isObject(v.__entity) && typeof v.__entity.type === 'string' && typeof v.__entity.id === 'string') {
      return { entity: { type: v.__entity.type, id: v.__entity.id } };
    }
    return null;
  }
  for (const name of EXTENSION_CONSTRUCTORS) {
    const args = e[name];
    if (Array.isArray(args) && args.length === 1) {
      const inner = literalOf(args[0]);
      return inner && 'scalar' in inner && typeof inner.scalar === 'string' ? inner : null;
    }
  }
  return null;
}

function setLiteralOf(e: unknown): Scalar[] | null {
  if (!isObject(e) || !Array.isArray(e.Set)) return null;
  const out: Scalar[] = [];
  for (const x of e.Set) {
    const l = literalOf(x);
    if (!l || !('scalar' in l)) return null;
    out.push(l.scalar);
  }
  return out;
}

/**
 * Literals per attribute path, filled from policies with {@link LiteralTable.addPolicy}.
 *
 * @example
 * ```ts
 * const table = new LiteralTable();
 * table.addPolicy(cedar.policyToJson('permit (principal, action, resource) when { resource.tier == "prod" };').json);
 * table.candidates('resource', ['tier']).values; // ['prod']
 * ```
 */
export class LiteralTable {
  readonly #paths = new Map<string, PathEntry>();
  readonly #entities = { principal: new Map<string, EntityLiteral>(), resource: new Map<string, EntityLiteral>() };

  #entry(root: Root, path: readonly string[]): PathEntry {
    const k = key([root, ...path]);
    let e = this.#paths.get(k);
    if (!e) {
      e = { values: new Map(), members: new Map(), sets: new Map(), patterns: new Map() };
      this.#paths.set(k, e);
    }
    return e;
  }

  #addValue(root: Root, path: readonly string[], v: Scalar): void {
    const e = this.#entry(root, path);
    const add = (x: Scalar) => e.values.set(key(x), x);
    add(v);
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v - 1)) add(v - 1);
      if (Number.isSafeInteger(v + 1)) add(v + 1);
    }
  }

  #addEntity(root: Root, uid: EntityLiteral): void {
    if (root === 'principal' || root === 'resource') this.#entities[root].set(key(uid), uid);
  }

  #compare(a: unknown, b: unknown): void {
    const chain = chainOf(a);
    if (!chain) return;
    const lit = literalOf(b);
    if (lit && 'scalar' in lit) this.#addValue(chain[0], chain[1], lit.scalar);
    else if (lit && chain[1].length === 0) this.#addEntity(chain[0], lit.entity);
    const set = setLiteralOf(b);
    if (set) this.#entry(chain[0], chain[1]).sets.set(key(set), set);
  }

  #walk(node: unknown): void {
    if (Array.isArray(node)) {
      for (const x of node) this.#walk(x);
      return;
    }
    if (!isObject(node) || 'Value' in node) return;
    for (const op of COMPARISONS) {
      const o = node[op];
      if (isObject(o)) {
        this.#compare(o.left, o.right);
        this.#compare(o.right, o.left);
      }
    }
    const like = node.like;
    if (isObject(like) && isLikePattern(like.pattern)) {
      const chain = chainOf(like.left);
      if (chain) this.#entry(chain[0], chain[1]).patterns.set(key(like.pattern), like.pattern);
    }
    const contains = node.contains;
    if (isObject(contains)) {
      const setChain = chainOf(contains.left);
      const lit = literalOf(contains.right);
      if (setChain && lit && 'scalar' in lit) this.#entry(setChain[0], setChain[1]).members.set(key(lit.scalar), lit.scalar);
      const set = setLiteralOf(contains.left);
      const elemChain = chainOf(contains.right);
      if (set && elemChain) for (const v of set) this.#addValue(elemChain[0], elemChain[1], v);
    }
    for (const op of ['containsAll', 'containsAny']) {
      const o = node[op];
      if (!isObject(o)) continue;
      const chain = chainOf(o.left);
      const set = setLiteralOf(o.right);
      if (chain && set) {
        const e = this.#entry(chain[0], chain[1]);
        e.sets.set(key(set), set);
        for (const v of set) e.members.set(key(v), v);
      }
    }
    for (const op of EXTENSION_COMPARISONS) {
      const args = node[op];
      if (Array.isArray(args) && args.length >= 2) {
        this.#compare(args[0], args[1]);
        this.#compare(args[1], args[0]);
      }
    }
    for (const child of Object.values(node)) this.#walk(child);
  }

  /**
   * Adds the literals of one policy (its scope's entity literals and its conditions).
   *
   * @example
   * ```ts
   * table.addPolicy(json); // json from cedar.policyToJson(policy.text)
   * ```
   */
  addPolicy(policy: PolicyJson): void {
    for (const root of ['principal', 'resource'] as const) {
      const scope = policy[root] as unknown;
      if (isObject(scope) && scope.op === '==' && isObject(scope.entity)) {
        const uid = isObject(scope.entity.__entity) ? scope.entity.__entity : scope.entity;
        const lit = literalOf({ Value: { __entity: uid } });
        if (lit && 'entity' in lit) this.#addEntity(root, lit.entity);
      }
    }
    for (const c of policy.conditions ?? []) this.#walk(c.body);
  }

  /**
   * The candidates of one attribute path (empty lists when no policy compares it).
   *
   * @example
   * ```ts
   * table.candidates('resource', ['path']).values; // ['.env', 'x/.env', …]
   * ```
   */
  candidates(root: Root, path: readonly string[]): PathCandidates {
    const e = this.#paths.get(key([root, ...path]));
    if (!e) return { values: [], extras: [], members: [], sets: [] };
    const values = new Map(e.values);
    const extras = new Map<string, Scalar>();
    const patterns = [...e.patterns.values()];
    const cores = [...new Set(patterns.map(likeCore).filter((c) => c !== ''))].slice(0, MAX_CROSS_FILLERS);
    for (const p of patterns) {
      for (const s of instantiateLike(p, ['', 'x'])) values.set(key(s), s);
      for (const s of instantiateLike(p, cores)) if (!values.has(key(s))) extras.set(key(s), s);
    }
    return { values: [...values.values()], extras: [...extras.values()], members: [...e.members.values()], sets: [...e.sets.values()] };
  }

  /**
   * Entity literals the principal or resource is compared with.
   *
   * @example
   * ```ts
   * table.entities('principal'); // [{ type: 'Writ::User', id: 'alice' }]
   * ```
   */
  entities(root: 'principal' | 'resource'): EntityLiteral[] {
    return [...this.#entities[root].values()];
  }
}
