/**
 * The predicate of every maturity criterion (`maturity-model.ts` holds their text and
 * fields). A `Record` over {@link CriterionId} makes the compiler reject a criterion
 * without a check. Each check reads only {@link EntryPointFacts}; an absent field counts
 * as not meeting the criterion (an undeclared control is not a control).
 *
 * @module
 */
import type { EntryPointFacts } from './entry-point-facts.ts';
import { asArray, asRecord, asString, asStrings } from './loose-access.ts';
import type { CriterionId } from './maturity-model.ts';

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const some = (v: unknown): boolean => asArray(v).length > 0;
const oneOf = (v: unknown, values: readonly string[]): boolean => typeof v === 'string' && values.includes(v);
const hasCheck = (f: EntryPointFacts, ...checks: string[]): boolean => checks.some((c) => f.startupChecks.includes(c));

/**
 * True when nothing binds the entry point to its target with a static secret: its target
 * bindings and the pipeline bindings of the authorization entries naming it.
 *
 * @example
 * ```ts
 * usesStaticSecret(facts); // true when a bindingMode/identityBindingMode is 'static-secret'
 * ```
 */
export function usesStaticSecret(f: EntryPointFacts): boolean {
  const targets = asArray(f.controls.targetBindings).some((b) => asRecord(b).bindingMode === 'static-secret');
  const entries = f.authorizations.some((a) => asRecord(a.entry.pipelineBinding).identityBindingMode === 'static-secret');
  return targets || entries;
}

/**
 * True when the entry point declares an approval before it reaches its target environment:
 * `cicdControls.environmentApprovalRequired` in the CI/CD profile; in the other profiles,
 * which have no such flag, a non-empty `approvalGateRefs` in their controls block.
 *
 * @example
 * ```ts
 * environmentApprovalDeclared(facts); // true for the CI/CD example (environmentApprovalRequired: true)
 * ```
 */
export function environmentApprovalDeclared(f: EntryPointFacts): boolean {
  if (f.controlsKey === 'cicdControls') return f.controls.environmentApprovalRequired === true;
  return f.controls.environmentApprovalRequired === true || asArray(f.controls.approvalGateRefs).length > 0;
}

/**
 * The digests bound by the in-force authorization entries (entries without a digest give null).
 *
 * @example
 * ```ts
 * inForceDigests(facts); // ['3d9c…', null]
 * ```
 */
export function inForceDigests(f: EntryPointFacts): Array<string | null> {
  return f.authorizations.filter((a) => a.inForce).map((a) => asString(asRecord(a.entry.integrityBinding).digest));
}

/** Digests compare case-insensitively: hex case is not a change of content. */
const sameDigest = (a: string | null, b: string | null): boolean => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

const referencedEvidence = (f: EntryPointFacts) => asStrings(f.entryPoint.evidenceRefs).map((id) => f.evidenceById.get(id) ?? null);

/**
 * Whether each criterion holds for an entry point.
 *
 * @example
 * ```ts
 * CRITERION_CHECKS['RUN-2a'](facts); // true when failureMode is fail-closed
 * ```
 */
