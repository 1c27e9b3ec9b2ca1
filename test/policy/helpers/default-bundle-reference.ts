/**
 * The default bundle's rules restated in plain TypeScript ({@link reference}), and
 * generators of intents and signal states over the interesting corners of those rules.
 * Shared by the policy property test and the engine property test.
 */
import fc from 'fast-check';
import type { DenyCode, Obligations, Risk, Verdict } from '../../../src/policy/decision.ts';
import type { Intent, PolicySignals, ScopedSignal } from '../../../src/policy/intent.ts';

// ── the reference: the default bundle's rules in plain TypeScript ─────────────────

interface Rule {
  id: string;
  risk?: Risk;
  approvals?: number;
  groups?: string[];
  breakGlass?: boolean;
}
export interface Expected {
  verdict: Verdict;
  deny_code: DenyCode | null;
  reasons: string[];
  obligations: Obligations;
}

const RISK_ORDER: Risk[] = ['low', 'medium', 'high', 'critical'];

function flatten(list: readonly ScopedSignal[]) {
  const targets = new Set<string>();
  const environments = new Set<string>();
  let global = false;
  for (const s of list) {
    if ((s.targets ?? []).length === 0 && (s.environments ?? []).length === 0) global = true;
    for (const t of s.targets ?? []) targets.add(t);
    for (const e of s.environments ?? []) environments.add(e);
  }
  return { global, targets, environments };
}

/** `x` or `*\/x`: the file is named x in any directory. */
const named = (path: string, name: string) => path === name || path.endsWith(`/${name}`);
/** `x*` or `*\/x*` (Cedar `like` with a trailing wildcard). */
const startsAnywhere = (path: string, prefix: string) => path.startsWith(prefix) || path.includes(`/${prefix}`);
/** `d/*` or `*\/d/*`: some directory of the path is d. */
const inDir = (path: string, dir: string) => path.startsWith(`${dir}/`) || path.includes(`/${dir}/`);

const READ_ONLY = ['terraform fmt', 'terraform validate', 'terraform plan', 'pytest', 'npm test', 'git status', 'git diff', 'git log'];
const SHELL = [';', '&', '|', '`', '$(', '>', '<', '\n'];

