/**
 * Runs the finding rules of `finding-catalog.ts` over a document's entry points and
 * authorization artifacts. Each detection names the rule, its subject (the entry point,
 * authorization entry or artifact it is about), the entry points concerned, the JSON
 * pointers of the fields that caused it and a one-line description. Output order is
 * deterministic: document order of entry points, rules in id order within each, then
 * artifact-level detections in artifact order.
 *
 * @module
 */
import type { EntryAuthorization, EntryPointFacts } from './entry-point-facts.ts';
import type { FindingRuleId } from './finding-catalog.ts';
import { asArray, asRecord, asString, joinPointer, type LooseRecord } from './loose-access.ts';
import { environmentApprovalDeclared, usesStaticSecret } from './maturity-criteria-checks.ts';

/** One rule firing on one subject. */
export interface Detection {
  rule: FindingRuleId;
  /** What it is about: an entry point id, `entryPointId:entryId`, or an artifact id. */
  subject: string;
  /** The entry points concerned (one for entry-point rules; those the artifact authorizes for PECS-A-007). */
  entryPointIds: string[];
  /** JSON pointers of the fields that caused it. */
  fields: string[];
  description: string;
}

const HIGH_RISK = new Set(['high', 'critical']);
const IN_FORCE = new Set(['approved', 'conditional']);
const SIGNING_VERIFICATION_CHECKS = ['check-artifact-digest', 'check-provenance-attestation'];

/** Where a control lives for this entry point (`cicdControls` by default, the CI/CD name). */
const controlPointer = (f: EntryPointFacts, field: string) => joinPointer(f.pointer, f.controlsKey ?? 'cicdControls', field);

function criticalFailsOpen(f: EntryPointFacts): Detection[] {
  if (f.riskLevel !== 'critical' || f.invocationContract.failureMode !== 'best-effort') return [];
  return [
    {
      rule: 'PECS-A-001',
      subject: f.id,
      entryPointIds: [f.id],
      fields: [joinPointer(f.pointer, 'riskLevel'), joinPointer(f.pointer, 'invocationContract', 'failureMode')],
      description: `${f.id} is critical but its failureMode is best-effort: a failed startup check lets it run.`,
    },
  ];
}

function staticSecretForProduction(f: EntryPointFacts): Detection[] {
  if (!f.production) return [];
  const fields: string[] = [];
  asArray(f.controls.targetBindings).forEach((b, i) => {
    if (asRecord(b).bindingMode === 'static-secret') fields.push(joinPointer(controlPointer(f, 'targetBindings'), i, 'bindingMode'));
  });
  for (const a of f.authorizations) {
    if (asRecord(a.entry.pipelineBinding).identityBindingMode === 'static-secret') fields.push(joinPointer(a.pointer, 'pipelineBinding', 'identityBindingMode'));
  }
  // A system-wide static-secret identity model counts when the entry point itself does not run federated.
  const federated = f.executionContext.runAs === 'oidc-federated-identity' || f.executionContext.runAs === 'workload-identity';
  if (!usesStaticSecret(f) && !(asRecord(f.system.cicdProfile).identityModel === 'static-secrets' && !federated)) return [];
  if (fields.length === 0) fields.push('/system/cicdProfile/identityModel');
  return [
    {
      rule: 'PECS-A-002',
      subject: f.id,
      entryPointIds: [f.id],
      fields: [joinPointer(f.pointer, 'executionContext', 'targetEnvironment'), ...fields],
      description: `${f.id} targets ${String(f.executionContext.targetEnvironment)} with a static secret.`,
    },
  ];
}

function sharedRunnerForCriticalWork(f: EntryPointFacts): Detection[] {
  if (!HIGH_RISK.has(f.riskLevel)) return [];
  const fields: string[] = [];
  if (f.executionContext.runnerClass === 'shared') fields.push(joinPointer(f.pointer, 'executionContext', 'runnerClass'));
  for (const a of f.authorizations) {
    if (asRecord(a.entry.pipelineBinding).runnerClass === 'shared') fields.push(joinPointer(a.pointer, 'pipelineBinding', 'runnerClass'));
  }
  if (fields.length === 0) return [];
  return [{ rule: 'PECS-A-003', subject: f.id, entryPointIds: [f.id], fields: [joinPointer(f.pointer, 'riskLevel'), ...fields], description: `${f.id} (${f.riskLevel}) runs on shared runners.` }];
}

