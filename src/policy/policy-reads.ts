/**
 * Which attributes of `principal`, `resource` and `context` a policy can read, found
 * by walking its JSON AST (`policyToJson`). Used to send Cedar only what the policies
 * of an action can observe: attributes no policy reads cannot change a decision, and
 * the size of a request is what a Cedar call costs.
 *
 * The analysis is conservative: a variable used other than as the root of an
 * attribute chain (`context.a.b`, `resource has x`) — e.g. `(if c then resource else
 * principal).x`, `context == {…}`, `resource.getTag("t")` — counts as reading all of it.
 *
 * @module
 */

/**
 * A set of attribute paths as a trie; `all` means the whole value below this node.
 *
 * @example
 * ```ts
 * const t = emptyPaths();
 * addPath(t, ['signals', 'phase_hold']);
 * slice({ signals: { phase_hold: 1, incident: 2 }, now: 3 }, t); // { signals: { phase_hold: 1 } }
 * ```
 */
export interface PathTrie {
  all: boolean;
  children: Map<string, PathTrie>;
}

/**
 * The paths one policy (or a set of policies) reads, per request variable.
 *
 * @example
 * ```ts
 * const r: PolicyReads = { principal: emptyPaths(), resource: allPaths(), context: emptyPaths() };
 * ```
 */
export interface PolicyReads {
  principal: PathTrie;
  resource: PathTrie;
  context: PathTrie;
}

type Var = keyof PolicyReads;
const VARS = new Set<string>(['principal', 'resource', 'context']);

/**
 * A trie with no path.
 *
 * @example
 * ```ts
 * slice({ a: 1 }, emptyPaths()); // {}
 * ```
 */
export function emptyPaths(): PathTrie {
  return { all: false, children: new Map() };
}

/**
 * A trie that keeps everything.
 *
 * @example
 * ```ts
 * slice({ a: 1 }, allPaths()); // { a: 1 }
 * ```
 */
export function allPaths(): PathTrie {
  return { all: true, children: new Map() };
}

/**
 * Adds `path` (and everything below it) to `trie`.
 *
 * @example
 * ```ts
 * addPath(trie, ['parameters', 'count']);
 * ```
 */
export function addPath(trie: PathTrie, path: readonly string[]): void {
  let node = trie;
  for (const key of path) {
    if (node.all) return;
    let next = node.children.get(key);
    if (!next) {
      next = emptyPaths();
      node.children.set(key, next);
    }
    node = next;
  }
  node.all = true;
  node.children.clear();
}

/**
 * Adds every path of `from` to `into`.
 *
 * @example
 * ```ts
 * mergePaths(contextOfAction, contextOfPolicy);
 * ```
 */
export function mergePaths(into: PathTrie, from: PathTrie): void {
  if (into.all) return;
  if (from.all) {
    into.all = true;
    into.children.clear();
    return;
  }
  for (const [key, child] of from.children) {
    let target = into.children.get(key);
    if (!target) {
      target = emptyPaths();
      into.children.set(key, target);
    }
    mergePaths(target, child);
  }
}

/**
 * Keeps only the paths of `trie` in `value`. Non-record values under a partial trie are
 * kept whole (there is nothing to cut inside them).
 *
 * @example
 * ```ts
 * const t = emptyPaths(); addPath(t, ['a', 'b']);
 * slice({ a: { b: 1, c: 2 }, d: 3 }, t); // { a: { b: 1 } }
 * ```
 */
export function slice(value: unknown, trie: PathTrie): unknown {
  if (trie.all || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of trie.children) {
    if (Object.hasOwn(v, key)) out[key] = slice(v[key], child);
  }
  return out;
}

/** `[var, path]` when `expr` is a chain `var.a.b…`, else null. */
function chainOf(expr: unknown): [Var, string[]] | null {
  const path: string[] = [];
  let e = expr;
  for (;;) {
    if (typeof e !== 'object' || e === null) return null;
    const o = e as Record<string, unknown>;
    if (typeof o.Var === 'string' && VARS.has(o.Var)) return [o.Var as Var, path.reverse()];
    const dot = o['.'] as { left?: unknown; attr?: unknown } | undefined;
    if (dot && typeof dot.attr === 'string') {
      path.push(dot.attr);
      e = dot.left;
      continue;
    }
    return null;
  }
}

function walk(node: unknown, reads: PolicyReads): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, reads);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if ('Value' in o) return; // a literal: no variable inside
  if (typeof o.Var === 'string') {
    if (VARS.has(o.Var)) addPath(reads[o.Var as Var], []); // bare use: everything
    return;
  }
  if ('.' in o) {
    const chain = chainOf(o);
    if (chain) addPath(reads[chain[0]], chain[1]);
    else walk((o['.'] as { left?: unknown }).left, reads);
    return;
  }
  if ('has' in o) {
    const h = o.has as { left?: unknown; attr?: unknown };
    const chain = chainOf(h.left);
    const attrs = Array.isArray(h.attr) ? (h.attr as string[]) : typeof h.attr === 'string' ? [h.attr] : null;
    if (chain && attrs) addPath(reads[chain[0]], [...chain[1], ...attrs]);
    else walk(h.left, reads);
    return;
  }
  if ('Record' in o && typeof o.Record === 'object' && o.Record !== null) {
    for (const x of Object.values(o.Record)) walk(x, reads);
    return;
  }
  for (const x of Object.values(o)) walk(x, reads);
}

/**
 * The attribute paths a policy's conditions read (its scope reads no attribute).
 *
 * @example
 * ```ts
 * const json = cedar.policyToJson('permit (principal, action, resource) when { context.signals.incident.global };');
 * const reads = policyReads(json.json.conditions);
 * slice(context, reads.context); // { signals: { incident: { global: … } } }
 * ```
 */
export function policyReads(conditions: readonly unknown[]): PolicyReads {
  const reads: PolicyReads = { principal: emptyPaths(), resource: emptyPaths(), context: emptyPaths() };
  for (const c of conditions) walk((c as { body?: unknown }).body, reads);
  return reads;
}
