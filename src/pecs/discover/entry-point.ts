/**
 * A privileged {@link DiscoveredJob} → a `cicdPrivilegedEntryPoint` of the CI/CD profile:
 * execution context, integrity binding (`workflow-definition-hash`), invocation contract
 * and controls, each inferred from the file only. What the file cannot show (reviewer
 * rules on environments, branch protection) is left at its cautious value.
 *
 * @module
 */
import { isRiskyTrigger } from './github/triggers.ts';
import { idSegment } from './ids.ts';
import { riskLevelOf } from './risk.ts';
import type { DiscoveredJob } from './types.ts';

type Json = Record<string, unknown>;

function privilegeDomainOf(job: DiscoveredJob): string {
  const cats = new Set(job.operations.map((o) => o.category));
  if (cats.has('kubernetes') || job.targets.some((t) => t.targetType === 'kubernetes-rbac')) return 'kubernetes-rbac';
  if (cats.has('infrastructure') || cats.has('cloud-deploy') || job.targets.some((t) => t.targetType === 'cloud-iam')) return 'cloud-admin';
  if (cats.has('signing') && cats.size === 1) return 'artifact-signing';
  return 'ci-cd';
}

function kindOf(job: DiscoveredJob): string {
  const cats = new Set(job.operations.map((o) => o.category));
  if (cats.has('kubernetes') || cats.has('infrastructure') || cats.has('cloud-deploy') || job.environment) return 'deployment-action';
  if (cats.has('publish') || cats.has('release') || cats.has('signing')) return 'release-action';
  if (job.delegatesTo) return 'workflow';
  if (job.secrets.length > 0 || job.secretsInherit) return 'secret-bearing-step';
  if (job.runnerClass === 'self-hosted-static') return 'runner-operation';
  return 'job';
}

function runAsOf(job: DiscoveredJob): string {
  // Static secrets win over an available OIDC token: the long-lived credential is what an
  // attacker of the job would take.
  if (job.oidc && job.secrets.length === 0 && !job.secretsInherit) return 'oidc-federated-identity';
  if (job.runnerClass === 'self-hosted-static' && job.secrets.length === 0) return 'runner-identity';
  return 'pipeline-identity';
}

function effectsOf(job: DiscoveredJob): string[] {
  const effects = job.operations.map((o) => `${o.category}: ${o.label}`);
  if (job.environment) effects.push(`acts on environment ${job.environment.name}`);
  if (job.permissions.mode === 'write-all') effects.push('may write every repository scope with the job token');
  else if (job.permissions.writeScopes.some((s) => s !== 'id-token')) effects.push(`writes repository scopes: ${job.permissions.writeScopes.filter((s) => s !== 'id-token').join(', ')}`);
  if (job.delegatesTo) effects.push(`runs ${job.delegatesTo.raw}`);
  if (effects.length === 0) effects.push(`runs with: ${job.privilegeReasons.join('; ')}`);
  return effects;
}

function commandOf(job: DiscoveredJob): string {
  if (job.delegatesTo) return job.delegatesTo.raw;
  const ops = job.operations.map((o) => o.label);
  return ops.length > 0 ? `${job.jobKey}: ${ops.join(', ')}` : `run job ${job.jobKey}`;
}

function startupChecksOf(job: DiscoveredJob): string[] {
  // The workflow hash check is the contract discovery proposes for every entry point
  // (`writ pecs gate`); the rest are what the platform already enforces per the file.
  const checks = ['check-workflow-definition-hash'];
  if (job.protectedRefsOnly) checks.push('check-source-ref-policy');
  if (job.runnerClass === 'dedicated' || (job.runnerClass === 'self-hosted-static' && job.runnerLabels.length > 1)) checks.push('check-runner-class');
  if (job.environment) checks.push('check-target-environment');
  if (job.manualApproval || job.environment) checks.push('check-required-approvals');
  if (job.oidc) checks.push('check-identity-binding');
  if (job.hasConcurrencyLock) checks.push('check-concurrency-lock');
  return checks;
}

function argumentsPolicyOf(job: DiscoveredJob): Json {
  if (job.manualInputs.length === 0) return { mode: 'fixed', fixedArguments: [] };
  const free = job.manualInputs.filter((i) => i.choices === null).map((i) => i.name);
  if (free.length === 0) return { mode: 'allowlist', allowedPatterns: job.manualInputs.flatMap((i) => (i.choices ?? []).map((c) => `${i.name}=${c}`)) };
  return { mode: 'none', notes: `free-form workflow_dispatch inputs: ${free.join(', ')}` };
}

function risk(level: boolean, high: boolean): 'low' | 'moderate' | 'high' {
  return high ? 'high' : level ? 'moderate' : 'low';
}

/**
 * The entry point of `job` with id `id`; `evidenceId` names the workflow-definition evidence.
 *
 * @example
 * ```ts
 * const ep = entryPointOf(job, 'acme-app:deploy.yml:prod', 'evidence:deploy.yml', 'f4f4d2b1…');
 * ```
 */
