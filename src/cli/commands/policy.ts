/**
 * `writ policy validate DIR` and `writ policy test DIR`: offline checks of a policy
 * bundle directory (they read files only; no server, no store). `writ policy push`,
 * `bundles`, `activate` and `apply` go through the server: push stores a bundle
 * (validated locally first, and again by the server), `activate` asks for a governed
 * `policy.activate` decision, `apply` switches the active bundle once it is approved.
 *
 * Exit codes: `validate` 0 when the bundle is valid, 2 when it is not; `test` 0 when
 * every decision case passes, 1 when one fails, 2 when the bundle is invalid. A command
 * that prints a full report and still fails sets `process.exitCode` (see `runCli`).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DecisionWire } from '../../contracts/decisions.ts';
import type { ApplyActivationResponse, BundleListResponse, PushBundleResponse } from '../../contracts/policy.ts';
import { runBundleTests, type BundleTestReport } from '../../policy/bundle-tests.ts';
import type { BundleCheck } from '../../policy/compile-bundle.ts';
import { inspectBundleDir } from '../../policy/load-bundle.ts';
import { formatProblem, type BundleProblem } from '../../policy/problems.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { registerPolicyDiffCommand } from './policy-diff.ts';
import { registerPolicyDryRunCommand } from './policy-dry-run.ts';
import { registerPolicyImportCavraCommand } from './policy-import-cavra.ts';
import { registerPolicyLintCommand } from './policy-lint.ts';
import { registerPolicyManifestCommand } from './policy-manifest.ts';
import { registerPolicyReadinessCommand } from './policy-readiness.ts';
import { registerPolicyShadowCommands } from './policy-shadow.ts';
import { registerPolicyLifecyclePlanCommand } from './policy-lifecycle-plan.ts';
import { clientFor, identityOptions, type HumanTokenOptions } from '../human-token.ts';

/**
 * What `writ policy validate --json` prints.
 *
 * @example
 * ```ts
 * const v: PolicyValidation = { dir: 'policies/default', valid: true, bundle_id: 'writ-default', version: '1.0.0', policy_bundle_hash: 'sha256:…', policies: 26, policy_files: 8, test_cases: 50, problems: [], warnings: [] };
 * ```
 */
export interface PolicyValidation {
  dir: string;
  valid: boolean;
  bundle_id: string | null;
  version: string | null;
  policy_bundle_hash: string | null;
  policies: number;
  policy_files: number;
  test_cases: number;
  problems: BundleProblem[];
  warnings: BundleProblem[];
}

function summarize(dir: string, r: BundleCheck): PolicyValidation {
  const m = r.document?.manifest;
  return {
    dir,
    valid: r.bundle !== null,
    bundle_id: typeof m?.id === 'string' ? m.id : null,
    version: typeof m?.version === 'string' ? m.version : null,
    policy_bundle_hash: r.policy_bundle_hash,
    policies: r.bundle?.policies.size ?? 0,
    policy_files: r.document?.policies.length ?? 0,
    test_cases: r.document?.tests.reduce((n, t) => n + t.cases.length, 0) ?? 0,
    problems: r.problems,
    warnings: r.warnings,
  };
}

function validationText(v: PolicyValidation): string {
  const lines = [
    `bundle   ${v.bundle_id ?? '?'} ${v.version ?? '?'}`,
    `hash     ${v.policy_bundle_hash ?? '(not computed: the files could not be read)'}`,
  ];
  if (v.valid) lines.push(`policies ${v.policies} in ${v.policy_files} files; ${v.test_cases} decision test cases`, 'valid');
  else lines.push(`INVALID: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`, ...v.problems.map((p) => `  ${formatProblem(p)}`));
  if (v.warnings.length > 0) lines.push(`warnings: ${v.warnings.length}`, ...v.warnings.map((p) => `  ${formatProblem(p)}`));
  return lines.join('\n');
}

function testText(r: BundleTestReport): string {
  const lines = [`bundle   ${r.bundle_id} ${r.version}`, `hash     ${r.policy_bundle_hash}`];
  for (const t of r.results) {
    lines.push(`${t.passed ? 'pass' : 'FAIL'}  ${t.file}  ${t.name}`);
    for (const m of t.mismatches) lines.push(`        ${m}`);
  }
  lines.push(`${r.total} cases: ${r.passed} passed, ${r.failed} failed`);
  return lines.join('\n');
}

/**
 * Runs `writ policy validate DIR`: prints the report and returns the exit code.
 *
 * @example
 * ```ts
 * const code = policyValidate('policies/default', ctx()); // 0
 * ```
 */
export function policyValidate(dir: string, c: CliContext): number {
  const v = summarize(dir, inspectBundleDir(dir));
  c.out.result(v, () => validationText(v));
  return v.valid ? EXIT.OK : EXIT.USAGE;
}

/**
 * Runs `writ policy test DIR`: prints one line per decision case and returns the exit code.
 *
 * @example
 * ```ts
 * const code = policyTest('policies/default', ctx()); // 0 when every case passes
 * ```
 */
export function policyTest(dir: string, c: CliContext): number {
  const r = inspectBundleDir(dir);
  if (!r.bundle) {
    const v = summarize(dir, r);
    c.out.result({ ...v, total: 0, passed: 0, failed: 0, results: [] }, () => validationText(v));
    return EXIT.USAGE;
  }
  const report = runBundleTests(r.bundle);
  c.out.result({ dir, ...report }, () => testText(report));
  return report.failed === 0 ? EXIT.OK : EXIT.ERROR;
}


