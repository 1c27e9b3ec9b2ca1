import { isSensitive } from '../../model/inventory.ts';
import type { FindingContext } from '../finding-context.ts';
import { destinationRef, label } from '../finding-context.ts';
import type { GraphFinding } from '../finding.ts';
import { findingId, uniqueSources } from '../finding.ts';
import { groupBy, sortedUnique, uniqueInOrder } from '../group-by.ts';

/**
 * GRAPH-004: one workload both reaches a sensitive domain and can send to an `llm-api` destination,
 * so sensitive data can leave through a model provider. One finding per workload; critical when a
 * domain is restricted, else high.
 *
 * @example `const findings = sensitiveToLlmEgressRule(ctx);`
 */
export function sensitiveToLlmEgressRule(ctx: FindingContext): GraphFinding[] {
  const findings: GraphFinding[] = [];
  for (const [workload, paths] of groupBy(ctx.paths, (p) => p.workload)) {
    const sensitive = paths.filter((p) => isSensitive(p.sensitivity));
    const llm = paths.filter((p) => p.egress_class === 'llm-api');
    if (sensitive.length === 0 || llm.length === 0) continue;
    const domains = sortedUnique(sensitive.map((p) => p.domain ?? ''));
    const llmAccess = sortedUnique(
      llm.map((p) => `actions ${p.actions.join(', ')} on ${destinationRef(ctx, p.destination)} from identity ${label(ctx.identities, p.identity)}`),
    );
    const used = [...sensitive, ...llm];
    findings.push({
      id: findingId('GRAPH-004', workload),
      rule: 'GRAPH-004',
      severity: sensitive.some((p) => p.sensitivity === 'restricted') ? 'critical' : 'high',
      title: `Workload ${label(ctx.workloads, workload)} reaches sensitive domain(s) ${domains.join(', ')} and an LLM API`,
      subject: workload,
      path_ids: uniqueInOrder(used.map((p) => p.path_id)),
      evidence: used.flatMap((p) => p.evidence),
      sources: uniqueSources(used.flatMap((p) => p.edges.map((e) => e.source))),
      remediation:
        `Remove ${llmAccess.join('; ')}, or route the workload's LLM traffic through a gateway that filters ` +
        `${domains.join(', ')} data, or split it into separate workloads for data access and model calls.`,
    });
  }
  return findings;
}
