import type { FindingContext } from '../finding-context.ts';
import { destinationRef, label } from '../finding-context.ts';
import type { GraphFinding } from '../finding.ts';
import { findingId, uniqueSources } from '../finding.ts';
import { groupBy, sortedUnique, uniqueInOrder } from '../group-by.ts';

/**
 * GRAPH-005: a CAN_ACCESS grant with `*` in an action (e.g. `s3:*`, `*`) or in the destination's
 * resource (e.g. `arn:aws:s3:::bucket/*`). Checked on every grant of the inventory, on a path or
 * not; one finding per identity+destination. High for wildcard actions, medium for resource-only
 * wildcards. The remediation suggests the actions seen in evidence, when any.
 *
 * @example `const findings = wildcardAuthorityRule(ctx);`
 */
export function wildcardAuthorityRule(ctx: FindingContext): GraphFinding[] {
  const pathsByPair = groupBy(ctx.paths, (p) => `${p.identity}\u0000${p.destination}`);
  const evidenceByPair = groupBy(ctx.inventory.evidence, (e) => `${e.identity}\u0000${e.destination}`);
  const findings: GraphFinding[] = [];
  for (const [pair, edges] of ctx.accessEdges) {
    const first = edges[0];
    if (!first) continue;
    const actions = sortedUnique(edges.flatMap((e) => e.actions ?? []));
    const wildActions = actions.filter((a) => a.includes('*'));
    const resource = ctx.destinations.get(first.to)?.resource;
    const wildResource = resource !== undefined && resource.includes('*');
    if (wildActions.length === 0 && !wildResource) continue;
    const evidence = evidenceByPair.get(pair) ?? [];
    const usedActions = sortedUnique(evidence.map((e) => e.action).filter((a) => !a.includes('*')));
    const identity = label(ctx.identities, first.from);
    const steps: string[] = [];
    if (wildActions.length > 0) {
      steps.push(
        `replace ${wildActions.join(', ')} on ${destinationRef(ctx, first.to)} in identity ${identity} with ` +
          (usedActions.length > 0 ? `the actions it was seen using: ${usedActions.join(', ')}` : 'the specific actions it needs (none recorded in evidence)'),
      );
    }
    if (wildResource) steps.push(`narrow resource ${resource} in identity ${identity} to the specific resources it needs`);
    const subject = `${first.from} -> ${first.to}`;
    const remediation = steps.join('; ');
    findings.push({
      id: findingId('GRAPH-005', subject),
      rule: 'GRAPH-005',
      severity: wildActions.length > 0 ? 'high' : 'medium',
      title: `Wildcard ${wildActions.length > 0 ? `actions ${wildActions.join(', ')}` : ''}${wildActions.length > 0 && wildResource ? ' and ' : ''}${wildResource ? `resource ${resource}` : ''}`,
      subject,
      path_ids: uniqueInOrder((pathsByPair.get(pair) ?? []).map((p) => p.path_id)),
      evidence,
      sources: uniqueSources(edges.map((e) => e.source)),
      remediation: `${remediation.charAt(0).toUpperCase()}${remediation.slice(1)}.`,
    });
  }
  return findings;
}
