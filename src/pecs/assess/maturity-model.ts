/**
 * Writ's PECS maturity model, as data: seven dimensions, levels 0–4, and for each level of
 * each dimension the criteria an entry point must meet, each naming the CI/CD-profile fields
 * it reads. PECS v0.2 calls its assessment "multidimensional" but publishes no dimensions or
 * levels (see docs/pecs-maturity.md), so this model is Writ's own. The predicates live in
 * `maturity-criteria-checks.ts`, keyed by {@link CriterionId}, so this table stays plain data
 * that the docs and the Markdown report can print.
 *
 * Levels are cumulative: an entry point is at level L in a dimension when it meets every
 * criterion of levels 1..L.
 *
 * @module
 */

/** The dimensions, in report order. */
export const MATURITY_DIMENSIONS = [
  'inventory-and-declaration',
  'identity-and-credentials',
  'integrity-binding',
  'authorization-and-review',
  'runtime-enforcement',
  'isolation',
  'evidence-and-audit',
] as const;

/** One maturity dimension. */
export type MaturityDimension = (typeof MATURITY_DIMENSIONS)[number];

/** A maturity level, 0 (nothing in place) to 4 (assured). */
export type MaturityLevel = 0 | 1 | 2 | 3 | 4;

/**
 * The name of each level.
 *
 * @example
 * ```ts
 * MATURITY_LEVEL_NAMES[2]; // 'managed'
 * ```
 */
export const MATURITY_LEVEL_NAMES: Readonly<Record<MaturityLevel, string>> = {
  0: 'absent',
  1: 'declared',
  2: 'managed',
  3: 'enforced',
  4: 'assured',
};

/**
 * The one-line purpose of each dimension.
 *
 * @example
 * ```ts
 * MATURITY_DIMENSION_TITLES.isolation; // 'Isolation of the runner …'
 * ```
 */
export const MATURITY_DIMENSION_TITLES: Readonly<Record<MaturityDimension, string>> = {
  'inventory-and-declaration': 'Inventory and declaration: the entry point and what it may do are written down',
  'identity-and-credentials': 'Identity and credentials: who it runs as, and without long-lived secrets',
  'integrity-binding': 'Integrity binding: the approved definition is pinned by digest and checked',
  'authorization-and-review': 'Authorization and review: an in-force, signed, multi-party approval exists',
  'runtime-enforcement': 'Runtime enforcement: startup checks run and failure closes the path',
  isolation: 'Isolation of the runner that holds the privilege',
  'evidence-and-audit': 'Evidence and audit: reviews and evidence that a third party can check',
};

/** One criterion of the model. */
export interface MaturityCriterion {
  /** Stable id (`<DIM>-<level><letter>`). */
  readonly id: string;
  readonly dimension: MaturityDimension;
  /** The level this criterion belongs to (1–4). */
  readonly level: 1 | 2 | 3 | 4;
  /** What must hold, in one sentence. */
  readonly text: string;
  /** JSON-pointer templates (`*` = every array item) of the CI/CD-profile fields it reads. */
  readonly fields: readonly string[];
}

const EP = '/privilegedExecutionSurface/*';
const ENTRY = '/authorizationArtifacts/*/entries/*';

/**
 * Every criterion, ordered by dimension then level.
 *
 * @example
 * ```ts
 * MATURITY_CRITERIA.filter((c) => c.dimension === 'isolation' && c.level === 2);
 * ```
 */
