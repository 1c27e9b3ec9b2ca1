import type { Inventory } from '../model/inventory.ts';
import type { AuthorityPath } from '../paths/authority-path.ts';
import type { FindingContext } from './finding-context.ts';
import { buildFindingContext } from './finding-context.ts';
import type { GraphFinding, GraphRuleId } from './finding.ts';
import { evidenceGapRule } from './rules/evidence-gap.ts';
import { longLivedCredentialRule } from './rules/long-lived-credential.ts';
import { orphanedSensitivePathRule } from './rules/orphaned-sensitive-path.ts';
import { sensitiveToLlmEgressRule } from './rules/sensitive-to-llm-egress.ts';
import { standingSensitiveAuthorityRule } from './rules/standing-sensitive-authority.ts';
import { wildcardAuthorityRule } from './rules/wildcard-authority.ts';

/**
 * A finding rule: its stable id, a one-line description and the function that evaluates it.
 *
 * @example `for (const rule of GRAPH_RULES) console.log(rule.id, rule.description);`
 */
export interface GraphRule {
  id: GraphRuleId;
  description: string;
  evaluate: (ctx: FindingContext) => GraphFinding[];
}

/**
 * Every graph finding rule, in id order.
 *
 * @example `GRAPH_RULES.map((r) => r.id); // ['GRAPH-001', …, 'GRAPH-006']`
 */
export const GRAPH_RULES: readonly GraphRule[] = [
  { id: 'GRAPH-001', description: 'orphaned path to a sensitive domain', evaluate: orphanedSensitivePathRule },
  { id: 'GRAPH-002', description: 'standing grade-C authority to a sensitive domain', evaluate: standingSensitiveAuthorityRule },
  { id: 'GRAPH-003', description: 'long-lived credential on a path to a sensitive domain', evaluate: longLivedCredentialRule },
  { id: 'GRAPH-004', description: 'sensitive-domain reach plus llm-api egress from one workload', evaluate: sensitiveToLlmEgressRule },
  { id: 'GRAPH-005', description: 'wildcard actions or resources', evaluate: wildcardAuthorityRule },
  { id: 'GRAPH-006', description: 'evidence gap: grade-C paths per destination kind', evaluate: evidenceGapRule },
];

/**
 * Runs every rule over an inventory and its materialized paths. Output is sorted by rule id, then
 * subject, so the same inputs always give the same list.
 *
 * @example
 * ```ts
 * const paths = materializePaths(inv, { now, evidenceWindowDays: 90 });
 * const findings = runGraphFindings(inv, paths, { evidenceWindowDays: 90 });
 * ```
 */
export function runGraphFindings(
  inventory: Inventory,
  paths: AuthorityPath[],
  opts: { evidenceWindowDays: number },
): GraphFinding[] {
  const ctx = buildFindingContext(inventory, paths, opts);
  const findings = GRAPH_RULES.flatMap((rule) => rule.evaluate(ctx));
  return findings.sort((a, b) =>
    a.rule !== b.rule ? (a.rule < b.rule ? -1 : 1) : a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0,
  );
}
