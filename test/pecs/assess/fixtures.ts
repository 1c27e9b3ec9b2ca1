/**
 * CI/CD-profile fixtures for the assessment and gate tests, written for these tests: a
 * "mature" profile that meets every criterion of Writ's maturity model (level 4 in every
 * dimension, no finding), and helpers to copy and mutate it.
 */
import type { PecsDocument } from '../../../src/pecs/document.ts';

/** A sha256-shaped digest (64 hex) that is not the hash of anything in these tests. */
export const APPROVED_DIGEST = 'a1'.repeat(32);

/** Deep copy, so each test mutates its own fixture. */
export const clone = <T>(v: T): T => structuredClone(v);

/** The mature entry point: a critical production deploy job. */
export function matureEntryPoint(id = 'deploy-production'): Record<string, unknown> {
  return {
    id,
    name: 'Deploy to production',
    kind: 'deployment-action',
    path: '.github/workflows/release.yml',
    command: 'helm upgrade --install shop ./chart',
    privilegeDomain: 'kubernetes-rbac',
    executionContext: {
      environmentType: 'ci-cd',
      runAs: 'oidc-federated-identity',
      runAsIdentity: 'repo:acme/shop:environment:production',
      allowedCallers: ['release.yml'],
      runnerClass: 'ephemeral',
      targetEnvironment: 'production',
      networkAccess: 'restricted',
      interactiveAllowed: false,
      automationAllowed: true,
    },
    declaredEffects: ['Roll out the signed chart to the shop namespace'],
    riskLevel: 'critical',
    integrityBinding: { type: 'workflow-definition-hash', algorithm: 'sha256', digest: APPROVED_DIGEST, verifiedBeforeExecution: true, reviewRenewalRequiredOnChange: true },
    invocationContract: {
      allowedArgumentsPolicy: { mode: 'fixed', fixedArguments: ['production'] },
      expectedEffects: ['Only the release tag is deployed'],
      forbiddenEffects: ['Deploy an untagged commit'],
      preconditions: ['Release tag is signed'],
      postconditions: ['Rollout status is healthy'],
      failureMode: 'fail-closed',
      privilegeExpectation: 'must-use-approved-federated-identity',
      startupChecks: ['check-source-ref-policy', 'check-required-approvals', 'check-identity-binding', 'check-artifact-digest', 'check-workflow-definition-hash'],
    },
    reviews: [{ reviewer: 'sec-team', date: '2026-03-02', reviewType: 'security-review', decision: 'approved' }],
    evidenceRefs: ['ev-release-workflow'],
    cicdControls: {
      entryPointModel: 'release-workflow',
      runnerRestricted: true,
      runnerIsolationLevel: 'ephemeral-strong',
      identityEphemeralWherePossible: true,
      reviewedWorkflowRequired: true,
      workflowPinnedToTrustedRef: true,
      environmentApprovalRequired: true,
      requiresTwoPersonReview: true,
      artifactProvenanceVerified: true,
      artifactSigningRequired: true,
      secretExposureRisk: 'low',
      runnerEscapeRisk: 'low',
      policyEvaluated: true,
      reviewRenewalOnHashChange: true,
      targetBindings: [{ targetType: 'kubernetes-rbac', targetIdentifier: 'prod/shop-deployer', bindingMode: 'oidc-federation' }],
    },
  };
}

/** An authorization entry approving an entry point at a digest, bound to the release workflow. */
export function approvedEntry(entryPointId = 'deploy-production', digest = APPROVED_DIGEST, entryId = `${entryPointId}-approved`): Record<string, unknown> {
  return {
    entryId,
    privilegedEntryPointId: entryPointId,
    approvalStatus: 'approved',
    approvedBy: ['sec-team', 'release-managers'],
    approvedAt: '2026-03-02T10:00:00Z',
    expiresAt: '2027-03-02T10:00:00Z',
    integrityBinding: { type: 'workflow-definition-hash', algorithm: 'sha256', digest },
    pipelineBinding: { pipelineRef: 'acme/shop', workflowRef: '.github/workflows/release.yml', jobRef: 'deploy', environmentRef: 'production', runnerClass: 'ephemeral', identityBindingMode: 'oidc-federation' },
  };
}

/** The mature profile: one critical entry point, a signed approval set, its evidence. */
export function matureProfile(): PecsDocument {
  return {
    schemaVersion: '1.0.0',
    documentType: 'pecs-profile',
    metadata: { id: 'shop-release', title: 'Shop release pipeline', version: '1.2.0' },
    system: {
      name: 'shop-release',
      scope: 'Release pipeline of the shop service',
      environmentTypes: ['ci-cd'],
      criticality: 'high',
      cicdProfile: { platformType: 'github-actions', runnerTrustModel: 'ephemeral-runners', identityModel: 'oidc-federated', promotionModel: 'manual-approval-gated', artifactSigningUsed: true },
    },
    privilegedExecutionSurface: [matureEntryPoint()],
    authorizationArtifacts: [{ id: 'shop-approvals', type: 'signed-approval-manifest', signed: true, signatureRef: 'cosign://acme/shop-approvals', entries: [approvedEntry()] }],
    evidence: [
      {
        id: 'ev-release-workflow',
        type: 'workflow-definition',
        description: 'The reviewed release workflow',
        path: '.github/workflows/release.yml',
        collectedAt: '2026-03-02T10:00:00Z',
        hash: { type: 'workflow-definition-hash', algorithm: 'sha256', digest: APPROVED_DIGEST },
      },
    ],
  };
}

function parentOf(doc: unknown, pointer: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  const tokens = pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = tokens.pop();
  if (key === undefined) throw new Error('empty pointer');
  let node: unknown = doc;
  for (const t of tokens) node = (node as Record<string, unknown>)[t];
  if (typeof node !== 'object' || node === null) throw new Error(`no parent for ${pointer}`);
  return { parent: node as Record<string, unknown>, key };
}

/** Sets the value at a JSON pointer (the parent must exist); returns the document. */
export function setAt<T>(doc: T, pointer: string, value: unknown): T {
  const { parent, key } = parentOf(doc, pointer);
  (parent as Record<string, unknown>)[key] = value;
  return doc;
}

/** Deletes the value at a JSON pointer; returns the document. */
export function deleteAt<T>(doc: T, pointer: string): T {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return doc;
}

/** The value at a JSON pointer, or undefined. */
export function getAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const t of pointer.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[t];
  }
  return node;
}

/** The reference CI/CD example, or null (with the reason) when /work/shared is absent. */
export async function referenceExample(): Promise<PecsDocument | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    return JSON.parse(await readFile(new URL('../../../../shared/reference/pecs/cicd-profile.example.json', import.meta.url), 'utf8')) as PecsDocument;
  } catch {
    return null;
  }
}
