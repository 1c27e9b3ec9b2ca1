/**
 * Sampled analysis of permits over a generated corpus (`corpus/`): a permit no corpus
 * case satisfies may never apply; a permit that, in every case satisfying it, is
 * overridden by a forbid may be shadowed. Cedar's validator proves some policies
 * impossible; this finds what it cannot prove, as evidence, not proof — the messages
 * say so, with the sample counts.
 *
 * Which permits a case satisfies is read from a permits-only view of the bundle: with no
 * forbid, Cedar allows whenever some permit is satisfied and names every satisfied
 * permit as determining. The full bundle then says whether a forbid overrode them.
 *
 * @module
 */
import { hashCanonical } from '../../../crypto/hash.ts';
import { planActions } from '../../action-plan.ts';
import type { CompiledBundle } from '../../compile-bundle.ts';
import { evaluateIntent } from '../../evaluate.ts';
import type { LintIssue } from '../artifacts.ts';
import type { CorpusCase } from '../corpus/corpus-case.ts';
import { lintIssue, policyLocation } from './lint-issue.ts';

interface PermitTally {
  /** Corpus cases of the action scopes the permit can apply to. */
  relevant: number;
  satisfied: number;
  overridden: number;
  forbids: Set<string>;
  actions: string[];
}

/**
 * The bundle with its forbids left out, under a hash of its own (evaluation caches its
 * preparation by hash; the view must never share the real bundle's).
 *
 * @example
 * ```ts
 * evaluateIntent(permitsOnly(bundle), input).reasons; // every permit the input satisfies
 * ```
 */
export function permitsOnly(bundle: CompiledBundle): CompiledBundle {
  const policies = new Map([...bundle.policies].filter(([, p]) => p.effect === 'permit'));
  return Object.freeze({
    ...bundle,
    policy_bundle_hash: hashCanonical({ view: 'writ.lint.permits-only', of: bundle.policy_bundle_hash }),
    policies,
  });
}

function tally(bundle: CompiledBundle, corpus: readonly CorpusCase[]): Map<string, PermitTally> {
  const tallies = new Map<string, PermitTally>();
  const casesPerAction = new Map<string, number>();
  for (const c of corpus) casesPerAction.set(c.intent.action_scope, (casesPerAction.get(c.intent.action_scope) ?? 0) + 1);
  for (const [action, plan] of planActions(bundle)) {
    for (const id of plan.policyIds) {
      if (bundle.policies.get(id)!.effect !== 'permit') continue;
      let t = tallies.get(id);
      if (!t) {
        t = { relevant: 0, satisfied: 0, overridden: 0, forbids: new Set(), actions: [] };
        tallies.set(id, t);
      }
      t.relevant += casesPerAction.get(action) ?? 0;
      t.actions.push(action);
    }
  }
  const view = permitsOnly(bundle);
  for (const c of corpus) {
    const input = { intent: c.intent, signals: c.signals, now: new Date(c.now) };
    const permitted = evaluateIntent(view, input);
    if (permitted.verdict === 'deny' || permitted.reasons.length === 0) continue;
    const full = evaluateIntent(bundle, input);
    const overridden = full.verdict === 'deny' && full.deny_code === 'POLICY_FORBID';
    for (const id of permitted.reasons) {
      const t = tallies.get(id);
      if (!t) continue;
      t.satisfied++;
      if (overridden) {
        t.overridden++;
        for (const f of full.reasons) t.forbids.add(f);
      }
    }
  }
  return tallies;
}

/**
 * `POLICY_NEVER_APPLIES_SAMPLED` and `POLICY_SHADOWED_BY_FORBID` warnings over `corpus`
 * (skipping the permits in `skip`, e.g. those Cedar already proved impossible), in
 * policy id order.
 *
 * @example
 * ```ts
 * sampledPermitIssues(bundle, generateDecisionCorpus([bundle]), new Set()).map((i) => i.code);
 * ```
 */
export function sampledPermitIssues(bundle: CompiledBundle, corpus: readonly CorpusCase[], skip: ReadonlySet<string>): LintIssue[] {
  const out: LintIssue[] = [];
  const tallies = tally(bundle, corpus);
  for (const id of [...tallies.keys()].sort()) {
    if (skip.has(id)) continue;
    const t = tallies.get(id)!;
    const p = bundle.policies.get(id)!;
    const at = { policy_id: id, location: policyLocation(bundle, p) };
    const scopes = t.actions.join(', ');
    if (t.relevant > 0 && t.satisfied === 0) {
      out.push(
        lintIssue(
          'POLICY_NEVER_APPLIES_SAMPLED',
          `sampled evidence, not proof: permit ${id} was satisfied by none of the ${t.relevant} generated cases of its action scopes (${scopes}); it may never apply`,
          at,
        ),
      );
    } else if (t.satisfied > 0 && t.overridden === t.satisfied) {
      out.push(
        lintIssue(
          'POLICY_SHADOWED_BY_FORBID',
          `sampled evidence, not proof: in all ${t.satisfied} of the ${t.relevant} generated cases where permit ${id} applies, a forbid overrides it (${[...t.forbids].sort().join(', ')}); it may be shadowed`,
          at,
        ),
      );
    }
  }
  return out;
}
