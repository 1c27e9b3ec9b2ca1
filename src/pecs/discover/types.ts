/**
 * The platform-neutral model discovery builds from CI/CD files before it writes PECS: one
 * {@link DiscoveredJob} per job of a GitHub Actions workflow or a GitLab CI file, with the
 * facts that make a job privileged and the ones its entry point is written from; plus the
 * {@link DiscoveryFinding} and {@link DiscoveryParseError} reported next to the profile.
 *
 * @module
 */

/**
 * The CI/CD platform a file belongs to.
 *
 * @example
 * ```ts
 * const p: CicdPlatform = 'gitlab-ci';
 * ```
 */
export type CicdPlatform = 'github-actions' | 'gitlab-ci';

/**
 * Severity of a discovery finding (most severe first).
 *
 * @example
 * ```ts
 * const s: FindingSeverity = 'high';
 * ```
 */
export type FindingSeverity = 'critical' | 'high' | 'moderate' | 'low' | 'info';

/**
 * A dangerous pattern found in a CI/CD file. `id` is the stable rule id (`PECS-DISC-001` …,
 * see `findings.ts`); `job` is null for file-level patterns; `entryPointId` names the
 * emitted entry point the finding belongs to, when the job became one.
 *
 * @example
 * ```ts
 * const f: DiscoveryFinding = { id: 'PECS-DISC-004', kind: 'secrets-inherit', severity: 'moderate', file: '.github/workflows/ci.yml', line: 12, job: 'call', message: '…', entryPointId: null };
 * ```
 */
export interface DiscoveryFinding {
  id: string;
  kind: string;
  severity: FindingSeverity;
  file: string;
  line: number | null;
  job: string | null;
  message: string;
  entryPointId: string | null;
}

/**
 * A file discovery could not read as CI/CD YAML (1-based line when known).
 *
 * @example
 * ```ts
 * const e: DiscoveryParseError = { file: '.gitlab-ci.yml', line: 3, message: 'bad indentation' };
 * ```
 */
export interface DiscoveryParseError {
  file: string;
  line: number | null;
  message: string;
}

/**
 * How a `uses:` reference (step action, reusable workflow, docker image) is bound.
 *
 * @example
 * ```ts
 * const r: UsesReference = { raw: 'actions/checkout@v4', kind: 'action', owner: 'actions', firstParty: true, pinnedToSha: false, line: 9 };
 * ```
 */
export interface UsesReference {
  raw: string;
  /** `action` (owner/repo[/path]@ref), `reusable-workflow`, `local` (`./…`), `docker` (`docker://…`). */
  kind: 'action' | 'reusable-workflow' | 'local' | 'docker';
  /** The owning organisation of a remote action or workflow; null for local and docker. */
  owner: string | null;
  /** Maintained by the platform (GitHub's `actions/*`, `github/*`). */
  firstParty: boolean;
  /** Bound to a full 40-hex commit SHA (or a docker `@sha256:` digest). */
  pinnedToSha: boolean;
  line: number | null;
}

/**
 * The permissions the job's token gets: `default` when neither the workflow nor the job
 * says (the repository/organisation default applies, historically write on most scopes).
 *
 * @example
 * ```ts
 * const p: TokenPermissions = { mode: 'explicit', writeScopes: ['contents'], idTokenWrite: false };
 * ```
 */
export interface TokenPermissions {
  mode: 'default' | 'write-all' | 'read-all' | 'explicit' | 'not-applicable';
  writeScopes: string[];
  idTokenWrite: boolean;
}

/**
 * One job as discovery sees it, whatever the platform.
 *
 * @example
 * ```ts
 * const privileged = job.privilegeReasons.length > 0;
 * ```
 */
export interface DiscoveredJob {
  platform: CicdPlatform;
  file: string;
  fileDigest: string;
  jobKey: string;
  jobName: string;
  workflowName: string | null;
  line: number | null;
  /** Events that start the job (`push`, `pull_request_target`, `merge_request_event`, `schedule` …), sorted. */
  triggers: string[];
  /** Ref restrictions seen in triggers or rules (`push.branches: main`, `$CI_COMMIT_TAG` …). */
  refConstraints: string[];
  /** The job runs only on protected refs (default branch, tags, release branches). */
  protectedRefsOnly: boolean;
  permissions: TokenPermissions;
  /** OIDC token requested (`id-token: write`, GitLab `id_tokens`). */
  oidc: boolean;
  environment: { name: string; url: string | null } | null;
  /** Manual approval in the file itself (GitLab `when: manual`). */
  manualApproval: boolean;
  runnerLabels: string[];
  runnerClass: 'shared' | 'dedicated' | 'ephemeral' | 'self-hosted-static' | 'other';
  /** Named static secrets the job reads (never the default token), sorted. */
  secrets: string[];
  secretsInherit: boolean;
  /** Reusable workflow or downstream pipeline the job hands over to. */
  delegatesTo: UsesReference | null;
  uses: UsesReference[];
  /** Deploy/publish/infra operations recognised in scripts and actions (`kubectl apply`, `npm publish` …). */
  operations: Array<{ label: string; category: OperationCategory }>;
  manualInputs: Array<{ name: string; choices: string[] | null }>;
  hasConcurrencyLock: boolean;
  /** Runs `writ pecs gate` (so the workflow hash is verified before the privileged work). */
  verifiesWorkflowHash: boolean;
  signsArtifacts: boolean;
  generatesProvenance: boolean;
  policyEngines: Array<'opa' | 'conftest' | 'slsa-verifier'>;
  /** Cloud or cluster targets with how the job authenticates to them. */
  targets: Array<{ targetType: 'cloud-iam' | 'kubernetes-rbac' | 'artifact-signing'; targetIdentifier: string; bindingMode: 'oidc-federation' | 'static-secret' }>;
  privilegeReasons: string[];
}

/**
 * What a recognised operation does.
 *
 * @example
 * ```ts
 * const c: OperationCategory = 'kubernetes';
 * ```
 */
export type OperationCategory = 'kubernetes' | 'infrastructure' | 'cloud-deploy' | 'publish' | 'release' | 'signing';
