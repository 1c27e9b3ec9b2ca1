/**
 * Cedar decision latency with the default bundle: `evaluateIntent` (input checks,
 * mapping and type checks, the pre-parsed per-action Cedar call, verdict and
 * obligations) over a rotation of intents covering every action scope, against the
 * floor of the bare Cedar call it makes (`decisionCall`: the flattened slice, see
 * `src/policy/flat-slice.ts`) on the same requests already mapped. The two are
 * sampled alternately, one rotation at a time, so both see the same machine load and
 * the same sequence of calls.
 *
 * Logged for comparison: the unflattened per-action call (`cedarCall`: nested
 * context, resource entity) and the straightforward call (whole policy set, whole
 * context, Cedar's own request validation).
 */
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { cedarCall, type CedarCall } from '../../src/policy/action-plan.ts';
import { cedar } from '../../src/policy/cedar.ts';
import { mapIntent, type MappedIntent } from '../../src/policy/cedar-request.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import type { EvaluationInput, Intent, PolicySignals } from '../../src/policy/intent.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { decisionCall, prepareBundle } from '../../src/policy/prepared-bundle.ts';
import { round, type BenchResult, type BenchSuite } from '../result.ts';

function intentsFor(bundleHash: string): Intent[] {
  const exec = { agent_id: 'agent-1', region: 'eu-west-1', env_tier: 'prod' as const, spiffe_id: 'spiffe://acme.example/agent-1' };
  const mk = (action_scope: string, type: string, id: string, attrs: Intent['resource']['attrs']): Intent => ({
    action_scope,
    principal: { type: 'agent', id: 'agent-1' },
    resource: { type, id, attrs },
    execution_identity: exec,
    parameters: {},
    context: { artifact_digest: `sha256:${'a'.repeat(64)}`, change_ref: 'CHG-1', justification: 'benchmark' },
  });
  return [
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
    mk('policy.activate', 'policy_bundle', bundleHash, { bundle_id: 'writ-default', version: '1.0.0' }),
  ];
}

/** Nanosecond samples of `fn` over `n` calls after a warm-up, sorted. */
function sample(n: number, fn: (i: number) => unknown): number[] {
  for (let i = 0; i < 2_000; i++) fn(i);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    out[i] = Number(process.hrtime.bigint() - t0);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Sorted nanosecond samples of `a` and `b` over `n` calls each, alternating in blocks of
 * `block` calls (a(0…block-1), b(0…block-1), a(block…), …). With a block of one rotation
 * each sees the same sequence of calls as a run of its own (which matters: a call right
 * after the same intent is much faster), while both share the machine's load.
 */
function samplePair(n: number, block: number, a: (i: number) => unknown, b: (i: number) => unknown): [number[], number[]] {
  for (let i = 0; i < 2_000; i += block) {
    for (let j = i; j < i + block; j++) a(j);
    for (let j = i; j < i + block; j++) b(j);
  }
  const as = new Array<number>(n);
  const bs = new Array<number>(n);
  for (let i = 0; i < n; i += block) {
    for (let j = i; j < Math.min(i + block, n); j++) {
      const t0 = process.hrtime.bigint();
      a(j);
      as[j] = Number(process.hrtime.bigint() - t0);
    }
    for (let j = i; j < Math.min(i + block, n); j++) {
      const t0 = process.hrtime.bigint();
      b(j);
      bs[j] = Number(process.hrtime.bigint() - t0);
    }
  }
  return [as.sort((x, y) => x - y), bs.sort((x, y) => x - y)];
}

const quantileUs = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000;

export const policySuite: BenchSuite = {
  name: 'policy',
  async run(ctx) {
    const n = ctx.quick ? 2_000 : 20_000;
    const bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
    const signals: PolicySignals = {
      phase_holds: [{ id: 'HOLD-1', targets: ['billing/prod'] }],
      active_incidents: [{ id: 'INC-1', targets: ['search/prod'] }],
      trusted_mcp_servers: ['github', 'jira'],
    };
    const now = new Date('2026-06-01T00:00:00Z');
    const inputs: EvaluationInput[] = intentsFor(bundle.policy_bundle_hash).map((intent) => ({ intent, signals, now }));
    const plans = prepareBundle(bundle);
    if (typeof plans === 'string') throw new Error(plans);
    const mapped: MappedIntent[] = inputs.map((input) => {
      const m = mapIntent(bundle.model, input);
      if ('errors' in m) throw new Error(m.errors.join('; '));
      return m.mapped;
    });
    // The floor: exactly the Cedar calls evaluateIntent makes for these intents, prebuilt.
    const calls: CedarCall[] = mapped.map((m) => decisionCall(plans.get(m.action.id)!, m));
    const [decisions, floor] = samplePair(
      n,
      inputs.length,
      (i) => evaluateIntent(bundle, inputs[i % inputs.length]!),
      (i) => cedar.statefulIsAuthorized(calls[i % calls.length]!),
    );

    const plain: CedarCall[] = mapped.map((m) => cedarCall(plans.get(m.action.id)!, m));
    const unflattened = sample(Math.min(n, 5_000), (i) => cedar.statefulIsAuthorized(plain[i % plain.length]!));
    ctx.log(`  unflattened per-action Cedar call (nested context, resource entity): p50 ${round(quantileUs(unflattened, 0.5), 2)} µs`);

    const all: Record<string, string> = {};
    for (const [id, p] of bundle.policies) all[id] = p.text;
    const hash = bundle.policy_bundle_hash;
    wasm.preparsePolicySet(`${hash}#bench-all`, { staticPolicies: all });
    wasm.preparseSchema(`${hash}#bench`, bundle.document.schema);
    const naive = sample(Math.min(n, 5_000), (i) => {
      const m = mapped[i % mapped.length]!;
      return wasm.statefulIsAuthorized({
        principal: m.principal,
        action: m.action,
        resource: m.resource,
        context: m.context,
        entities: [{ uid: m.resource, attrs: m.resourceAttrs, parents: [] }, { uid: m.principal, attrs: {}, parents: [] }] as wasm.EntityJson[],
        preparsedPolicySetId: `${hash}#bench-all`,
        preparsedSchemaName: `${hash}#bench`,
        validateRequest: true,
      });
    });
    ctx.log(`  straightforward Cedar call (whole set, whole context, validated request): p50 ${round(quantileUs(naive, 0.5), 2)} µs`);

    const out: BenchResult[] = [];
    for (const [q, label] of [[0.5, 'p50'], [0.99, 'p99']] as const) {
      const value = quantileUs(decisions, q);
      const fl = quantileUs(floor, q);
      out.push({ name: `policy.decision_latency_${label}`, store: 'none', value: round(value, 2), unit: 'µs', floor_name: `bare pre-parsed Cedar call ${label}`, floor_value: round(fl, 2), ratio: round(fl / value, 3) });
    }
    return out;
  },
};
