import { isSensitive } from '../../model/inventory.ts';
import type { InventoryEdge } from '../../model/inventory.ts';
import type { FindingContext } from '../finding-context.ts';
import { label } from '../finding-context.ts';
import type { GraphFinding } from '../finding.ts';
import { findingId, uniqueSources } from '../finding.ts';
import { groupBy, sortedUnique, uniqueInOrder } from '../group-by.ts';

/**
 * GRAPH-003: a long-lived credential held by an identity that sits on a path to a sensitive domain.
 * One finding per identity+credential, high severity.
 *
 * @example `const findings = longLivedCredentialRule(ctx);`
 */
export function longLivedCredentialRule(ctx: FindingContext): GraphFinding[] {
  const candidates = ctx.paths.filter((p) => p.credential_posture === 'long-lived' && isSensitive(p.sensitivity));
  if (candidates.length === 0) return [];
  const credentialEdges = new Map<string, InventoryEdge>();
  for (const edge of ctx.inventory.edges) {
    if (edge.kind === 'HAS_CREDENTIAL') credentialEdges.set(`${edge.from}\u0000${edge.to}`, edge);
  }
  const findings: GraphFinding[] = [];
  for (const [identity, paths] of groupBy(candidates, (p) => p.identity)) {
    const domains = sortedUnique(paths.map((p) => p.domain ?? ''));
    const credentials = paths[0]?.credentials ?? [];
    for (const credentialId of credentials) {
      const credential = ctx.credentials.get(credentialId);
      if (credential?.lifetime !== 'long-lived') continue;
      const subject = `${identity} ~ ${credentialId}`;
      const edge = credentialEdges.get(`${identity}\u0000${credentialId}`);
      const rotated = credential.last_rotated ? `last rotated ${credential.last_rotated}` : 'no rotation recorded';
      findings.push({
        id: findingId('GRAPH-003', subject),
        rule: 'GRAPH-003',
        severity: 'high',
        title: `Long-lived ${credential.kind} on a path to sensitive domain(s) ${domains.join(', ')}`,
        subject,
        path_ids: uniqueInOrder(paths.map((p) => p.path_id)),
        evidence: paths.flatMap((p) => p.evidence),
        sources: uniqueSources([credential.source, ...(edge ? [edge.source] : [])]),
        remediation:
          `Replace long-lived ${credential.kind} ${label(ctx.credentials, credentialId)} (${rotated}) of identity ` +
          `${label(ctx.identities, identity)} with short-lived credentials (OIDC federation or role assumption), ` +
          `or rotate it and remove the identity's access to ${domains.join(', ')}.`,
      });
    }
  }
  return findings;
}
