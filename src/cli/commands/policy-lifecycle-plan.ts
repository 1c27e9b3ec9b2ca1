/**
 * `writ policy lifecycle-plan --bundle DIR --output-dir DIR`: every lifecycle artifact of
 * a candidate bundle (lint report, version manifest, semantic diff, dry-run report,
 * shadow summary, rollback plan, approval workflow) as JSON files plus one lifecycle
 * packet (`writ.policy-lifecycle.packet.v1`) that `writ policy lifecycle-readiness`
 * checks.
 *
 * Offline by default (files only): the previous bundle is `--previous DIR`, the shadow
 * summary states the criteria a run must meet, the rollback target is the previous
 * bundle, and the packet's evidence mode is `sample`. With `--server`, the active bundle
 * is the previous one and decides the approval workflow, and the shadow summary and
 * rollback plan are the server's; with `--ci-run-ref` and `--review-ref` as well, the
 * packet is `live`.
 *
 * Exit codes: 0 written; 1 written but its own readiness check is blocked (the packet is
 * still written, for review); 2 the bundle is invalid or an input cannot be read.
 *
 * @module
 */
import type { Command } from 'commander';
import { compileBundleDocument, type CompiledBundle } from '../../policy/compile-bundle.ts';
import { inspectBundleDir } from '../../policy/load-bundle.ts';
import { bundleArgument } from './policy-diff.ts';
import type { OperatingEvidence, RollbackPlan, ShadowSummary } from '../../policy/lifecycle/artifacts.ts';
import { diffBundles } from '../../policy/lifecycle/diff/diff-bundles.ts';
import { readDryRunCaseFile } from '../../policy/lifecycle/dry-run/read-case-file.ts';
import { runDryRun } from '../../policy/lifecycle/dry-run/run-dry-run.ts';
import { lintBundle } from '../../policy/lifecycle/lint/lint-bundle.ts';
import { buildVersionManifest } from '../../policy/lifecycle/manifest/build-version-manifest.ts';
import { approvalWorkflowFor } from '../../policy/lifecycle/plan/approval-workflow.ts';
import { buildLifecyclePacket } from '../../policy/lifecycle/plan/build-lifecycle-packet.ts';
import { plannedRollback, plannedShadowSummary } from '../../policy/lifecycle/plan/offline-artifacts.ts';
import { writeLifecycleArtifacts, type LifecycleExport } from '../../policy/lifecycle/plan/write-lifecycle-artifacts.ts';
import { checkLifecycleReadiness } from '../../policy/lifecycle/readiness/check-readiness.ts';
import type { ReadinessResult } from '../../policy/lifecycle/artifacts.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { clientFor, identityOptions, type HumanTokenOptions } from '../human-token.ts';

/** Options of `writ policy lifecycle-plan`. */
export interface LifecyclePlanOptions extends HumanTokenOptions {
  bundle: string;
  outputDir: string;
  previous?: string;
  cases?: string;
  groups?: string;
  server?: boolean;
  ciRunRef?: string;
  reviewRef?: string;
  uiRef?: string;
}

/** What `--json` prints. */
export interface LifecyclePlanResult {
  export: LifecycleExport;
  policy_bundle_hash: string;
  evidence_mode: 'sample' | 'live';
  readiness: ReadinessResult;
}

async function fromServer(c: CliContext, opts: LifecyclePlanOptions, candidate: CompiledBundle): Promise<{ active: CompiledBundle; shadow: ShadowSummary; rollback: RollbackPlan }> {
  const client = await clientFor(c, opts);
  const active = await client.get<{ policy_bundle_hash: string }>('/v1/policy/active');
  const stored = await client.get<{ document: unknown }>(`/v1/policy/bundles/${encodeURIComponent(active.policy_bundle_hash)}`);
  const shadow = await client.get<ShadowSummary>(`/v1/policy/shadow?candidate=${encodeURIComponent(candidate.policy_bundle_hash)}`);
  const rollback = await client.get<RollbackPlan>(`/v1/policy/rollback-plan?from=${encodeURIComponent(candidate.policy_bundle_hash)}`);
  return { active: compileBundleDocument(stored.document), shadow, rollback };
}

/**
 * Runs `writ policy lifecycle-plan` and returns its exit code.
 *
 * @example
 * ```ts
 * const code = await policyLifecyclePlan(ctx(), { bundle: 'policies/default', outputDir: 'out/lifecycle' }); // 0
 * ```
 */
