/**
 * `writ policy shadow start|status|stop|divergences|explain`, `writ policy rollback-plan`
 * and `writ policy evidence`: the server-side parts of the governed policy lifecycle.
 *
 * Exit codes: 0; `shadow status` exits 1 when a run exists and its promotion criteria are
 * not met (so a pipeline can wait on it); the server's refusals map as everywhere
 * (409 ⇒ 7, 404 ⇒ 6, …).
 *
 * @module
 */
import type { Command } from 'commander';
import type { RollbackPlan, ShadowSummary } from '../../policy/lifecycle/artifacts.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { clientFor, identityOptions, type HumanTokenOptions } from '../human-token.ts';

interface DivergenceWire {
  divergence_id: string;
  decision_id: string;
  observed_at: string;
  action_scope: string;
  resource_id: string;
  severity: string;
  active: { verdict: string; obligations: { approvals_required: number } };
  candidate: { verdict: string; obligations: { approvals_required: number } };
  explained_at: string | null;
  explanation: string | null;
}

/**
 * Human text of a shadow summary.
 *
 * @example
 * ```ts
 * shadowText(summary).split('\n')[0]; // 'shadow    shd_… running'
 * ```
 */
export function shadowText(s: ShadowSummary): string {
  if (s.state === 'none') return `no shadow run${s.active_policy_bundle_hash ? ` (active ${s.active_policy_bundle_hash})` : ''}`;
  const d = s.divergences;
  return [
    `shadow    ${s.shadow_id} ${s.state} (non-enforcing)`,
    `candidate ${s.candidate_policy_bundle_hash}`,
    `against   ${s.active_policy_bundle_hash} (active when started)`,
    `observed  ${s.observation_hours} h since ${s.started_at}${s.stopped_at ? ` until ${s.stopped_at}` : ''}; ${s.intents_observed} intent(s)`,
    `diverged  ${d.total}: critical ${d.by_severity.critical}, high ${d.by_severity.high}, medium ${d.by_severity.medium}, low ${d.by_severity.low}; ${d.explained} explained, ${d.unexplained_high} high/critical unexplained`,
    `criteria  ≥ ${s.promotion_criteria.min_observation_hours} h, 0 unexplained high/critical, clean dry run, approval`,
    s.criteria_met ? 'promotion criteria met' : `not met: ${s.unmet.join('; ')}`,
  ].join('\n');
}

function rollbackText(p: RollbackPlan): string {
  if (!p.target) return `no rollback target: ${p.reason}`;
  return [
    `current   ${p.current_policy_bundle_hash}`,
    `target    ${p.target.policy_bundle_hash}  ${p.target.bundle_id} ${p.target.version}`,
    `          active ${p.target.active_from ?? 'never'}${p.target.active_until ? ` → ${p.target.active_until}` : ''}; ${p.target.why}`,
    ...(p.diff ? [`diff      ${p.diff.policies.added.length} added, ${p.diff.policies.removed.length} removed, ${p.diff.policies.changed.length} changed; ${p.diff.decisions.changed_count} decision(s) change`] : []),
    'steps:',
    ...p.steps.map((s, i) => `  ${i + 1}. ${s}`),
    ...(p.activation_request ? [`run       writ policy activate ${p.activation_request.body.policy_bundle_hash} --justification "${p.activation_request.body.justification}"`] : []),
  ].join('\n');
}

/**
 * Registers `shadow`, `rollback-plan` and `evidence` under `writ policy`.
 *
 * @example
 * ```ts
 * registerPolicyShadowCommands(policy, ctx);
 * ```
 */
