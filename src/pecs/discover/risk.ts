/**
 * The risk level of a discovered privileged job. Critical: it reaches a production-like
 * environment with credentials or deploy commands, or an outside contributor's trigger
 * meets write access or secrets. High: it deploys, publishes, federates or holds secrets
 * or write access. Moderate: a self-hosted runner or a risky trigger alone.
 *
 * @module
 */
import { isRiskyTrigger } from './github/triggers.ts';
import type { DiscoveredJob } from './types.ts';

const PRODUCTION = /prod|live|release/i;

/**
 * True when an environment name reads as production.
 *
 * @example
 * ```ts
 * isProductionLike('Production-EU'); // true
 * ```
 */
export function isProductionLike(name: string | null | undefined): boolean {
  return name ? PRODUCTION.test(name) : false;
}

/**
 * The PECS `riskLevel` of a job.
 *
 * @example
 * ```ts
 * riskLevelOf(job); // 'high'
 * ```
 */
export function riskLevelOf(job: DiscoveredJob): 'low' | 'moderate' | 'high' | 'critical' {
  const credentials = job.secrets.length > 0 || job.secretsInherit || job.oidc;
  const writes = job.permissions.mode === 'write-all' || job.permissions.writeScopes.some((s) => s !== 'id-token');
  const risky = job.triggers.some(isRiskyTrigger);
  if (isProductionLike(job.environment?.name) && (credentials || job.operations.length > 0)) return 'critical';
  if (risky && (credentials || writes)) return 'critical';
  if (credentials || writes || job.operations.length > 0 || job.environment) return 'high';
  if (job.runnerClass === 'self-hosted-static' || risky) return 'moderate';
  return 'low';
}