export async function policyLifecyclePlan(c: CliContext, opts: LifecyclePlanOptions): Promise<number> {
  const check = inspectBundleDir(opts.bundle);
  const knownGroups = opts.groups !== undefined ? opts.groups.split(',').map((g) => g.trim()).filter((g) => g !== '') : c.config().policyLifecycle.approverGroups;
  const lint = lintBundle(check, { knownGroups });
  if (!check.bundle) {
    c.out.result({ lint_report: lint }, () => [`bundle ${opts.bundle} is invalid; nothing written`, ...lint.issues.map((i) => `  ${i.severity} ${i.code}: ${i.message}`)].join('\n'));
    return EXIT.USAGE;
  }
  const candidate = check.bundle;
  const now = new Date();
  const cases = opts.cases ? readDryRunCaseFile(opts.cases) : undefined;
  let previous: CompiledBundle | null = null;
  if (opts.previous) {
    previous = await bundleArgument(opts.previous, c);
    if (!previous) return EXIT.USAGE;
  }
  let shadow: ShadowSummary;
  let rollback: RollbackPlan;
  if (opts.server) {
    c.out.info('asking the server for the active bundle, the shadow run and the rollback plan');
    const live = await fromServer(c, opts, candidate);
    previous = live.active;
    shadow = live.shadow;
    rollback = live.rollback;
  } else {
    shadow = plannedShadowSummary(candidate, previous, c.config().policyLifecycle.shadowMinHours);
    rollback = plannedRollback(candidate, previous, previous ? diffBundles(candidate, previous) : null);
  }
  c.out.info('linted; building the manifest, semantic diff and dry run');
  const manifest = buildVersionManifest(candidate, { dir: opts.bundle, previous, now });
  const live = Boolean(opts.server && opts.ciRunRef && opts.reviewRef);
  const operating: OperatingEvidence = {
    ci_run_ref: opts.ciRunRef ?? 'sample://writ/ci-run',
    policy_review_ref: opts.reviewRef ?? 'sample://writ/policy-review',
    ...(opts.uiRef ? { ui_validation_ref: opts.uiRef } : {}),
  };
  const packet = buildLifecyclePacket(
    {
      lint_report: lint,
      version_manifest: manifest,
      semantic_diff: manifest.diff,
      dry_run_report: runDryRun(candidate, cases ? { cases } : {}),
      shadow_summary: shadow,
      rollback_plan: rollback,
      approval_workflow: approvalWorkflowFor(previous ?? candidate, candidate, now),
    },
    { evidenceMode: live ? 'live' : 'sample', operatingEvidence: operating, now },
  );
  const written = writeLifecycleArtifacts(packet, opts.outputDir);
  const readiness = checkLifecycleReadiness(packet, { requireLive: false });
  const result: LifecyclePlanResult = { export: written, policy_bundle_hash: candidate.policy_bundle_hash, evidence_mode: packet.evidence_mode, readiness };
  c.out.result(result, () =>
    [
      `bundle    ${candidate.document.manifest.id} ${candidate.document.manifest.version}  ${candidate.policy_bundle_hash}`,
      `evidence  ${packet.evidence_mode}${packet.evidence_mode === 'sample' ? ' (offline or without operating evidence refs)' : ''}`,
      `packet    ${written.packet}`,
      ...Object.entries(written.artifacts).map(([k, p]) => `  ${k.padEnd(18)} ${p}`),
      `readiness ${readiness.status}: ${readiness.blocker_count} blocker(s), ${readiness.warning_count} warning(s)`,
      ...readiness.checks.filter((x) => x.status !== 'pass').map((x) => `  ${x.status.padEnd(8)} ${x.name}: ${x.message}`),
    ].join('\n'),
  );
  return readiness.status === 'blocked' ? EXIT.ERROR : EXIT.OK;
}

/**
 * Registers `writ policy lifecycle-plan`.
 *
 * @example
 * ```ts
 * registerPolicyLifecyclePlanCommand(policy, ctx);
 * ```
 */
export function registerPolicyLifecyclePlanCommand(policy: Command, ctx: () => CliContext): void {
  identityOptions(
    policy
      .command('lifecycle-plan')
      .requiredOption('--bundle <dir>', 'the candidate bundle directory')
      .requiredOption('--output-dir <dir>', 'where to write the artifacts and the packet')
      .option('--previous <dir|hash>', 'the bundle it replaces: a directory, or a stored bundle hash (with --server the active bundle is used)')
      .option('--cases <file>', 'dry-run cases (Writ case file or CAVRA sample-actions.json) instead of the built-in required cases')
      .option('--groups <a,b>', 'approver groups policies may name (default: WRIT_POLICY_APPROVER_GROUPS)')
      .option('--server', 'use the server: active bundle, shadow run, rollback plan from activation history')
      .option('--ci-run-ref <ref>', 'the CI run that produced this plan (operating evidence)')
      .option('--review-ref <ref>', 'the policy review (pull request) reference (operating evidence)')
      .option('--ui-ref <ref>', 'a UI validation reference, if any')
      .description('export every lifecycle artifact of a bundle as JSON files plus one lifecycle packet (exit 1 if the packet is blocked, 2 if the bundle is invalid)'),
  ).action(async (opts: LifecyclePlanOptions) => {
    const code = await policyLifecyclePlan(ctx(), opts);
    if (code !== EXIT.OK) process.exitCode = code;
  });
}
