/**
 * Recognises the privileged operations a job performs: deploy, publish and infrastructure
 * commands in shell scripts, and the marketplace actions that do the same. A match makes
 * the job privileged even when it declares nothing else, because these commands act on
 * production targets with whatever credentials the runner holds.
 *
 * @module
 */
import type { OperationCategory } from './types.ts';

interface OperationPattern {
  label: string;
  category: OperationCategory;
  pattern: RegExp;
}

// Word-bounded on the command so `echo kubectl` in prose still matches (cheap and
// conservative: over-reporting a deploy is safer than missing one).
const SCRIPT_PATTERNS: OperationPattern[] = [
  { label: 'kubectl', category: 'kubernetes', pattern: /\bkubectl\s+(?:-\S+\s+)*(?:apply|create|delete|replace|patch|rollout|set|scale|edit|label|annotate)\b/ },
  { label: 'helm', category: 'kubernetes', pattern: /\bhelm\s+(?:-\S+\s+)*(?:upgrade|install|uninstall|rollback|delete)\b/ },
  { label: 'argocd', category: 'kubernetes', pattern: /\bargocd\s+app\s+(?:sync|set|create|delete)\b/ },
  { label: 'terraform apply', category: 'infrastructure', pattern: /\b(?:terraform|tofu|terragrunt)\s+(?:-\S+\s+)*(?:run-all\s+)?(?:apply|destroy|import)\b/ },
  { label: 'pulumi up', category: 'infrastructure', pattern: /\bpulumi\s+(?:up|destroy)\b/ },
  { label: 'cdk deploy', category: 'infrastructure', pattern: /\bcdk\s+(?:deploy|destroy)\b/ },
  { label: 'ansible-playbook', category: 'infrastructure', pattern: /\bansible-playbook\b/ },
  { label: 'aws deploy', category: 'cloud-deploy', pattern: /\baws\s+(?:s3\s+(?:sync|cp|rm|mv)|cloudformation\s+(?:deploy|create-stack|update-stack)|ecs\s+update-service|lambda\s+(?:update-function-code|publish-version)|deploy\s+create-deployment|cloudfront\s+create-invalidation)\b/ },
  { label: 'gcloud deploy', category: 'cloud-deploy', pattern: /\bgcloud\s+(?:app\s+deploy|run\s+deploy|functions\s+deploy|builds\s+submit|deploy\s|compute\s+instances\s+create|storage\s+(?:cp|rsync))/ },
  { label: 'az deploy', category: 'cloud-deploy', pattern: /\baz\s+(?:webapp\s+(?:deploy|up)|functionapp\s+deploy|deployment\s+\S+\s+create|containerapp\s+(?:update|up)|storage\s+blob\s+upload)/ },
  { label: 'serverless deploy', category: 'cloud-deploy', pattern: /\b(?:serverless|sls|firebase|netlify|vercel|fly|flyctl|wrangler)\s+(?:\S+\s+)?(?:deploy|publish)\b|\bvercel\s+--prod\b/ },
  { label: 'npm publish', category: 'publish', pattern: /\b(?:npm|pnpm|yarn)\s+(?:npm\s+)?publish\b|\b(?:lerna|changeset)\s+publish\b/ },
  { label: 'docker push', category: 'publish', pattern: /\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+build\b[^\n]*--push\b/ },
  { label: 'cargo publish', category: 'publish', pattern: /\bcargo\s+publish\b/ },
  { label: 'twine upload', category: 'publish', pattern: /\btwine\s+upload\b|\b(?:poetry|uv|flit|hatch|pdm)\s+publish\b/ },
  { label: 'gem push', category: 'publish', pattern: /\bgem\s+push\b/ },
  { label: 'maven deploy', category: 'publish', pattern: /\bmvn\b[^\n]*\sdeploy\b|\bgradlew?\b[^\n]*\spublish\w*\b/ },
  { label: 'nuget push', category: 'publish', pattern: /\b(?:dotnet\s+nuget|nuget)\s+push\b/ },
  { label: 'gh release', category: 'release', pattern: /\bgh\s+release\s+(?:create|upload|edit)\b/ },
  { label: 'goreleaser', category: 'release', pattern: /\bgoreleaser\s+release\b|\bsemantic-release\b/ },
  { label: 'cosign sign', category: 'signing', pattern: /\bcosign\s+(?:sign|attest)\b/ },
];

// Actions by repository (owner/repo, lower case) that deploy, publish, release or sign.
const ACTION_OPERATIONS: Record<string, { label: string; category: OperationCategory }> = {
  'pypa/gh-action-pypi-publish': { label: 'pypi publish action', category: 'publish' },
  'docker/build-push-action': { label: 'docker build-push action', category: 'publish' },
  'softprops/action-gh-release': { label: 'gh release action', category: 'release' },
  'ncipollo/release-action': { label: 'release action', category: 'release' },
  'actions/create-release': { label: 'create-release action', category: 'release' },
  'actions/upload-release-asset': { label: 'release asset upload', category: 'release' },
  'goreleaser/goreleaser-action': { label: 'goreleaser action', category: 'release' },
  'changesets/action': { label: 'changesets publish action', category: 'publish' },
  'js-devtools/npm-publish': { label: 'npm publish action', category: 'publish' },
  'actions/deploy-pages': { label: 'pages deploy', category: 'cloud-deploy' },
  'peaceiris/actions-gh-pages': { label: 'gh-pages deploy', category: 'cloud-deploy' },
  'jamesives/github-pages-deploy-action': { label: 'gh-pages deploy', category: 'cloud-deploy' },
  'azure/webapps-deploy': { label: 'azure webapp deploy', category: 'cloud-deploy' },
  'azure/k8s-deploy': { label: 'azure k8s deploy', category: 'kubernetes' },
  'google-github-actions/deploy-cloudrun': { label: 'cloud run deploy', category: 'cloud-deploy' },
  'google-github-actions/deploy-appengine': { label: 'app engine deploy', category: 'cloud-deploy' },
  'aws-actions/amazon-ecs-deploy-task-definition': { label: 'ecs deploy', category: 'cloud-deploy' },
  'hashicorp/tfc-workflows-github': { label: 'terraform cloud run', category: 'infrastructure' },
  'sigstore/cosign-installer': { label: 'cosign', category: 'signing' },
  'actions/attest-build-provenance': { label: 'build provenance attestation', category: 'signing' },
};

/**
 * The operations recognised in a shell script (one per pattern, in catalogue order).
 *
 * @example
 * ```ts
 * operationsInScript('helm upgrade --install app ./chart'); // [{ label: 'helm', category: 'kubernetes' }]
 * ```
 */
export function operationsInScript(script: string): Array<{ label: string; category: OperationCategory }> {
  return SCRIPT_PATTERNS.filter((p) => p.pattern.test(script)).map(({ label, category }) => ({ label, category }));
}

/**
 * The operation of a step action (`owner/repo[/path]@ref`), or null when it is not one that
 * deploys, publishes, releases or signs.
 *
 * @example
 * ```ts
 * operationOfAction('pypa/gh-action-pypi-publish@release/v1'); // { label: 'pypi publish action', category: 'publish' }
 * ```
 */
export function operationOfAction(uses: string): { label: string; category: OperationCategory } | null {
  const repo = uses.split('@')[0]?.split('/').slice(0, 2).join('/').toLowerCase() ?? '';
  return ACTION_OPERATIONS[repo] ?? null;
}
