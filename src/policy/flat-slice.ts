/**
 * Flattened policy slices: the same decision for fewer values sent to Cedar.
 *
 * A Cedar call costs per value it is sent, and a record or an entity costs more than
 * the leaves it holds (DESIGN §6, `src/policy/README.md`). So when an action's policies
 * only ever read `principal`, `resource` and `context` through attribute chains
 * (`context.signals.phase_hold.targets`, `resource.tier`, `resource has protected`),
 * each distinct chain becomes one attribute of a flat context, and the policies are
 * rewritten (in their JSON form, once per bundle) to read it there:
 *
 * | original | flattened | context carries |
 * |---|---|---|
 * | `V.a.b` (a maximal chain) | `context.s0` | `s0`: the value at `V.a.b`, absent when it is absent |
 * | `V has a`, `V has a.b` | `context has s1` | `s1`: `true` when the path exists |
 * | `V.a has b` | `context.s2 && context has s3` | `s2`: `true` when `V.a` exists, `s3` as above |
 *
 * A `has` reuses a value the slice sends anyway: `V has a` becomes `context has s0` when
 * `V.a` is sent as `s0` (present exactly when the path exists), and `V.a has b` becomes
 * `context.s0 has b` when `V.a` is sent as `s0`.
 *
 * The rewrite is exact: a chain evaluates to the same value, a `has` to the same answer,
 * and each access that would error (an absent attribute) still errors, at the same
 * point of evaluation (`&&` / `||` short-circuits are untouched). No entity data is
 * sent, only the uids of the request (and the action's groups): with every attribute
 * read rewritten, `principal` and `resource` on their own (`principal == resource`,
 * `resource in …`, `principal is …`) can only be compared, which depends on the uid
 * alone (entities are sent without parents, so `in` is `==` either way). The
 * principal's attributes are those of the resource when both have the same uid (one
 * entity), none otherwise, as in the unflattened call.
 *
 * A slice that reads an attribute of anything but a chain (`(if c then resource else
 * principal).x`, `{…}.a`), uses entity tags or the context as a whole (`context == {…}`),
 * has an integer literal beyond 2^53 (the JSON form of a policy is read through
 * JavaScript numbers, which would round it), or holds an expression this module does not
 * know, is not flattened: it is evaluated unflattened (`action-plan.ts`), which is exact
 * too, only slower.
 *
 * Evaluation error messages of a flattened policy name the flat attributes (`s0`) rather
 * than the original chain; for a validated bundle and a request that fits its schema,
 * attribute errors cannot occur (strict validation requires a `has` guard for every
 * optional attribute), so this only shows in messages of errors that cannot be reached.
 *
 * @module
 */
import type { CedarCall } from './action-plan.ts';
import type { CedarContext, EntityJson, PolicyJson } from './cedar.ts';
import type { MappedIntent } from './cedar-request.ts';

/**
 * One attribute of the flat context: `context[key]` is the value at `path` of `from`
 * (`kind: 'value'`), or `true` when that path exists (`kind: 'present'`); absent otherwise.
 *
 * @example
 * ```ts
 * const s: FlatSlot = { key: 's0', from: 'resource', path: ['tier'], kind: 'value' };
 * ```
 */
export interface FlatSlot {
  key: string;
  from: 'principal' | 'resource' | 'context';
  path: readonly string[];
  kind: 'value' | 'present';
}

/**
 * An action's policy slice rewritten to read a flat context, and the slots that fill it.
 *
 * @example
 * ```ts
 * const flat = flattenSlice(`${hash}#promotion~flat`, policies);
 * if (flat) cedar.preparsePolicySet(flat.policySetId, { staticPolicies: flat.policies });
 * ```
 */
export interface FlatSlice {
  /** Id of the pre-parsed flattened slice. */
  policySetId: string;
  policies: Record<string, PolicyJson>;
  slots: readonly FlatSlot[];
}

type Root = FlatSlot['from'];
type Expr = unknown;

const ROOTS = new Set<string>(['principal', 'resource', 'context']);
const UNARY = new Set(['!', 'neg', 'isEmpty']);
const BINARY = new Set(['==', '!=', 'in', '<', '<=', '>', '>=', '&&', '||', '+', '-', '*', 'contains', 'containsAll', 'containsAny']);
const CONTEXT: Expr = Object.freeze({ Var: 'context' });

