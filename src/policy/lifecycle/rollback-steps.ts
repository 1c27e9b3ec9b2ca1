/**
 * The steps of a policy rollback, shared by the server's rollback plan and offline
 * lifecycle plans.
 *
 * @example
 * ```ts
 * rollbackSteps('sha256:…').length; // 6
 * ```
 */
export function rollbackSteps(target: string): string[] {
  return [
    'Freeze policy promotion: stop any shadow run and hold new policy.activate requests.',
    `Dry-run the rollback target ${target} (writ policy dry-run) and review the semantic diff from the current bundle.`,
    'Request the governed activation of the target (the activation_request below): it is a policy.activate decision under the active bundle.',
    'Obtain the approvals the decision requires (platform security by default).',
    'Apply the approved decision (writ policy apply DECISION_ID); the switch and its ledger entry are one transaction.',
    'Verify: writ ledger verify, and confirm GET /v1/policy/active names the target.',
  ];
}

/**
 * The `rollback_ref` of a plan: `policy-rollback://<bundle id>/<first 12 hex of the target hash>`.
 *
 * @example
 * ```ts
 * rollbackRef('writ-default', 'sha256:c5ed79b46793c5f0…'); // 'policy-rollback://writ-default/c5ed79b46793'
 * ```
 */
export function rollbackRef(bundleId: string, hash: string): string {
  return `policy-rollback://${bundleId}/${hash.slice('sha256:'.length, 'sha256:'.length + 12)}`;
}
