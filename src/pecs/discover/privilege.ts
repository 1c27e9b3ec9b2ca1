/**
 * Why a job is privileged (the definition): an environment, write permissions or
 * `id-token: write`, static secrets, a self-hosted runner, deploy/publish/infra operations,
 * or a trigger an outside contributor controls. No reason, no entry point.
 *
 * @module
 */
import { isRiskyTrigger } from './github/triggers.ts';
import type { DiscoveredJob } from './types.ts';

/**
 * The privilege reasons of a job, in a fixed order.
 *
 * @example
 * ```ts
 * privilegeReasons({ ...job, environment: { name: 'production', url: null } }); // ['environment: production', …]
 * ```
 */
export function privilegeReasons(job: Omit<DiscoveredJob, 'privilegeReasons'>): string[] {
  const reasons: string[] = [];
  if (job.environment) reasons.push(`environment: ${job.environment.name}`);
  if (job.permissions.mode === 'write-all') reasons.push('permissions: write-all');
  else if (job.permissions.writeScopes.some((s) => s !== 'id-token')) reasons.push(`write permissions: ${job.permissions.writeScopes.filter((s) => s !== 'id-token').join(', ')}`);
  if (job.oidc) reasons.push('OIDC token (id-token: write / id_tokens)');
  if (job.secrets.length > 0) reasons.push(`secrets: ${job.secrets.join(', ')}`);
  if (job.secretsInherit) reasons.push('secrets: inherit');
  if (job.runnerClass === 'self-hosted-static') reasons.push('self-hosted runner');
  if (job.operations.length > 0) reasons.push(`operations: ${job.operations.map((o) => o.label).join(', ')}`);
  const risky = job.triggers.filter(isRiskyTrigger);
  if (risky.length > 0) reasons.push(`trigger: ${risky.join(', ')}`);
  return reasons;
}