function criticalWithoutTwoPersonReview(f: EntryPointFacts): Detection[] {
  if (f.riskLevel !== 'critical' || f.controls.requiresTwoPersonReview === true) return [];
  return [
    {
      rule: 'PECS-A-004',
      subject: f.id,
      entryPointIds: [f.id],
      fields: [joinPointer(f.pointer, 'riskLevel'), controlPointer(f, 'requiresTwoPersonReview')],
      description: `${f.id} is critical but does not require two-person review.`,
    },
  ];
}

const entrySubject = (f: EntryPointFacts, a: EntryAuthorization) => `${f.id}:${asString(a.entry.entryId) ?? a.pointer}`;

function digestDrift(f: EntryPointFacts): Detection[] {
  const own = asString(f.integrityBinding?.digest);
  if (own === null) return [];
  return f.authorizations
    .filter((a) => IN_FORCE.has(String(a.entry.approvalStatus)))
    .filter((a) => {
      const bound = asString(asRecord(a.entry.integrityBinding).digest);
      return bound !== null && bound.toLowerCase() !== own.toLowerCase();
    })
    .map((a) => ({
      rule: 'PECS-A-005' as const,
      subject: entrySubject(f, a),
      entryPointIds: [f.id],
      fields: [joinPointer(a.pointer, 'integrityBinding', 'digest'), joinPointer(f.pointer, 'integrityBinding', 'digest')],
      description: `Authorization entry ${String(a.entry.entryId)} approves digest ${String(asRecord(a.entry.integrityBinding).digest).slice(0, 12)}… but ${f.id} is bound to ${own.slice(0, 12)}…: the change needs a renewed review.`,
    }));
}

/**
 * An authorization entry is "in use" when the entry point names it (or its artifact) in
 * `authorizationReference`, or when the entry point has no in-force entry at all (so
 * whatever approval it has is the one it runs on).
 */
function isInUse(f: EntryPointFacts, a: EntryAuthorization): boolean {
  const ref = asString(f.entryPoint.authorizationReference);
  if (ref !== null && (ref === a.entry.entryId || ref === a.artifact.id)) return true;
  return !f.authorizations.some((x) => x.inForce);
}

function staleApprovalInUse(f: EntryPointFacts): Detection[] {
  const out: Detection[] = [];
  for (const a of f.authorizations) {
    const status = String(a.entry.approvalStatus);
    const stale = status === 'expired' || status === 'draft' || (IN_FORCE.has(status) && a.pastExpiry);
    if (!stale || !isInUse(f, a)) continue;
    const fields = [joinPointer(a.pointer, 'approvalStatus')];
    if (a.pastExpiry) fields.push(joinPointer(a.pointer, 'expiresAt'));
    const why = IN_FORCE.has(status) ? `expired at ${String(a.entry.expiresAt)}` : `is ${status}`;
    out.push({ rule: 'PECS-A-006', subject: entrySubject(f, a), entryPointIds: [f.id], fields, description: `Authorization entry ${String(a.entry.entryId)} for ${f.id} ${why}.` });
  }
  return out;
}

function productionWithoutEnvironmentApproval(f: EntryPointFacts): Detection[] {
  if (!f.production || environmentApprovalDeclared(f)) return [];
  return [
    {
      rule: 'PECS-A-008',
      subject: f.id,
      entryPointIds: [f.id],
      fields: [joinPointer(f.pointer, 'executionContext', 'targetEnvironment'), controlPointer(f, f.controlsKey === 'cicdControls' || f.controlsKey === null ? 'environmentApprovalRequired' : 'approvalGateRefs')],
      description: `${f.id} targets ${String(f.executionContext.targetEnvironment)} without environment approval.`,
    },
  ];
}