function slotId(from: Root, path: readonly string[], kind: FlatSlot['kind']): string {
  return JSON.stringify([kind, from, path]);
}

/** Thrown inside the rewrite when the slice cannot be flattened exactly. */
class NotFlat extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a literal's numbers are all exact (safe integers: a Cedar Long read through JSON.parse). */
function isExactLiteral(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(isExactLiteral);
  if (isRecord(v)) return Object.values(v).every(isExactLiteral);
  return true;
}

/** `[root, path]` when `expr` is a chain `root.a.b…` (path possibly empty), else null. */
function chainOf(expr: Expr): [Root, string[]] | null {
  const path: string[] = [];
  let e = expr;
  for (;;) {
    if (!isRecord(e)) return null;
    if (typeof e.Var === 'string' && ROOTS.has(e.Var)) return [e.Var as Root, path.reverse()];
    const dot = e['.'];
    if (isRecord(dot) && typeof dot.attr === 'string' && Object.keys(e).length === 1) {
      path.push(dot.attr);
      e = dot.left;
      continue;
    }
    return null;
  }
}

class Rewriter {
  readonly slots: FlatSlot[] = [];
  readonly #keys = new Map<string, string>();
  /** The value chains of the slice (ids as `slot` makes them), known after a first pass. */
  readonly #values: ReadonlySet<string>;

  constructor(values: ReadonlySet<string> = new Set()) {
    this.#values = values;
  }

  /** Ids of this pass's value slots. */
  valueIds(): Set<string> {
    return new Set(this.slots.filter((s) => s.kind === 'value').map((s) => slotId(s.from, s.path, 'value')));
  }

  slot(from: Root, path: readonly string[], kind: FlatSlot['kind']): string {
    const id = slotId(from, path, kind);
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = `s${this.slots.length}`;
      this.#keys.set(id, key);
      this.slots.push({ key, from, path: [...path], kind });
    }
    return key;
  }

  /** `root.prefix has attrs`, reusing value slots the slice sends anyway when that is exact. */
  has(root: Root, prefix: readonly string[], attrs: readonly string[]): Expr {
    const full = [...prefix, ...attrs];
    if (prefix.length > 0 && this.#values.has(slotId(root, prefix, 'value'))) {
      // The prefix's value is sent: `has` on it, erroring exactly when it is absent.
      return { has: { left: { '.': { left: CONTEXT, attr: this.slot(root, prefix, 'value') } }, attr: attrs.length === 1 ? attrs[0] : [...attrs] } };
    }
    if (prefix.length === 0 && this.#values.has(slotId(root, full, 'value'))) {
      // The value slot is present exactly when the path exists.
      return { has: { left: CONTEXT, attr: this.slot(root, full, 'value') } };
    }
    const has = { has: { left: CONTEXT, attr: this.slot(root, full, 'present') } };
    if (prefix.length === 0) return has;
    // `V.a has b` errors when `V.a` is absent: so does reading the marker of `V.a`.
    return { '&&': { left: { '.': { left: CONTEXT, attr: this.slot(root, prefix, 'present') } }, right: has } };
  }

  expr(e: Expr): Expr {
    if (!isRecord(e)) throw new NotFlat('not an expression');
    const keys = Object.keys(e);
    if (keys.length !== 1) throw new NotFlat(`unknown expression with keys ${keys.join(', ')}`);
    const op = keys[0]!;
    const arg = e[op];
    if (op === 'Value') {
      // The JSON form comes through JavaScript numbers: a Long beyond 2^53 has lost digits.
      if (!isExactLiteral(arg)) throw new NotFlat('integer literal beyond 2^53');
      return e;
    }
    if (op === 'Var') {
      // `principal` and `resource` alone are their uids (`==`, `in`, `is`), which the call
      // still carries; the context alone would be the flat record.
      if (arg === 'context') throw new NotFlat('context used as a whole');
      return e;
    }
    if (op === 'Slot') return e;
    if (!isRecord(arg) && !Array.isArray(arg)) throw new NotFlat(`unknown operand of ${op}`);
    if (op === '.') {
      const chain = chainOf(e);
      if (chain && chain[1].length > 0) return { '.': { left: CONTEXT, attr: this.slot(chain[0], chain[1], 'value') } };
      // An attribute of a computed value (`(if c then resource else principal).x`) could be
      // an entity's: only chains are rewritten, and no entity data is sent.
      throw new NotFlat('attribute of a computed value');
    }
    if (op === 'has') {
      const a = arg as Record<string, unknown>;
      const attrs = typeof a.attr === 'string' ? [a.attr] : Array.isArray(a.attr) && a.attr.every((x) => typeof x === 'string') ? (a.attr as string[]) : null;
      if (!attrs || attrs.length === 0) throw new NotFlat('unknown has');
      const chain = chainOf(a.left);
      if (!chain) throw new NotFlat('has on a computed value');
      return this.has(chain[0], chain[1], attrs);
    }
    if (op === 'getTag' || op === 'hasTag') throw new NotFlat('entity tags');
    if (Array.isArray(arg)) {
      // `Set` (elements) or an extension function call (`{ "decimal": [args] }`).
      return { [op]: arg.map((x) => this.expr(x)) };
    }
    if (op === 'Record') {
      const out: Record<string, Expr> = {};
      for (const [k, v] of Object.entries(arg)) out[k] = this.expr(v);
      return { Record: out };
    }
    if (UNARY.has(op)) return { [op]: { arg: this.expr(arg.arg) } };
    if (BINARY.has(op)) return { [op]: { left: this.expr(arg.left), right: this.expr(arg.right) } };
    if (op === 'like') return { like: { left: this.expr(arg.left), pattern: arg.pattern } };
    if (op === 'is') return { is: { ...arg, left: this.expr(arg.left), ...('in' in arg ? { in: this.expr(arg.in) } : {}) } };
    if (op === 'if-then-else') return { 'if-then-else': { if: this.expr(arg.if), then: this.expr(arg.then), else: this.expr(arg.else) } };
    throw new NotFlat(`unknown operator ${op}`);
  }
}

