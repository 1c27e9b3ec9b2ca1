/**
 * The cloud logins of GitHub Actions steps (AWS, Google Cloud, Azure) as PECS target
 * bindings: OIDC federation when the step names a role/provider and no static key.
 *
 * @module
 */
import type { DiscoveredJob } from '../types.ts';
import { asRecord, asText } from '../values.ts';

/**
 * The target binding of one step (`uses` + `with`), or null when it is not a cloud login.
 *
 * @example
 * ```ts
 * cloudTargetOf('aws-actions/configure-aws-credentials@v4', { 'role-to-assume': 'arn:aws:iam::1:role/deploy' });
 * // { targetType: 'cloud-iam', targetIdentifier: 'arn:aws:iam::1:role/deploy', bindingMode: 'oidc-federation' }
 * ```
 */
export function cloudTargetOf(uses: string, withInputs: unknown): DiscoveredJob['targets'][number] | null {
  const repo = uses.split('@')[0]?.toLowerCase() ?? '';
  const w = asRecord(withInputs) ?? {};
  const text = (k: string) => asText(w[k]);
  if (repo === 'aws-actions/configure-aws-credentials') {
    const staticKey = text('aws-secret-access-key') !== null;
    return { targetType: 'cloud-iam', targetIdentifier: text('role-to-assume') ?? 'aws', bindingMode: staticKey ? 'static-secret' : 'oidc-federation' };
  }
  if (repo === 'google-github-actions/auth') {
    const staticKey = text('credentials_json') !== null;
    return { targetType: 'cloud-iam', targetIdentifier: text('service_account') ?? text('workload_identity_provider') ?? 'gcp', bindingMode: staticKey ? 'static-secret' : 'oidc-federation' };
  }
  if (repo === 'azure/login') {
    const staticKey = text('creds') !== null || text('client-secret') !== null;
    return { targetType: 'cloud-iam', targetIdentifier: text('client-id') ?? 'azure', bindingMode: staticKey ? 'static-secret' : 'oidc-federation' };
  }
  if (repo === 'azure/k8s-set-context' || repo === 'azure/aks-set-context') {
    return { targetType: 'kubernetes-rbac', targetIdentifier: text('cluster-name') ?? 'kubernetes', bindingMode: text('kubeconfig') !== null ? 'static-secret' : 'oidc-federation' };
  }
  return null;
}