function signingDeclaredNotVerified(f: EntryPointFacts): Detection[] {
  const declaredHere = f.controls.artifactSigningRequired === true;
  const declaredBySystem =
    asRecord(f.system.cicdProfile).artifactSigningUsed === true && asArray(f.controls.targetBindings).some((b) => asRecord(b).targetType === 'artifact-signing');
  if (!declaredHere && !declaredBySystem) return [];
  const verified = SIGNING_VERIFICATION_CHECKS.some((c) => f.startupChecks.includes(c)) || f.controls.artifactProvenanceVerified === true;
  if (verified) return [];
  return [
    {
      rule: 'PECS-A-009',
      subject: f.id,
      entryPointIds: [f.id],
      fields: [
        declaredHere ? controlPointer(f, 'artifactSigningRequired') : '/system/cicdProfile/artifactSigningUsed',
        joinPointer(f.pointer, 'invocationContract', 'startupChecks'),
        controlPointer(f, 'artifactProvenanceVerified'),
      ],
      description: `${f.id} declares artifact signing but nothing verifies the signature or provenance before it runs.`,
    },
  ];
}

function highRiskWithoutIntegrityBinding(f: EntryPointFacts): Detection[] {
  if (!HIGH_RISK.has(f.riskLevel) || (f.integrityBinding !== null && f.integrityBinding.type !== 'none')) return [];
  const field = f.integrityBinding === null ? joinPointer(f.pointer, 'integrityBinding') : joinPointer(f.pointer, 'integrityBinding', 'type');
  return [{ rule: 'PECS-A-010', subject: f.id, entryPointIds: [f.id], fields: [joinPointer(f.pointer, 'riskLevel'), field], description: `${f.id} (${f.riskLevel}) is not bound to a digest of its definition.` }];
}

function highRiskWithoutAuthorization(f: EntryPointFacts): Detection[] {
  if (!HIGH_RISK.has(f.riskLevel) || f.authorizations.some((a) => a.inForce)) return [];
  const fields = [joinPointer(f.pointer, 'riskLevel'), ...f.authorizations.map((a) => joinPointer(a.pointer, 'approvalStatus'))];
  return [{ rule: 'PECS-A-011', subject: f.id, entryPointIds: [f.id], fields, description: `${f.id} (${f.riskLevel}) has no approved, unexpired authorization entry.` }];
}

/** Entry-point rules in rule-id order (PECS-A-007 is artifact-level, see {@link detectArtifactFindings}). */
const ENTRY_POINT_RULES: ReadonlyArray<(f: EntryPointFacts) => Detection[]> = [
  criticalFailsOpen,
  staticSecretForProduction,
  sharedRunnerForCriticalWork,
  criticalWithoutTwoPersonReview,
  digestDrift,
  staleApprovalInUse,
  productionWithoutEnvironmentApproval,
  signingDeclaredNotVerified,
  highRiskWithoutIntegrityBinding,
  highRiskWithoutAuthorization,
];

/**
 * The entry-point detections of all entry points, in document order.
 *
 * @example
 * ```ts
 * detectEntryPointFindings(entryPointFacts(doc, now)).map((d) => d.rule); // ['PECS-A-004', …]
 * ```
 */
export function detectEntryPointFindings(facts: readonly EntryPointFacts[]): Detection[] {
  return facts.flatMap((f) => ENTRY_POINT_RULES.flatMap((rule) => rule(f)));
}

/**
 * PECS-A-007 for every authorization artifact that is not signed (`signed` not true, or no
 * `signatureRef` to check the signature against).
 *
 * @example
 * ```ts
 * detectArtifactFindings(doc).map((d) => d.subject); // ['deploy-approvals']
 * ```
 */
export function detectArtifactFindings(doc: LooseRecord): Detection[] {
  const out: Detection[] = [];
  asArray(doc.authorizationArtifacts).forEach((value, i) => {
    const artifact = asRecord(value);
    const pointer = joinPointer('/authorizationArtifacts', i);
    const signed = artifact.signed === true;
    const hasRef = typeof artifact.signatureRef === 'string' && artifact.signatureRef !== '';
    if (signed && hasRef) return;
    const id = asString(artifact.id) ?? `#${i}`;
    const entryPointIds = [...new Set(asArray(artifact.entries).map((e) => asString(asRecord(e).privilegedEntryPointId)).filter((x): x is string => x !== null))];
    out.push({
      rule: 'PECS-A-007',
      subject: id,
      entryPointIds,
      fields: [joinPointer(pointer, signed ? 'signatureRef' : 'signed')],
      description: signed ? `Authorization artifact ${id} claims to be signed but names no signatureRef.` : `Authorization artifact ${id} is not signed.`,
    });
  });
  return out;
}
