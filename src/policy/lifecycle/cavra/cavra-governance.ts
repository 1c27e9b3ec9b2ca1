/**
 * The governance part of an imported bundle. CAVRA packs say nothing about changing
 * policy, but a Writ bundle that did not decide `policy.activate` would, once active,
 * deny every later activation — the rollback included. So every imported bundle carries
 * Writ's rule for it: two approvals from platform security, never break-glass.
 *
 * @module
 */

/**
 * `policies/governance.cedar` of an imported bundle.
 *
 * @example
 * ```ts
 * GOVERNANCE_POLICY_FILE.file; // 'governance.cedar'
 * ```
 */
export const GOVERNANCE_POLICY_FILE = {
  file: 'governance.cedar',
  text: `// Not from the CAVRA pack: Writ's rule for changing the active policy bundle, so that
// this bundle still governs the next change and the rollback. Two approvals from
// platform security; break-glass never applies.

@id("governance.policy.activate.approval")
@approvals("2")
@approver_groups("platform-security")
@risk("critical")
permit (principal, action == Writ::Action::"policy.activate", resource is Writ::PolicyBundle);
`,
  policies: 1,
} as const;

/**
 * `tests/governance.yaml` of an imported bundle.
 *
 * @example
 * ```ts
 * GOVERNANCE_TEST_FILE.file; // 'governance.yaml'
 * ```
 */
export const GOVERNANCE_TEST_FILE = {
  file: 'governance.yaml',
  text: `# Not from the CAVRA pack: activating a policy bundle stays governed.
cases:
  - name: activating a policy bundle needs two approvals from platform security
    intent:
      action_scope: policy.activate
      principal: { type: user, id: policy-owner }
      resource: { type: policy_bundle, id: "sha256:0000000000000000000000000000000000000000000000000000000000000000", attrs: { bundle_id: next, version: "1.0.0" } }
      execution_identity: { region: control-plane, env_tier: prod }
      parameters: {}
      context: {}
    expect:
      verdict: require_approval
      reasons: [governance.policy.activate.approval]
      obligations: { approvals_required: 2, approver_groups: [platform-security], risk: critical, break_glass_allowed: false }
`,
  cases: 1,
} as const;
