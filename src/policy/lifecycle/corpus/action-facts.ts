/**
 * What a corpus needs to know about one action scope across the bundles it is generated
 * for: the schemas that declare it, the principal and resource types it applies to, the
 * attributes and signals its policies read, and the literals they compare them with.
 *
 * @module
 */
import { planActions } from '../../action-plan.ts';
import { cedar, type PolicyJson } from '../../cedar.ts';
import { entityTypeName } from '../../cedar-request.ts';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { emptyPaths, mergePaths, type PathTrie, type PolicyReads } from '../../policy-reads.ts';
import type { SchemaModel } from '../../schema-model.ts';
import { LiteralTable } from './policy-literals.ts';

/**
 * One action scope, as seen by every bundle that declares it.
 *
 * @example
 * ```ts
 * const f = actionFacts('promotion', [bundle]);
 * f.resourceTypes; // ['Writ::Environment']
 * ```
 */
export interface ActionFacts {
  action: string;
  /** Schemas of the bundles that declare the action, in bundle order. */
  models: SchemaModel[];
  /** Qualified principal types that may request it, each with its intent name. */
  principalTypes: Array<{ qualified: string; name: string }>;
  resourceTypes: Array<{ qualified: string; name: string }>;
  /** What the action's policies read, over all bundles. */
  reads: PolicyReads;
  literals: LiteralTable;
}

const TYPE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/**
 * The intent type name of a qualified Cedar entity type (`Writ::RoleBinding` →
 * `role_binding`), or null when no intent type maps onto it.
 *
 * @example
 * ```ts
 * intentTypeName('Writ::McpTool'); // 'mcp_tool'
 * intentTypeName('Other::User');   // null
 * ```
 */
export function intentTypeName(qualified: string): string | null {
  const cut = qualified.lastIndexOf('::');
  const local = cut === -1 ? qualified : qualified.slice(cut + 2);
  const name = local.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return TYPE_NAME.test(name) && entityTypeName(name) === qualified ? name : null;
}

/**
 * True when `trie` reads `path` or something below or above it.
 *
 * @example
 * ```ts
 * readsPath(facts.reads.context, ['signals', 'phase_hold']); // true for promotion in the default bundle
 * ```
 */
export function readsPath(trie: PathTrie, path: readonly string[]): boolean {
  let node = trie;
  for (const key of path) {
    if (node.all) return true;
    const next = node.children.get(key);
    if (!next) return false;
    node = next;
  }
  return true;
}

/** Policy JSON by policy text: the same policy in two bundles is converted once. */
const jsonCache = new Map<string, PolicyJson | null>();
const JSON_CACHE_LIMIT = 10_000;

function policyJson(text: string): PolicyJson | null {
  let json = jsonCache.get(text);
  if (json === undefined) {
    const answer = cedar.policyToJson(text);
    json = answer.type === 'success' ? answer.json : null;
    if (jsonCache.size < JSON_CACHE_LIMIT) jsonCache.set(text, json);
  }
  return json;
}

function addTypes(into: ActionFacts['principalTypes'], types: Iterable<string>): void {
  for (const qualified of types) {
    const name = intentTypeName(qualified);
    if (name && !into.some((t) => t.qualified === qualified)) into.push({ qualified, name });
  }
}

/**
 * The facts of every action scope the bundles declare, by scope, sorted by scope.
 *
 * @example
 * ```ts
 * [...allActionFacts([a, b]).keys()]; // ['command.execute', 'file.read', …]
 * ```
 */
export function allActionFacts(bundles: readonly CompiledBundle[]): Map<string, ActionFacts> {
  const facts = new Map<string, ActionFacts>();
  for (const bundle of bundles) {
    for (const [action, plan] of planActions(bundle)) {
      let f = facts.get(action);
      if (!f) {
        f = {
          action,
          models: [],
          principalTypes: [],
          resourceTypes: [],
          reads: { principal: emptyPaths(), resource: emptyPaths(), context: emptyPaths() },
          literals: new LiteralTable(),
        };
        facts.set(action, f);
      }
      const declared = bundle.model.actions.get(action)!;
      f.models.push(bundle.model);
      addTypes(f.principalTypes, declared.principalTypes);
      addTypes(f.resourceTypes, declared.resourceTypes);
      mergePaths(f.reads.principal, plan.reads.principal);
      mergePaths(f.reads.resource, plan.reads.resource);
      mergePaths(f.reads.context, plan.reads.context);
      for (const id of plan.policyIds) {
        const json = policyJson(bundle.policies.get(id)!.text);
        if (json) f.literals.addPolicy(json);
      }
    }
  }
  return new Map([...facts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

