import { createHash } from 'node:crypto';

/**
 * Stable id of a path: sha256 (hex) of `workload\nidentity\ndestination\ndomain`, with the domain
 * as the empty string when the destination holds no domain.
 *
 * @example
 * ```ts
 * pathId('w:agent', 'aws:iam:role/r', 'aws:s3:bucket/b', 'domain:pii'); // 64 hex chars
 * ```
 */
export function pathId(workload: string, identity: string, destination: string, domain: string | null): string {
  return createHash('sha256')
    .update([workload, identity, destination, domain ?? ''].join('\n'))
    .digest('hex');
}