export const MATURITY_CRITERIA = [
  { id: 'INV-1a', dimension: 'inventory-and-declaration', level: 1, text: 'The entry point declares its kind, command, privilege domain and risk level.', fields: [`${EP}/kind`, `${EP}/command`, `${EP}/privilegeDomain`, `${EP}/riskLevel`] },
  { id: 'INV-2a', dimension: 'inventory-and-declaration', level: 2, text: 'Its definition is located (`path`) and its effects are declared.', fields: [`${EP}/path`, `${EP}/declaredEffects`] },
  { id: 'INV-3a', dimension: 'inventory-and-declaration', level: 3, text: 'The invocation contract constrains arguments (mode other than `none`) and lists forbidden effects.', fields: [`${EP}/invocationContract/allowedArgumentsPolicy/mode`, `${EP}/invocationContract/forbiddenEffects`] },
  { id: 'INV-4a', dimension: 'inventory-and-declaration', level: 4, text: 'Arguments are fixed, schema-validated or policy-evaluated, and pre- and postconditions are declared.', fields: [`${EP}/invocationContract/allowedArgumentsPolicy/mode`, `${EP}/invocationContract/preconditions`, `${EP}/invocationContract/postconditions`] },

  { id: 'IDC-1a', dimension: 'identity-and-credentials', level: 1, text: 'The run-as identity is declared and named (`runAs`, `runAsIdentity`).', fields: [`${EP}/executionContext/runAs`, `${EP}/executionContext/runAsIdentity`] },
  { id: 'IDC-2a', dimension: 'identity-and-credentials', level: 2, text: 'No static secret binds it to its target (no target binding or authorization pipeline binding is `static-secret`) and it does not run as a `user`.', fields: [`${EP}/cicdControls/targetBindings/*/bindingMode`, `${ENTRY}/pipelineBinding/identityBindingMode`, `${EP}/executionContext/runAs`] },
  { id: 'IDC-3a', dimension: 'identity-and-credentials', level: 3, text: 'It runs as a federated or workload identity and ephemeral identity is required where possible.', fields: [`${EP}/executionContext/runAs`, `${EP}/cicdControls/identityEphemeralWherePossible`] },
  { id: 'IDC-4a', dimension: 'identity-and-credentials', level: 4, text: 'The identity binding is checked at startup and secret exposure risk is none or low.', fields: [`${EP}/invocationContract/startupChecks`, `${EP}/cicdControls/secretExposureRisk`] },

  { id: 'INT-1a', dimension: 'integrity-binding', level: 1, text: 'An integrity binding is declared with a type other than `none`.', fields: [`${EP}/integrityBinding/type`] },
  { id: 'INT-2a', dimension: 'integrity-binding', level: 2, text: 'The binding pins content: a `digest`, or a `gitRevision` for `commit-hash` bindings.', fields: [`${EP}/integrityBinding/digest`, `${EP}/integrityBinding/gitRevision`] },
  { id: 'INT-3a', dimension: 'integrity-binding', level: 3, text: 'It is verified before execution by a startup check (workflow-definition hash, artifact digest or provenance attestation).', fields: [`${EP}/integrityBinding/verifiedBeforeExecution`, `${EP}/invocationContract/startupChecks`] },
  { id: 'INT-4a', dimension: 'integrity-binding', level: 4, text: 'A change forces review renewal, and every in-force authorization entry binds the same digest (at least one does).', fields: [`${EP}/integrityBinding/reviewRenewalRequiredOnChange`, `${EP}/cicdControls/reviewRenewalOnHashChange`, `${ENTRY}/integrityBinding/digest`] },

  { id: 'AUT-1a', dimension: 'authorization-and-review', level: 1, text: 'At least one authorization entry names the entry point.', fields: [`${ENTRY}/privilegedEntryPointId`] },
  { id: 'AUT-2a', dimension: 'authorization-and-review', level: 2, text: 'One such entry is in force (approved or conditional, not expired) and a reviewed workflow is required.', fields: [`${ENTRY}/approvalStatus`, `${ENTRY}/expiresAt`, `${EP}/cicdControls/reviewedWorkflowRequired`] },
  { id: 'AUT-3a', dimension: 'authorization-and-review', level: 3, text: 'An in-force entry sits in a signed artifact (`signed` with a `signatureRef`), and a production target requires environment approval.', fields: ['/authorizationArtifacts/*/signed', '/authorizationArtifacts/*/signatureRef', `${EP}/executionContext/targetEnvironment`, `${EP}/cicdControls/environmentApprovalRequired`] },
  { id: 'AUT-4a', dimension: 'authorization-and-review', level: 4, text: 'Two-person review is required and an in-force entry has at least two approvers.', fields: [`${EP}/cicdControls/requiresTwoPersonReview`, `${ENTRY}/approvedBy`] },

  { id: 'RUN-1a', dimension: 'runtime-enforcement', level: 1, text: 'Startup checks are declared.', fields: [`${EP}/invocationContract/startupChecks`] },
  { id: 'RUN-2a', dimension: 'runtime-enforcement', level: 2, text: 'The entry point fails closed.', fields: [`${EP}/invocationContract/failureMode`] },
  { id: 'RUN-3a', dimension: 'runtime-enforcement', level: 3, text: 'Startup checks include the required approvals and a content check (workflow-definition hash or artifact digest).', fields: [`${EP}/invocationContract/startupChecks`] },
  { id: 'RUN-4a', dimension: 'runtime-enforcement', level: 4, text: 'Policy is evaluated, the source ref is checked at startup, and the workflow is pinned to a trusted ref.', fields: [`${EP}/cicdControls/policyEvaluated`, `${EP}/invocationContract/startupChecks`, `${EP}/cicdControls/workflowPinnedToTrustedRef`] },

  { id: 'ISO-1a', dimension: 'isolation', level: 1, text: 'The runner class is declared and network access is known.', fields: [`${EP}/executionContext/runnerClass`, `${EP}/executionContext/networkAccess`] },
  { id: 'ISO-2a', dimension: 'isolation', level: 2, text: 'It does not run on shared runners and runners are restricted.', fields: [`${EP}/executionContext/runnerClass`, `${EP}/cicdControls/runnerRestricted`] },
  { id: 'ISO-3a', dimension: 'isolation', level: 3, text: 'Dedicated or ephemeral runners with high isolation and no or restricted network access.', fields: [`${EP}/executionContext/runnerClass`, `${EP}/cicdControls/runnerIsolationLevel`, `${EP}/executionContext/networkAccess`] },
  { id: 'ISO-4a', dimension: 'isolation', level: 4, text: 'Ephemeral runners with strong isolation, runner-escape risk none or low, and no interactive access.', fields: [`${EP}/executionContext/runnerClass`, `${EP}/cicdControls/runnerIsolationLevel`, `${EP}/cicdControls/runnerEscapeRisk`, `${EP}/executionContext/interactiveAllowed`] },

  { id: 'EVD-1a', dimension: 'evidence-and-audit', level: 1, text: 'Some record exists: review records or evidence references.', fields: [`${EP}/reviews`, `${EP}/evidenceRefs`] },
  { id: 'EVD-2a', dimension: 'evidence-and-audit', level: 2, text: 'Evidence references are present and all resolve to evidence items.', fields: [`${EP}/evidenceRefs`, '/evidence/*/id'] },
  { id: 'EVD-3a', dimension: 'evidence-and-audit', level: 3, text: 'A review record approved it, and some referenced evidence carries an integrity binding (`hash`).', fields: [`${EP}/reviews/*/decision`, '/evidence/*/hash'] },
  { id: 'EVD-4a', dimension: 'evidence-and-audit', level: 4, text: 'A security review is on record and every referenced evidence item says when it was collected.', fields: [`${EP}/reviews/*/reviewType`, '/evidence/*/collectedAt'] },
] as const satisfies readonly MaturityCriterion[];

/** The id of a criterion of {@link MATURITY_CRITERIA}. */
export type CriterionId = (typeof MATURITY_CRITERIA)[number]['id'];