export function registerPolicyShadowCommands(policy: Command, ctx: () => CliContext): void {
  const shadow = policy.command('shadow').description('shadow mode: evaluate a stored candidate beside the active bundle on live intents, without enforcing');
  identityOptions(
    shadow
      .command('start')
      .argument('<hash>', 'policy_bundle_hash of a stored candidate (writ policy push)')
      .option('--min-hours <hours>', 'minimum observation time before the candidate may be activated (default: WRIT_POLICY_SHADOW_MIN_HOURS)')
      .description('start a shadow run (one at a time); divergences are ledgered with both verdicts'),
  ).action(async (hash: string, opts: HumanTokenOptions & { minHours?: string }) => {
    const c = ctx();
    const body: Record<string, unknown> = { policy_bundle_hash: hash };
    if (opts.minHours !== undefined) body.min_observation_hours = Number(opts.minHours);
    const res = await (await clientFor(c, opts)).post<ShadowSummary>('/v1/policy/shadow', body);
    c.out.result(res, () => shadowText(res));
  });
  identityOptions(
    shadow
      .command('status')
      .option('--candidate <hash>', "a candidate's latest run instead of the running one")
      .description('observation time, divergences by severity, promotion criteria (exit 1 when a run exists and its criteria are not met)'),
  ).action(async (opts: HumanTokenOptions & { candidate?: string }) => {
    const c = ctx();
    const q = opts.candidate ? `?candidate=${encodeURIComponent(opts.candidate)}` : '';
    const res = await (await clientFor(c, opts)).get<ShadowSummary>(`/v1/policy/shadow${q}`);
    c.out.result(res, () => shadowText(res));
    if (res.state !== 'none' && !res.criteria_met) process.exitCode = EXIT.ERROR;
  });
  identityOptions(shadow.command('stop').option('--reason <text>', 'why (kept in the store; its digest is ledgered)').description('stop the running shadow run')).action(
    async (opts: HumanTokenOptions & { reason?: string }) => {
      const c = ctx();
      const res = await (await clientFor(c, opts)).post<ShadowSummary>('/v1/policy/shadow/stop', opts.reason ? { reason: opts.reason } : {});
      c.out.result(res, () => shadowText(res));
    },
  );
  identityOptions(
    shadow
      .command('divergences')
      .option('--shadow <id>', 'a shadow run (default: the running or latest one)')
      .option('--severity <level>', 'low, medium, high or critical')
      .option('--unexplained', 'only those without an explanation')
      .option('--limit <n>', 'at most this many (default 100)')
      .description('the divergence records: each live decision the candidate would have decided differently'),
  ).action(async (opts: HumanTokenOptions & { shadow?: string; severity?: string; unexplained?: boolean; limit?: string }) => {
    const c = ctx();
    const q = new URLSearchParams();
    if (opts.shadow) q.set('shadow_id', opts.shadow);
    if (opts.severity) q.set('severity', opts.severity);
    if (opts.unexplained) q.set('unexplained', 'true');
    if (opts.limit) q.set('limit', opts.limit);
    const res = await (await clientFor(c, opts)).get<{ shadow_id: string | null; divergences: DivergenceWire[] }>(`/v1/policy/shadow/divergences${q.size ? `?${q}` : ''}`);
    c.out.result(res, () =>
      res.divergences.length === 0
        ? `no divergences${res.shadow_id ? ` in ${res.shadow_id}` : ''}`
        : res.divergences
            .map((d) => `${d.severity.padEnd(8)} ${d.divergence_id}  ${d.action_scope} ${d.resource_id}: ${d.active.verdict} → ${d.candidate.verdict}  (${d.decision_id})${d.explanation ? `  explained: ${d.explanation}` : ''}`)
            .join('\n'),
    );
  });
  identityOptions(
    shadow
      .command('explain')
      .argument('<divergence-id>', 'a divergence record')
      .requiredOption('--note <text>', 'why this divergence is intended')
      .description('explain a divergence (once); explained high-severity divergences no longer block promotion'),
  ).action(async (id: string, opts: HumanTokenOptions & { note: string }) => {
    const c = ctx();
    const res = await (await clientFor(c, opts)).post<{ divergence_id: string; explained: boolean }>(`/v1/policy/shadow/divergences/${encodeURIComponent(id)}/explain`, { explanation: opts.note });
    c.out.result(res, () => `explained: ${res.divergence_id}`);
  });

  identityOptions(
    policy
      .command('rollback-plan')
      .option('--to <hash>', 'plan a rollback to this stored bundle instead of the last known-good one')
      .description('the known-good previous bundle (last active without incident), the steps, and the governed activation request'),
  ).action(async (opts: HumanTokenOptions & { to?: string }) => {
    const c = ctx();
    const res = await (await clientFor(c, opts)).get<RollbackPlan>(`/v1/policy/rollback-plan${opts.to ? `?to=${encodeURIComponent(opts.to)}` : ''}`);
    c.out.result(res, () => rollbackText(res));
    if (!res.target) process.exitCode = EXIT.ERROR;
  });

  identityOptions(
    policy.command('evidence').argument('<decision-id>', 'a policy.activate decision').description('the evidence an activation request carries, as approvers see it (documents with --json)'),
  ).action(async (id: string, opts: HumanTokenOptions) => {
    const c = ctx();
    const res = await (await clientFor(c, opts)).get<{ decision_id: string; evidence: Array<{ kind: string; evidence_hash: string; document: Record<string, unknown> }> }>(
      `/v1/policy/activations/${encodeURIComponent(id)}/evidence`,
    );
    c.out.result(res, () => [`evidence of ${res.decision_id}`, ...res.evidence.map((e) => `  ${e.kind.padEnd(16)} ${e.evidence_hash}  ${evidenceLine(e.kind, e.document)}`)].join('\n'));
  });
}

function evidenceLine(kind: string, d: Record<string, unknown>): string {
  const n = (k: string) => d[k] as number;
  switch (kind) {
    case 'lint_report':
      return `${d.valid ? 'valid' : 'NOT valid'}: ${n('blocker_count')} blocker(s), ${n('warning_count')} warning(s)`;
    case 'version_manifest':
      return `${String(d.bundle_id)} ${String(d.version)} from ${String(d.source_ref)}${d.git_versioned ? ' (git)' : ''}`;
    case 'semantic_diff': {
      const p = d.policies as { added: unknown[]; removed: unknown[]; changed: unknown[] };
      return `${p.added.length} added, ${p.removed.length} removed, ${p.changed.length} changed; ${(d.decisions as { changed_count: number }).changed_count} decision(s) change`;
    }
    case 'dry_run_report':
      return `${n('passed_count')}/${n('case_count')} passed; required cases ${d.required_cases_present ? 'present' : 'MISSING'}`;
    case 'shadow_summary':
      return d.state === 'none' ? 'no shadow run' : `${String(d.state)}, ${String(d.observation_hours)} h, ${(d.divergences as { total: number }).total} divergence(s), criteria ${d.criteria_met ? 'met' : 'NOT met'}`;
    case 'rollback_plan': {
      const t = d.target as { policy_bundle_hash: string } | null;
      return t ? `back to ${t.policy_bundle_hash}` : 'no known-good target';
    }
    default:
      return '';
  }
}