export function reference(intent: Intent, signals: PolicySignals): Expected {
  const permits: Rule[] = [];
  const forbids: Rule[] = [];
  const a = (intent.resource.attrs ?? {}) as Record<string, unknown>;
  const rid = intent.resource.id;
  switch (intent.action_scope) {
    case 'promotion': {
      const tier = a.tier as string;
      if (tier === 'prod') permits.push({ id: 'promotion.prod.approval', approvals: 2, groups: ['platform-security', 'release-management'], risk: 'high', breakGlass: true });
      if (tier === 'stage' || tier === 'dev') permits.push({ id: 'promotion.nonprod.allow', risk: 'low' });
      const hold = flatten(signals.phase_holds);
      if (hold.global || hold.targets.has(rid) || hold.environments.has(tier)) forbids.push({ id: 'promotion.forbid.phase_hold', risk: 'high' });
      const inc = flatten(signals.active_incidents);
      if (inc.targets.has(rid) || inc.environments.has(tier) || (inc.global && tier === 'prod')) forbids.push({ id: 'promotion.forbid.incident', risk: 'high' });
      break;
    }
    case 'terraform.plan':
      permits.push({ id: 'terraform.plan.allow', risk: 'low' });
      break;
    case 'terraform.apply':
      permits.push({ id: 'terraform.apply.approval', approvals: 1, groups: ['platform-engineering'], risk: 'high', breakGlass: true });
      if (a.tier === 'prod') permits.push({ id: 'terraform.apply.prod.approval', approvals: 2, groups: ['platform-engineering', 'platform-security'], risk: 'critical', breakGlass: true });
      break;
    case 'k8s.rbac.bind':
      if (a.role === 'cluster-admin') permits.push({ id: 'k8s.rbac.bind.cluster_admin.approval', approvals: 1, groups: ['security-officer'], risk: 'critical' });
      else permits.push({ id: 'k8s.rbac.bind.approval', approvals: 1, groups: ['platform-security'], risk: 'medium' });
      break;
    case 'repo.push': {
      const name = a.name as string;
      const bare = name.startsWith('refs/heads/') ? name.slice('refs/heads/'.length) : name;
      permits.push({ id: 'repo.push.allow', risk: 'low' });
      if (a.protected === true || bare === 'main' || bare === 'master' || bare.startsWith('release/')) forbids.push({ id: 'repo.push.forbid.protected_branch', risk: 'high' });
      break;
    }
    case 'file.read': {
      const p = a.path as string;
      permits.push({ id: 'file.read.allow', risk: 'low' });
      if (named(p, '.env') || startsAnywhere(p, '.env.')) forbids.push({ id: 'file.read.forbid.dotenv', risk: 'high' });
      if (['.pem', '.key', '.p12', '.pfx'].some((x) => p.endsWith(x)) || ['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519'].some((n) => named(p, n))) {
        forbids.push({ id: 'file.read.forbid.private_keys', risk: 'high' });
      }
      const creds = ['kubeconfig', '.kube/config', '.aws/credentials', '.docker/config.json', '.git-credentials', '.netrc', '.npmrc', '.pgpass'];
      if (creds.some((n) => named(p, n)) || startsAnywhere(p, 'secrets.')) forbids.push({ id: 'file.read.forbid.credentials', risk: 'high' });
      if (p.endsWith('.tfstate') || p.endsWith('.tfstate.backup') || p.endsWith('.tfvars')) forbids.push({ id: 'file.read.forbid.terraform_state', risk: 'high' });
      break;
    }
    case 'file.write': {
      const p = a.path as string;
      const governance = ['policies', 'policy', 'iam', 'security'].some((d) => inDir(p, d)) || ['.cedar', '.cedarschema', '.rego'].some((x) => p.endsWith(x));
      if (governance) permits.push({ id: 'file.write.governance.approval', approvals: 1, groups: ['platform-security'], risk: 'high' });
      else permits.push({ id: 'file.write.allow', risk: 'low' });
      break;
    }
    case 'command.execute': {
      const line = a.line as string;
      const readOnly = READ_ONLY.some((c) => line === c || line.startsWith(`${c} `)) && !SHELL.some((m) => line.includes(m));
      if (readOnly) permits.push({ id: 'command.allow.read_only', risk: 'low' });
      else permits.push({ id: 'command.approval', approvals: 1, groups: ['platform-engineering'], risk: 'medium' });
      if (['terraform apply', 'git push', 'kubectl create clusterrolebinding', 'kubectl create rolebinding'].some((c) => line.includes(c))) forbids.push({ id: 'command.forbid.governed_scope', risk: 'critical' });
      if (['terraform destroy', 'kubectl delete'].some((c) => line.includes(c))) forbids.push({ id: 'command.forbid.destructive', risk: 'critical' });
      if (['aws iam create-access-key', 'az role assignment create', 'gcloud projects add-iam-policy-binding'].some((c) => line.includes(c))) forbids.push({ id: 'command.forbid.cloud_iam', risk: 'critical' });
      break;
    }
    case 'mcp.tool_call':
      if (signals.trusted_mcp_servers.includes(a.server as string)) permits.push({ id: 'mcp.tool_call.trusted.allow', risk: 'low' });
      else forbids.push({ id: 'mcp.tool_call.forbid.untrusted', risk: 'high' });
      break;
    case 'policy.activate':
      permits.push({ id: 'policy.activate.approval', approvals: 2, groups: ['platform-security'], risk: 'critical' });
      break;
    default:
      return { verdict: 'deny', deny_code: 'INVALID_REQUEST', reasons: [], obligations: { approvals_required: 0, approver_groups: [], risk: null, break_glass_allowed: false } };
  }
  const maxRisk = (rules: Rule[]): Risk | null => {
    const i = Math.max(-1, ...rules.map((r) => (r.risk ? RISK_ORDER.indexOf(r.risk) : -1)));
    return i < 0 ? null : RISK_ORDER[i]!;
  };
  const none = { approvals_required: 0, approver_groups: [], break_glass_allowed: false };
  if (forbids.length > 0) return { verdict: 'deny', deny_code: 'POLICY_FORBID', reasons: forbids.map((r) => r.id).sort(), obligations: { ...none, risk: maxRisk(forbids) } };
  if (permits.length === 0) return { verdict: 'deny', deny_code: 'NO_PERMIT', reasons: [], obligations: { ...none, risk: null } };
  const reasons = permits.map((r) => r.id).sort();
  const gated = permits.filter((r) => r.approvals !== undefined);
  if (gated.length === 0) return { verdict: 'allow', deny_code: null, reasons, obligations: { ...none, risk: maxRisk(permits) } };
  return {
    verdict: 'require_approval',
    deny_code: null,
    reasons,
    obligations: {
      approvals_required: Math.max(...gated.map((r) => r.approvals!)),
      approver_groups: [...new Set(gated.flatMap((r) => r.groups!))].sort(),
      risk: maxRisk(permits),
      break_glass_allowed: gated.every((r) => r.breakGlass === true),
    },
  };
}

// ── generators ───────────────────────────────────────────────────────────────

export const TARGETS = ['payments/prod', 'payments/stage', 'web/dev', 'web/prod', 'ws-prod', 'ws-stage'];
export const TIERS = ['prod', 'stage', 'dev', 'performance'];
const noise = fc.string({ maxLength: 6 });

const scoped: fc.Arbitrary<ScopedSignal[]> = fc.array(
  fc.record(
    { id: fc.constantFrom('S-1', 'S-2', 'S-3'), targets: fc.subarray(TARGETS), environments: fc.subarray(TIERS.slice(0, 3)) },
    { requiredKeys: ['id'] },
  ),
  { maxLength: 3 },
);

export const signalsArb: fc.Arbitrary<PolicySignals> = fc.record({
  phase_holds: scoped,
  active_incidents: scoped,
  trusted_mcp_servers: fc.subarray(['github', 'jira', 'slack', 'unknown-fs']),
});

