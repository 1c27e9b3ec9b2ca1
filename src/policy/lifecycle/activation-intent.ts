/**
 * The `policy.activate` intent for a bundle: what governed activation submits, and what
 * a lifecycle plan evaluates to tell who must approve.
 *
 * @module
 */
import type { Intent } from '../intent.ts';

/** The action scope of activation decisions. */
export const POLICY_ACTIVATE = 'policy.activate';

/**
 * The `policy.activate` intent for a bundle, requested by the user `principalId`.
 *
 * @example
 * ```ts
 * policyActivationIntent({ policy_bundle_hash, bundle_id: 'acme', version: '2.0.0' }, 'admin').resource.type; // 'policy_bundle'
 * ```
 */
export function policyActivationIntent(bundle: { policy_bundle_hash: string; bundle_id: string; version: string }, principalId: string, justification?: string): Intent {
  return {
    action_scope: POLICY_ACTIVATE,
    principal: { type: 'user', id: principalId },
    resource: { type: 'policy_bundle', id: bundle.policy_bundle_hash, attrs: { bundle_id: bundle.bundle_id, version: bundle.version } },
    execution_identity: { region: 'control-plane', env_tier: 'prod' },
    parameters: {},
    context: justification !== undefined ? { justification } : {},
  };
}
