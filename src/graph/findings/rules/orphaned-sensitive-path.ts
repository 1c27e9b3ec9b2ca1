import { isSensitive } from '../../model/inventory.ts';
import type { FindingContext } from '../finding-context.ts';
import { destinationRef, label } from '../finding-context.ts';
import type { GraphFinding } from '../finding.ts';
import { findingId, uniqueSources } from '../finding.ts';

/**
 * GRAPH-001: a path to a sensitive (confidential or restricted) domain whose workload or identity
 * has no owner. One finding per path; high for restricted data, medium for confidential.
 *
 * @example `const findings = orphanedSensitivePathRule(buildFindingContext(inv, paths, { evidenceWindowDays: 90 }));`
 */
export function orphanedSensitivePathRule(ctx: FindingContext): GraphFinding[] {
  const findings: GraphFinding[] = [];
  for (const path of ctx.paths) {
    if (path.ownership !== 'orphaned' || !isSensitive(path.sensitivity) || path.domain === null) continue;
    const unowned = path.orphaned_at.map((at) =>
      at === 'workload' ? `workload ${label(ctx.workloads, path.workload)}` : `identity ${label(ctx.identities, path.identity)}`,
    );
    const subject = `path:${path.path_id}`;
    const workload = ctx.workloads.get(path.workload);
    const identity = ctx.identities.get(path.identity);
    findings.push({
      id: findingId('GRAPH-001', subject),
      rule: 'GRAPH-001',
      severity: path.sensitivity === 'restricted' ? 'high' : 'medium',
      title: `Unowned path to ${path.sensitivity} domain ${label(ctx.domains, path.domain)}`,
      subject,
      path_ids: [path.path_id],
      evidence: path.evidence,
      sources: uniqueSources([
        ...(workload ? [workload.source] : []),
        ...(identity ? [identity.source] : []),
        ...path.edges.map((e) => e.source),
      ]),
      remediation:
        `Assign an owner to ${unowned.join(' and ')} (add OWNED_BY), or remove actions ${path.actions.join(', ')} ` +
        `on ${destinationRef(ctx, path.destination)} from identity ${label(ctx.identities, path.identity)}.`,
    });
  }
  return findings;
}