const path = fc
  .tuple(
    fc.constantFrom('', '/home/u/', 'src/', 'a/b/', './', 'infra/'),
    fc.constantFrom('', 'policies/', 'policy/', 'iam/', 'security/', '.kube/', '.aws/', '.docker/', 'docs/', 'policies-old/', 'xiam/'),
    fc.constantFrom('.env', '.env.local', '.envrc', 'app.ts', 'server.pem', 'tls.key', 'monkey', 'id_rsa', 'id_rsa.pub', 'id_ed25519', 'kubeconfig', 'config', 'credentials', 'config.json', 'terraform.tfstate', 'terraform.tfstate.backup', 'prod.tfvars', 'secrets.yaml', 'my-secrets.yaml', '.npmrc', '.netrc', '.pgpass', 'main.cedar', 'schema.cedarschema', 'authz.rego', 'README.md'),
    fc.oneof(fc.constant(''), noise),
  )
  .map(([a, b, c, d]) => `${a}${b}${c}${d}`);

const commandLine = fc
  .tuple(
    fc.constantFrom('terraform plan', 'terraform plan -out=x', 'terraform planx', 'terraform fmt', 'terraform validate', 'terraform apply', 'terraform apply -auto-approve', 'terraform destroy', 'git push origin main', 'git status', 'git diff --stat', 'git log', 'npm test', 'pytest -q', 'make build', 'kubectl delete ns x', 'kubectl get pods', 'kubectl create rolebinding x', 'aws iam create-access-key', 'az role assignment create', 'ls', 'sudo terraform apply'),
    fc.constantFrom('', ' ; ls', ' && terraform apply', ' | tee x', ' > out', ' $(whoami)', ' `id`', ' < in', '\nrm -rf /', ' --verbose'),
    fc.oneof(fc.constant(''), noise),
  )
  .map(([a, b, c]) => `${a}${b}${c}`);

const branch = fc.record(
  {
    repo: fc.constantFrom('acme/app', 'origin'),
    name: fc.constantFrom('main', 'master', 'refs/heads/main', 'refs/heads/master', 'release/1.0', 'refs/heads/release/2', 'release', 'mainline', 'feature/x', 'develop', 'xrelease/1'),
    protected: fc.boolean(),
  },
  { requiredKeys: ['repo', 'name'] },
);

const resourceFor = (scope: string): fc.Arbitrary<Intent['resource']> => {
  switch (scope) {
    case 'promotion':
      return fc.record({ type: fc.constant('environment'), id: fc.constantFrom(...TARGETS), attrs: fc.record({ tier: fc.constantFrom(...TIERS) }) });
    case 'terraform.plan':
    case 'terraform.apply':
      return fc.record({ type: fc.constant('terraform_workspace'), id: fc.constantFrom('ws-prod', 'ws-stage'), attrs: fc.record({ tier: fc.constantFrom(...TIERS) }) });
    case 'k8s.rbac.bind':
      return fc.record({ type: fc.constant('role_binding'), id: fc.constant('rb'), attrs: fc.record({ role: fc.constantFrom('cluster-admin', 'admin', 'view', 'edit', 'cluster-admin-x') }) });
    case 'repo.push':
      return branch.map((attrs) => ({ type: 'branch', id: `${attrs.repo}:${attrs.name}`, attrs }));
    case 'file.read':
    case 'file.write':
      return path.map((p) => ({ type: 'file', id: p || 'empty', attrs: { path: p } }));
    case 'command.execute':
      return commandLine.map((line) => ({ type: 'command', id: 'cmd', attrs: { line } }));
    case 'mcp.tool_call':
      return fc.record({ type: fc.constant('mcp_tool'), id: fc.constant('t'), attrs: fc.record({ server: fc.constantFrom('github', 'jira', 'slack', 'unknown-fs', 'GitHub'), tool: fc.constant('x') }) });
    case 'policy.activate':
      return fc.record({ type: fc.constant('policy_bundle'), id: fc.constant('sha256:00'), attrs: fc.record({ bundle_id: fc.constant('b'), version: fc.constant('1') }) });
    default:
      return fc.record({ type: fc.constant('file'), id: fc.constant('x'), attrs: fc.record({ path: fc.constant('x') }) });
  }
};

const SCOPES = ['promotion', 'terraform.plan', 'terraform.apply', 'k8s.rbac.bind', 'repo.push', 'file.read', 'file.write', 'command.execute', 'mcp.tool_call', 'policy.activate', 'policy.delete'];

export const intentArb: fc.Arbitrary<Intent> = fc.constantFrom(...SCOPES).chain((scope) =>
  fc.record({
    action_scope: fc.constant(scope),
    principal: fc.record({ type: fc.constantFrom('user', 'agent', 'pipeline', 'service'), id: fc.constantFrom('alice', 'agent-1', 'ci') }),
    resource: resourceFor(scope),
    execution_identity: fc.record({ region: fc.constantFrom('eu-west-1', 'local'), env_tier: fc.constantFrom('prod' as const, 'stage' as const, 'dev' as const) }),
    parameters: fc.constant({}),
    context: fc.record({ justification: fc.string({ minLength: 1, maxLength: 10 }) }),
  }),
);