/**
 * Runs `writ policy push DIR`: validates the bundle locally (exit 2 with the problems
 * when invalid, nothing sent), then stores it on the server.
 *
 * @example
 * ```ts
 * const code = await policyPush('policies/acme', ctx(), {}); // 0
 * ```
 */
export async function policyPush(dir: string, c: CliContext, opts: HumanTokenOptions): Promise<number> {
  const r = inspectBundleDir(dir);
  if (!r.bundle || !r.document) {
    const v = summarize(dir, r);
    c.out.result(v, () => validationText(v));
    return EXIT.USAGE;
  }
  const client = await clientFor(c, opts);
  const res = await client.post<PushBundleResponse>('/v1/policy/bundles', r.document);
  c.out.result(res, () =>
    [
      `${res.stored ? 'stored' : 'already stored'}: ${res.bundle_id} ${res.version}`,
      `hash     ${res.policy_bundle_hash}`,
      `activate with: writ policy activate ${res.policy_bundle_hash}`,
    ].join('\n'),
  );
  return EXIT.OK;
}

function setExit(code: number): void {
  if (code !== EXIT.OK) process.exitCode = code;
}

/**
 * Registers `writ policy validate DIR` and `writ policy test DIR` (offline, files only),
 * and `push`, `bundles`, `activate`, `apply` (through the server).
 *
 * @example
 * ```ts
 * registerPolicyCommands(program, context); // in buildProgram, next to the other commands
 * ```
 */
export function registerPolicyCommands(program: Command, ctx: () => CliContext): Command {
  const policy = program.command('policy').description('policy bundles (validate and test run offline; push, bundles, activate and apply use the server)');
  policy
    .command('validate')
    .argument('<dir>', 'bundle directory (bundle.yaml, schema.cedarschema, policies/, tests/)')
    .description('check a bundle: parse, strict Cedar validation, annotations; print its policy_bundle_hash (exit 2 if invalid)')
    .action((dir: string) => setExit(policyValidate(dir, ctx())));
  policy
    .command('test')
    .argument('<dir>', 'bundle directory')
    .description("run the bundle's decision test cases (exit 1 if one fails, 2 if the bundle is invalid)")
    .action((dir: string) => setExit(policyTest(dir, ctx())));
  identityOptions(
    policy
      .command('push')
      .argument('<dir>', 'bundle directory')
      .description('validate a bundle locally, then store it on the server (immutable, by hash); storing does not activate'),
  ).action(async (dir: string, opts: HumanTokenOptions) => setExit(await policyPush(dir, ctx(), opts)));
  identityOptions(policy.command('bundles').description('list the bundles stored on the server (* = active)')).action(async (opts: HumanTokenOptions) => {
    const c = ctx();
    const res = await (await clientFor(c, opts)).get<BundleListResponse>('/v1/policy/bundles');
    c.out.result(res, () =>
      res.bundles.map((b) => `${b.active ? '*' : ' '} ${b.policy_bundle_hash}  ${b.bundle_id} ${b.version}  stored ${b.stored_at}`).join('\n') || 'no bundles stored',
    );
  });
  identityOptions(
    policy
      .command('activate')
      .argument('<hash>', 'policy_bundle_hash of a stored bundle')
      .option('--justification <text>', 'why (shown to approvers)')
      .option('--manifest <file>', 'the version manifest (writ policy manifest DIR --json) carrying git provenance, attached as evidence')
      .description('request activation: a policy.activate decision under the active bundle (usually needs approvals); the server attaches lint, diff, dry-run, shadow and rollback evidence'),
  ).action(async (hash: string, opts: HumanTokenOptions & { justification?: string; manifest?: string }) => {
    const c = ctx();
    const manifest = opts.manifest ? (JSON.parse(readFileSync(opts.manifest, 'utf8')) as unknown) : undefined;
    const res = await (await clientFor(c, opts)).post<{ decision: DecisionWire; created: boolean }>('/v1/policy/activations', {
      policy_bundle_hash: hash,
      ...(opts.justification ? { justification: opts.justification } : {}),
      ...(manifest !== undefined ? { version_manifest: manifest } : {}),
    });
    const d = res.decision;
    c.out.result(res, () =>
      [
        `decision  ${d.decision_id}  ${d.verdict} (${d.status})`,
        ...(d.status === 'pending_approval' ? [`needs     ${d.obligations.approvals_required} approval(s) from ${d.obligations.approver_groups.join(', ')}`] : []),
        `evidence  writ policy evidence ${d.decision_id}`,
        `then      writ policy apply ${d.decision_id}`,
      ].join('\n'),
    );
  });
  identityOptions(
    policy
      .command('apply')
      .argument('<decision-id>', 'an approved policy.activate decision')
      .description('switch the active bundle to the one an approved activation decision names'),
  ).action(async (id: string, opts: HumanTokenOptions) => {
    const c = ctx();
    const res = await (await clientFor(c, opts)).post<ApplyActivationResponse>(`/v1/policy/activations/${encodeURIComponent(id)}/apply`);
    c.out.result(res, () => `active: ${res.policy_bundle_hash}${res.previous_policy_bundle_hash ? ` (was ${res.previous_policy_bundle_hash})` : ''}\nledger seq ${res.ledger.seq}`);
  });
  registerPolicyLintCommand(policy, ctx);
  registerPolicyManifestCommand(policy, ctx);
  registerPolicyDiffCommand(policy, ctx);
  registerPolicyDryRunCommand(policy, ctx);
  registerPolicyReadinessCommand(policy, ctx);
  registerPolicyShadowCommands(policy, ctx);
  registerPolicyLifecyclePlanCommand(policy, ctx);
  registerPolicyImportCavraCommand(policy, ctx);
  return policy;
}