/**
 * The flattened form of a policy slice, or null when it cannot be flattened exactly
 * (a request variable used as a whole, or an expression this module does not know).
 *
 * @example
 * ```ts
 * const flat = flattenSlice('h#promotion~flat', [{ id: 'p', json: cedar.policyToJson(text).json }]);
 * flat?.slots; // [{ key: 's0', from: 'resource', path: ['tier'], kind: 'value' }, …]
 * ```
 */
export function flattenSlice(policySetId: string, policies: readonly { id: string; json: PolicyJson }[]): FlatSlice | null {
  const rewrite = (r: Rewriter) => {
    const out: Record<string, PolicyJson> = {};
    for (const { id, json } of policies) {
      out[id] = { ...json, conditions: json.conditions.map((c) => ({ kind: c.kind, body: r.expr(c.body) }) as PolicyJson['conditions'][number]) };
    }
    return out;
  };
  try {
    // First pass: which chains are sent as values; second: `has` reuses them where exact.
    const first = new Rewriter();
    rewrite(first);
    const r = new Rewriter(first.valueIds());
    return { policySetId, policies: rewrite(r), slots: r.slots };
  } catch (err) {
    if (err instanceof NotFlat) return null;
    throw err;
  }
}

const NO_ATTRS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The value at `path` in a fitted value (records only; never inside sets or extension values). */
function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const key of path) {
    if (!isRecord(v) || Object.hasOwn(v, '__extn') || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return v;
}

/**
 * The Cedar call for `mapped` under a flattened slice: the request's uids, the
 * action's group entities, and the flat context.
 *
 * @example
 * ```ts
 * flatCall(flat, plan.actionEntities, mapped).context; // { s0: 'prod', s1: ['billing/prod'], … }
 * ```
 */
export function flatCall(flat: FlatSlice, actionEntities: readonly EntityJson[], mapped: MappedIntent): CedarCall {
  const sameUid = mapped.principal.type === mapped.resource.type && mapped.principal.id === mapped.resource.id;
  const context: Record<string, unknown> = {};
  for (const s of flat.slots) {
    const root = s.from === 'context' ? mapped.context : s.from === 'resource' || sameUid ? mapped.resourceAttrs : NO_ATTRS;
    const v = valueAt(root, s.path);
    if (v !== undefined) context[s.key] = s.kind === 'value' ? v : true;
  }
  return {
    preparsedPolicySetId: flat.policySetId,
    principal: mapped.principal,
    action: mapped.action,
    resource: mapped.resource,
    context: context as CedarContext,
    entities: actionEntities as EntityJson[],
  };
}
