import type { DestinationKind } from '../../model/inventory.ts';
import type { FindingContext } from '../finding-context.ts';
import type { GraphFinding } from '../finding.ts';
import { findingId, uniqueSources } from '../finding.ts';
import { groupBy, sortedUnique, uniqueInOrder } from '../group-by.ts';

/**
 * The logging that would turn grade-C paths to a destination kind into graded ones.
 *
 * @example `EVIDENCE_SOURCE_BY_KIND.storage; // 'CloudTrail data events for S3 …'`
 */
export const EVIDENCE_SOURCE_BY_KIND: Record<DestinationKind, string> = {
  storage: "CloudTrail data events for S3 (or the storage service's access logs)",
  database: 'database audit logging (e.g. RDS database activity streams or pgaudit)',
  cluster: 'Kubernetes audit logging at Metadata level or above',
  api: "CloudTrail management events or the API gateway's access logs",
  'llm-endpoint': 'per-key request logging on the LLM gateway or provider',
  other: 'access logging on the destination',
};

/**
 * GRAPH-006: evidence-gap summary. Counts grade-C paths per destination kind and says which logging
 * to enable (and in which accounts) so they can be confirmed or denied. One low-severity finding
 * per destination kind that has grade-C paths.
 *
 * @example `const findings = evidenceGapRule(ctx); // [{ title: '3 paths to storage destinations cannot be confirmed or denied', … }]`
 */
export function evidenceGapRule(ctx: FindingContext): GraphFinding[] {
  const ungraded = ctx.paths.filter((p) => p.grade === 'C');
  const byKind = groupBy(ungraded, (p) => ctx.destinations.get(p.destination)?.kind ?? 'other');
  const findings: GraphFinding[] = [];
  for (const kind of sortedUnique(byKind.keys()) as DestinationKind[]) {
    const paths = byKind.get(kind) ?? [];
    const accounts = sortedUnique(paths.flatMap((p) => ctx.identities.get(p.identity)?.account ?? []));
    const destinations = sortedUnique(paths.map((p) => p.destination));
    const subject = `destination-kind:${kind}`;
    const count = `${paths.length} path${paths.length === 1 ? '' : 's'}`;
    const where = accounts.length > 0 ? ` in account${accounts.length === 1 ? '' : 's'} ${accounts.join(', ')}` : '';
    findings.push({
      id: findingId('GRAPH-006', subject),
      rule: 'GRAPH-006',
      severity: 'low',
      title: `${count} to ${kind} destinations cannot be confirmed or denied`,
      subject,
      path_ids: uniqueInOrder(paths.map((p) => p.path_id)),
      evidence: [],
      sources: uniqueSources(destinations.flatMap((d) => ctx.destinations.get(d)?.source ?? [])),
      remediation:
        `${count} to ${destinations.length} ${kind} destination${destinations.length === 1 ? '' : 's'} cannot be ` +
        `confirmed or denied: enable ${EVIDENCE_SOURCE_BY_KIND[kind] ?? EVIDENCE_SOURCE_BY_KIND.other}${where}.`,
    });
  }
  return findings;
}
