/**
 * The `system` block of a discovered CI/CD profile: name, scope, `environmentTypes`
 * (`ci-cd`, so validation picks the CI/CD profile) and the `cicdProfile` summary of the
 * platform, runner trust, identity and promotion models across the privileged jobs.
 *
 * @module
 */
import { riskLevelOf } from './risk.ts';
import type { DiscoveredJob } from './types.ts';
import { sortedUnique } from './values.ts';

const RISK_ORDER = ['low', 'moderate', 'high', 'critical'] as const;

function runnerTrustModel(jobs: DiscoveredJob[]): string {
  const classes = new Set(jobs.map((j) => j.runnerClass));
  if (classes.size !== 1) return 'mixed';
  const only = [...classes][0];
  return only === 'ephemeral' ? 'ephemeral-runners' : only === 'shared' ? 'shared-runners' : only === 'dedicated' ? 'dedicated-runners' : only === 'self-hosted-static' ? 'self-hosted-static' : 'mixed';
}

function identityModel(jobs: DiscoveredJob[]): string {
  const statics = jobs.some((j) => j.secrets.length > 0 || j.secretsInherit);
  const oidc = jobs.some((j) => j.oidc);
  if (statics && oidc) return 'mixed';
  if (statics) return 'static-secrets';
  if (oidc) return 'oidc-federated';
  // Only the platform's per-job token: short-lived and issued to the workload.
  return 'workload-identity';
}

/**
 * The system block for `jobs` (the privileged ones) found in files of `platforms`.
 *
 * @example
 * ```ts
 * systemOf('acme/app', ['github-actions'], jobs).cicdProfile;
 * ```
 */
export function systemOf(repo: string | null, platforms: string[], jobs: DiscoveredJob[]): Record<string, unknown> {
  const environments = sortedUnique(jobs.flatMap((j) => (j.environment ? [j.environment.name] : [])));
  const criticality = jobs.reduce<(typeof RISK_ORDER)[number]>((max, j) => {
    const r = riskLevelOf(j);
    return RISK_ORDER.indexOf(r) > RISK_ORDER.indexOf(max) ? r : max;
  }, 'low');
  const engines = sortedUnique(jobs.flatMap((j) => j.policyEngines));
  const platformSet = sortedUnique(platforms);
  return {
    name: repo ?? 'discovered-cicd',
    description: `Discovered by writ pecs discover from ${platformSet.join(' and ')} definitions.`,
    scope: `Privileged CI/CD jobs of ${repo ?? 'the analysed repository'}: ${jobs.length} entry point${jobs.length === 1 ? '' : 's'}.`,
    environmentTypes: ['ci-cd'],
    criticality,
    cicdProfile: {
      platformType: platformSet.length === 1 ? platformSet[0] : 'other',
      runnerTrustModel: runnerTrustModel(jobs),
      identityModel: identityModel(jobs),
      promotionModel: jobs.some((j) => j.manualApproval || j.environment) ? 'manual-approval-gated' : 'branch-driven',
      repositoryScope: repo ? [repo] : [],
      environmentsInScope: environments,
      artifactSigningUsed: jobs.some((j) => j.signsArtifacts),
      provenanceGenerated: jobs.some((j) => j.generatesProvenance),
      policyEngines: engines,
      ...(platformSet.length > 1 ? { notes: `platforms: ${platformSet.join(', ')}` } : {}),
    },
  };
}
