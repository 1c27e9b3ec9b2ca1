/**
 * The catalogue of dangerous CI/CD patterns discovery reports. Ids are stable: a rule keeps
 * its id for ever, new rules take the next number.
 *
 * @module
 */
import type { DiscoveryFinding, FindingSeverity } from './types.ts';

/**
 * One rule: stable id, short kind, severity and title.
 *
 * @example
 * ```ts
 * FINDING_RULES.secretsInherit.id; // 'PECS-DISC-004'
 * ```
 */
export interface FindingRule {
  id: string;
  kind: string;
  severity: FindingSeverity;
  title: string;
}

/**
 * Every rule, by name.
 *
 * @example
 * ```ts
 * Object.values(FINDING_RULES).map((r) => r.id);
 * ```
 */
export const FINDING_RULES = {
  untrustedCheckout: { id: 'PECS-DISC-001', kind: 'untrusted-checkout-privileged-trigger', severity: 'critical', title: 'untrusted pull request code checked out under pull_request_target / workflow_run' },
  scriptInjection: { id: 'PECS-DISC-002', kind: 'untrusted-expression-in-script', severity: 'high', title: 'expression from an untrusted context interpolated into a script' },
  unpinnedAction: { id: 'PECS-DISC-003', kind: 'unpinned-third-party-action', severity: 'moderate', title: 'third-party action not pinned to a full commit SHA' },
  secretsInherit: { id: 'PECS-DISC-004', kind: 'secrets-inherit', severity: 'moderate', title: 'reusable workflow called with secrets: inherit' },
  writeAll: { id: 'PECS-DISC-005', kind: 'write-all-permissions', severity: 'high', title: 'token granted write-all permissions' },
  defaultPermissionsRiskyTrigger: { id: 'PECS-DISC-006', kind: 'default-permissions-risky-trigger', severity: 'high', title: 'default token permissions on a trigger reachable by outside contributors' },
  unpinnedReusableWorkflow: { id: 'PECS-DISC-007', kind: 'unpinned-reusable-workflow', severity: 'moderate', title: 'reusable workflow from another repository not pinned to a full commit SHA' },
  selfHostedUntrustedTrigger: { id: 'PECS-DISC-008', kind: 'self-hosted-runner-untrusted-trigger', severity: 'high', title: 'self-hosted runner used by a pull-request-triggered job' },
  unpinnedDockerImage: { id: 'PECS-DISC-009', kind: 'unpinned-docker-action', severity: 'low', title: 'docker:// action not pinned to an image digest' },
  includeNotAnalysed: { id: 'PECS-DISC-010', kind: 'include-not-analysed', severity: 'info', title: 'included CI configuration not analysed' },
  unprotectedDeployRef: { id: 'PECS-DISC-011', kind: 'privileged-job-unrestricted-ref', severity: 'moderate', title: 'privileged GitLab job not restricted to protected refs' },
} as const satisfies Record<string, FindingRule>;

/**
 * A finding of `rule` (the entry point is attached later, once ids are assigned).
 *
 * @example
 * ```ts
 * finding(FINDING_RULES.writeAll, 'ci.yml', 3, null, 'permissions: write-all');
 * ```
 */
export function finding(rule: FindingRule, file: string, line: number | null, job: string | null, detail: string): DiscoveryFinding {
  return { id: rule.id, kind: rule.kind, severity: rule.severity, file, line, job, message: `${rule.title}: ${detail}`, entryPointId: null };
}