export function entryPointOf(job: DiscoveredJob, id: string, evidenceId: string, gitRevision: string | null): Json {
  const staticSecrets = job.secrets.length > 0 || job.secretsInherit || job.targets.some((t) => t.bindingMode === 'static-secret');
  const thirdParty = job.uses.filter((u) => u.kind !== 'local' && !u.firstParty);
  const risky = job.triggers.filter(isRiskyTrigger);
  const selfHosted = job.runnerClass === 'self-hosted-static';
  const executionContext: Json = {
    environmentType: 'ci-cd',
    runAs: runAsOf(job),
    runAsIdentity: job.oidc ? `${job.platform}:${job.file}:${job.environment?.name ?? job.jobKey}` : staticSecrets ? `static secrets: ${[...job.secrets, ...(job.secretsInherit ? ['inherit'] : [])].join(', ')}` : `${job.platform} job token`,
    allowedCallers: job.triggers.length > 0 ? job.triggers.map((t) => `event:${t}`) : ['event:unknown'],
    runnerClass: job.runnerClass,
    networkAccess: job.runnerClass === 'ephemeral' || job.runnerClass === 'shared' ? 'full' : 'unknown',
    interactiveAllowed: job.manualApproval || job.triggers.includes('workflow_dispatch'),
    automationAllowed: true,
    environmentRestrictions: job.runnerLabels.map((l) => `runner label: ${l}`),
    sourceTrustConstraints: job.refConstraints,
  };
  if (job.environment) executionContext.targetEnvironment = job.environment.name;
  const integrityBinding: Json = {
    type: 'workflow-definition-hash',
    algorithm: 'sha256',
    digest: job.fileDigest,
    verifiedBeforeExecution: job.verifiesWorkflowHash,
    reviewRenewalRequiredOnChange: true,
  };
  if (gitRevision) integrityBinding.gitRevision = gitRevision;
  const effects = effectsOf(job);
  const cats = new Set(job.operations.map((o) => o.category));
  const envGate = job.environment ? `environment:${idSegment(job.environment.name) || 'unnamed'}` : null;
  const approvalGateRefs = envGate && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(envGate) ? [envGate] : [];
  const cicdControls: Json = {
    entryPointModel: cats.has('release') || cats.has('publish') ? 'release-workflow' : job.environment ? 'promotion-pipeline' : selfHosted ? 'runner-mediated-operation' : 'direct-pipeline-step',
    runnerRestricted: job.runnerClass === 'dedicated' || (selfHosted && job.runnerLabels.length > 1),
    runnerIsolationLevel: job.runnerClass === 'ephemeral' ? 'ephemeral-strong' : selfHosted ? 'low' : job.runnerClass === 'shared' ? 'moderate' : 'unknown',
    identityEphemeralWherePossible: job.oidc && !staticSecrets,
    reviewedWorkflowRequired: job.verifiesWorkflowHash,
    workflowPinnedToTrustedRef: thirdParty.every((u) => u.pinnedToSha),
    environmentApprovalRequired: job.environment !== null || job.manualApproval,
    requiresTwoPersonReview: false,
    artifactProvenanceVerified: job.policyEngines.includes('slsa-verifier'),
    artifactSigningRequired: job.signsArtifacts,
    secretExposureRisk: job.secretsInherit || (staticSecrets && risky.length > 0) ? 'high' : staticSecrets ? 'moderate' : job.oidc ? 'low' : 'none',
    runnerEscapeRisk: selfHosted ? risk(true, risky.length > 0 || job.triggers.includes('pull_request')) : job.runnerClass === 'other' ? 'unknown' : 'low',
    targetPrivilegeAmplificationRisk: job.permissions.mode === 'write-all' ? 'high' : cats.has('kubernetes') || cats.has('infrastructure') ? 'moderate' : 'unknown',
    policyEvaluated: job.policyEngines.some((e) => e === 'opa' || e === 'conftest'),
    requiresDedicatedReview: false,
    reviewRenewalOnHashChange: true,
    approvalGateRefs,
    targetBindings: job.targets.map((t) => ({ ...t, bindingRef: `${job.file}#${job.jobKey}` })),
  };
  return {
    id,
    name: `${job.workflowName ?? job.file} / ${job.jobName}`,
    kind: kindOf(job),
    path: job.file,
    command: commandOf(job),
    privilegeDomain: privilegeDomainOf(job),
    executionContext,
    declaredEffects: effects,
    riskLevel: riskLevelOf(job),
    integrityBinding,
    invocationContract: {
      allowedArgumentsPolicy: argumentsPolicyOf(job),
      expectedEffects: effects,
      forbiddenEffects: [],
      preconditions: [...(job.protectedRefsOnly ? ['started from a protected ref'] : []), ...(job.environment ? [`environment ${job.environment.name} protection rules pass`] : []), ...(job.manualApproval ? ['manual approval given'] : [])],
      postconditions: [],
      failureMode: job.verifiesWorkflowHash ? 'fail-closed' : 'best-effort',
      privilegeExpectation: job.oidc
        ? 'must-use-approved-federated-identity'
        : job.environment
          ? 'must-be-approved-for-target-environment'
          : selfHosted || job.runnerClass === 'dedicated'
            ? 'must-run-on-approved-runner'
            : 'must-use-reviewed-workflow-definition',
      startupChecks: startupChecksOf(job),
    },
    evidenceRefs: [evidenceId],
    cicdControls,
  };
}
