import type { Intent } from '../../../src/policy/intent.ts';

/** The SPIFFE ID of the deploy pipeline the promotion intents name. */
export const DEPLOY_SPIFFE_ID = 'spiffe://acme.example/ci/deploy-main';

/** A promotion intent to `payments/<tier>`, shaped like the Slice-0 promotion flow. */
export function promotionIntent(tier: 'prod' | 'stage' | 'dev', extra: Partial<Intent> = {}): Intent {
  return {
    action_scope: 'promotion',
    principal: { type: 'pipeline', id: 'deploy-main' },
    resource: { type: 'environment', id: `payments/${tier}`, attrs: { tier } },
    execution_identity: { pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: tier, spiffe_id: DEPLOY_SPIFFE_ID },
    parameters: {},
    context: {
      artifact_digest: 'sha256:9b2a9cc1c2c8f4b7c7a1e0f0d0c0b0a09080706050403020100f0e0d0c0b0a09',
      source_ref: 'refs/tags/v1.4.2',
      change_ref: 'CHG-1042',
    },
    ...extra,
  };
}
