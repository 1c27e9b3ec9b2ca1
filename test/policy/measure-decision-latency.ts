/**
 * Measures pre-parsed decision latency with the default bundle (a script, not a test):
 *
 *   node --import tsx test/policy/measure-decision-latency.ts [N]
 *
 * Times N (default 10,000) calls of `evaluateIntent` over a rotation of intents that
 * covers every action scope of the default bundle (allow, deny and require_approval),
 * after a warm-up; as the floor, the bare pre-parsed Cedar call on the same requests
 * already mapped and sliced; and for comparison the straightforward call (whole policy
 * set, whole context, Cedar's schema validation of the request). Prints p50 / p90 /
 * p99 / max in microseconds as JSON.
 */
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { cedarCall, type CedarCall } from '../../src/policy/action-plan.ts';
import { cedar } from '../../src/policy/cedar.ts';
import { mapIntent, type MappedIntent } from '../../src/policy/cedar-request.ts';
import { prepareBundle } from '../../src/policy/prepared-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import type { EvaluationInput, Intent, PolicySignals } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';

const N = Number(process.argv[2] ?? 10_000);
const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
const signals: PolicySignals = {
  phase_holds: [{ id: 'HOLD-1', targets: ['billing/prod'] }],
  active_incidents: [{ id: 'INC-1', targets: ['search/prod'] }],
  trusted_mcp_servers: ['github', 'jira'],
};
const exec = { agent_id: 'agent-1', region: 'eu-west-1', env_tier: 'prod' as const, spiffe_id: 'spiffe://acme.example/agent-1' };
const mk = (action_scope: string, type: string, id: string, attrs: Intent['resource']['attrs']): Intent => ({
  action_scope,
  principal: { type: 'agent', id: 'agent-1' },
  resource: { type, id, attrs },
  execution_identity: exec,
  parameters: {},
  context: { artifact_digest: `sha256:${'a'.repeat(64)}`, change_ref: 'CHG-1', justification: 'benchmark' },
});
const intents: Intent[] = [
  mk('promotion', 'environment', 'payments/prod', { tier: 'prod' }),
  mk('promotion', 'environment', 'payments/stage', { tier: 'stage' }),
  mk('promotion', 'environment', 'billing/prod', { tier: 'prod' }),
  mk('terraform.plan', 'terraform_workspace', 'net', { tier: 'prod' }),
  mk('terraform.apply', 'terraform_workspace', 'net', { tier: 'prod' }),
  mk('k8s.rbac.bind', 'role_binding', 'rb', { role: 'cluster-admin', cluster: 'prod-eu' }),
  mk('repo.push', 'branch', 'app:main', { repo: 'acme/app', name: 'main' }),
  mk('repo.push', 'branch', 'app:feature', { repo: 'acme/app', name: 'feature/x' }),
  mk('file.read', 'file', '.env', { path: 'services/api/.env' }),
  mk('file.read', 'file', 'app.ts', { path: 'src/app.ts' }),
  mk('file.write', 'file', 'policy', { path: 'policies/default/policies/files.cedar' }),
  mk('command.execute', 'command', 'plan', { line: 'terraform plan -out=tfplan' }),
  mk('command.execute', 'command', 'apply', { line: 'terraform apply -auto-approve' }),
  mk('mcp.tool_call', 'mcp_tool', 'fs', { server: 'unknown-filesystem', tool: 'read_file' }),
  mk('mcp.tool_call', 'mcp_tool', 'gh', { server: 'github', tool: 'create_issue' }),
  mk('policy.activate', 'policy_bundle', bundle.policy_bundle_hash, { bundle_id: 'writ-default', version: '1.0.0' }),
];
const now = new Date('2025-06-01T00:00:00Z');
const inputs: EvaluationInput[] = intents.map((intent) => ({ intent, signals, now }));

function percentiles(ns: number[]): Record<string, number> {
  const s = [...ns].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! / 10) / 100; // µs, 2 decimals
  return { p50_us: at(0.5), p90_us: at(0.9), p99_us: at(0.99), max_us: at(1 - 1e-12), mean_us: Math.round(s.reduce((a, b) => a + b, 0) / s.length / 10) / 100 };
}

function time(fn: (i: number) => unknown): number[] {
  for (let i = 0; i < 2_000; i++) fn(i); // warm-up (JIT, pre-parse)
  const out: number[] = new Array<number>(N);
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  return out;
}

const verdicts = new Map<string, number>();
for (const input of inputs) {
  const v = evaluateIntent(bundle, input).verdict;
  verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
}
const decisions = time((i) => evaluateIntent(bundle, inputs[i % inputs.length]!));
const byScope = new Map<string, number[]>();
decisions.forEach((ns, i) => {
  const scope = inputs[i % inputs.length]!.intent.action_scope;
  byScope.set(scope, [...(byScope.get(scope) ?? []), ns]);
});

const plans = prepareBundle(bundle);
if (typeof plans === 'string') throw new Error(plans);
const mapped: MappedIntent[] = inputs.map((input) => {
  const m = mapIntent(bundle.model, input);
  if ('errors' in m) throw new Error(m.errors.join('; '));
  return m.mapped;
});
const calls: CedarCall[] = mapped.map((m) => cedarCall(plans.get(m.action.id)!, m));
const floor = time((i) => cedar.statefulIsAuthorized(calls[i % calls.length]!));

// The straightforward call: every policy, the whole context, schema-validated request.
const hash = bundle.policy_bundle_hash;
const all: Record<string, string> = {};
for (const [id, p] of bundle.policies) all[id] = p.text;
wasm.preparsePolicySet(`${hash}#all`, { staticPolicies: all });
wasm.preparseSchema(hash, bundle.document.schema);
const full = mapped.map((m) => ({
  principal: m.principal,
  action: m.action,
  resource: m.resource,
  context: m.context,
  entities: [{ uid: m.resource, attrs: m.resourceAttrs, parents: [] }, { uid: m.principal, attrs: {}, parents: [] }] as wasm.EntityJson[],
  preparsedPolicySetId: `${hash}#all`,
  preparsedSchemaName: hash,
  validateRequest: true,
}));
const naive = time((i) => wasm.statefulIsAuthorized(full[i % full.length]!));

console.log(
  JSON.stringify(
    {
      node: process.version,
      cedar: cedar.getCedarVersion(),
      bundle: `${bundle.document.manifest.id} ${bundle.document.manifest.version} (${bundle.policies.size} policies)`,
      decisions: N,
      intents_in_rotation: inputs.length,
      verdict_mix: Object.fromEntries(verdicts),
      evaluate_intent: percentiles(decisions),
      evaluate_intent_p50_us_by_action: Object.fromEntries([...byScope].map(([k, v]) => [k, percentiles(v).p50_us])),
      floor_bare_cedar_call_same_requests: percentiles(floor),
      straightforward_whole_set_whole_context_schema_validated: percentiles(naive),
    },
    null,
    2,
  ),
);
