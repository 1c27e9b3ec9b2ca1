import { isSensitive } from '../../model/inventory.ts';
import type { FindingContext } from '../finding-context.ts';
import { destinationRef, label } from '../finding-context.ts';
import type { GraphFinding } from '../finding.ts';
import { findingId, uniqueSources } from '../finding.ts';
import { groupBy, sortedUnique, uniqueInOrder } from '../group-by.ts';

/**
 * GRAPH-002: grade-C (no execution evidence within the window) authority of an identity on a
 * destination holding sensitive data. One finding per identity+destination; high when any domain is
 * restricted, else medium.
 *
 * @example `const findings = standingSensitiveAuthorityRule(ctx);`
 */
export function standingSensitiveAuthorityRule(ctx: FindingContext): GraphFinding[] {
  const candidates = ctx.paths.filter((p) => p.grade === 'C' && isSensitive(p.sensitivity));
  const findings: GraphFinding[] = [];
  for (const paths of groupBy(candidates, (p) => `${p.identity} -> ${p.destination}`).values()) {
    const first = paths[0];
    if (!first) continue;
    const subject = `${first.identity} -> ${first.destination}`;
    const domains = sortedUnique(paths.map((p) => p.domain ?? ''));
    findings.push({
      id: findingId('GRAPH-002', subject),
      rule: 'GRAPH-002',
      severity: paths.some((p) => p.sensitivity === 'restricted') ? 'high' : 'medium',
      title: `Standing authority with no recorded use to sensitive domain(s) ${domains.join(', ')}`,
      subject,
      path_ids: uniqueInOrder(paths.map((p) => p.path_id)),
      evidence: [],
      sources: uniqueSources(paths.flatMap((p) => p.edges.filter((e) => e.kind !== 'RUNS_AS').map((e) => e.source))),
      remediation:
        `Remove actions ${first.actions.join(', ')} on ${destinationRef(ctx, first.destination)} from identity ` +
        `${label(ctx.identities, first.identity)}: no use recorded in the last ${ctx.evidenceWindowDays} days. ` +
        `If the access is needed, enable logging that records its use so the path can be graded.`,
    });
  }
  return findings;
}