export const CRITERION_CHECKS: Readonly<Record<CriterionId, (f: EntryPointFacts) => boolean>> = {
  'INV-1a': (f) => ['kind', 'command', 'privilegeDomain', 'riskLevel'].every((k) => nonEmpty(f.entryPoint[k])),
  'INV-2a': (f) => nonEmpty(f.entryPoint.path) && some(f.entryPoint.declaredEffects),
  'INV-3a': (f) => {
    const mode = asRecord(f.invocationContract.allowedArgumentsPolicy).mode;
    return nonEmpty(mode) && mode !== 'none' && some(f.invocationContract.forbiddenEffects);
  },
  'INV-4a': (f) =>
    oneOf(asRecord(f.invocationContract.allowedArgumentsPolicy).mode, ['fixed', 'schema-validated', 'policy-evaluated']) &&
    some(f.invocationContract.preconditions) &&
    some(f.invocationContract.postconditions),

  'IDC-1a': (f) => nonEmpty(f.executionContext.runAs) && nonEmpty(f.executionContext.runAsIdentity),
  'IDC-2a': (f) => !usesStaticSecret(f) && f.executionContext.runAs !== 'user',
  'IDC-3a': (f) => oneOf(f.executionContext.runAs, ['oidc-federated-identity', 'workload-identity']) && f.controls.identityEphemeralWherePossible === true,
  'IDC-4a': (f) => hasCheck(f, 'check-identity-binding') && oneOf(f.controls.secretExposureRisk, ['none', 'low']),

  'INT-1a': (f) => f.integrityBinding !== null && nonEmpty(f.integrityBinding.type) && f.integrityBinding.type !== 'none',
  'INT-2a': (f) => f.integrityBinding !== null && (nonEmpty(f.integrityBinding.digest) || (f.integrityBinding.type === 'commit-hash' && nonEmpty(f.integrityBinding.gitRevision))),
  'INT-3a': (f) => f.integrityBinding?.verifiedBeforeExecution === true && hasCheck(f, 'check-workflow-definition-hash', 'check-artifact-digest', 'check-provenance-attestation'),
  'INT-4a': (f) => {
    const renewal = f.integrityBinding?.reviewRenewalRequiredOnChange === true || f.controls.reviewRenewalOnHashChange === true;
    const own = asString(f.integrityBinding?.digest);
    const bound = inForceDigests(f);
    return renewal && bound.length > 0 && bound.every((d) => sameDigest(d, own));
  },

  'AUT-1a': (f) => f.authorizations.length > 0,
  'AUT-2a': (f) => f.authorizations.some((a) => a.inForce) && f.controls.reviewedWorkflowRequired === true,
  'AUT-3a': (f) =>
    f.authorizations.some((a) => a.inForce && a.artifact.signed === true && nonEmpty(a.artifact.signatureRef)) && (!f.production || environmentApprovalDeclared(f)),
  'AUT-4a': (f) => f.controls.requiresTwoPersonReview === true && f.authorizations.some((a) => a.inForce && asStrings(a.entry.approvedBy).length >= 2),

  'RUN-1a': (f) => f.startupChecks.length > 0,
  'RUN-2a': (f) => f.invocationContract.failureMode === 'fail-closed',
  'RUN-3a': (f) => hasCheck(f, 'check-required-approvals') && hasCheck(f, 'check-workflow-definition-hash', 'check-artifact-digest'),
  'RUN-4a': (f) => f.controls.policyEvaluated === true && hasCheck(f, 'check-source-ref-policy') && f.controls.workflowPinnedToTrustedRef === true,

  'ISO-1a': (f) => nonEmpty(f.executionContext.runnerClass) && nonEmpty(f.executionContext.networkAccess) && f.executionContext.networkAccess !== 'unknown',
  'ISO-2a': (f) => nonEmpty(f.executionContext.runnerClass) && f.executionContext.runnerClass !== 'shared' && f.controls.runnerRestricted === true,
  'ISO-3a': (f) =>
    oneOf(f.executionContext.runnerClass, ['dedicated', 'ephemeral']) &&
    oneOf(f.controls.runnerIsolationLevel, ['high', 'ephemeral-strong']) &&
    oneOf(f.executionContext.networkAccess, ['none', 'restricted']),
  'ISO-4a': (f) =>
    f.executionContext.runnerClass === 'ephemeral' &&
    f.controls.runnerIsolationLevel === 'ephemeral-strong' &&
    oneOf(f.controls.runnerEscapeRisk, ['none', 'low']) &&
    f.executionContext.interactiveAllowed === false,

  'EVD-1a': (f) => some(f.entryPoint.reviews) || some(f.entryPoint.evidenceRefs),
  'EVD-2a': (f) => {
    const refs = referencedEvidence(f);
    return refs.length > 0 && refs.every((e) => e !== null);
  },
  'EVD-3a': (f) =>
    asArray(f.entryPoint.reviews).some((r) => oneOf(asRecord(r).decision, ['approved', 'approved-with-conditions'])) &&
    referencedEvidence(f).some((e) => e !== null && e.hash !== undefined),
  'EVD-4a': (f) => {
    const refs = referencedEvidence(f);
    return asArray(f.entryPoint.reviews).some((r) => asRecord(r).reviewType === 'security-review') && refs.length > 0 && refs.every((e) => e !== null && nonEmpty(e.collectedAt));
  },
};
