import { Type } from 'typebox';
import type { EntryTypeSpec } from '../../ledger/entries/entry-types.ts';
import { registerEntryTypes } from '../../ledger/entries/entry-types.ts';
import { EVIDENCE_KINDS } from './evidence/evidence-kinds.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,160}$' });
const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Name = Type.String({ minLength: 1, maxLength: 256 });
const Names = Type.Array(Name, { maxItems: 64 });
const ShortText = Type.String({ minLength: 1, maxLength: 500 });
const Severity = Type.Union(['low', 'medium', 'high', 'critical'].map((s) => Type.Literal(s)));
const Verdict = Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('require_approval')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false });
const Outcome = obj({
  verdict: Verdict,
  deny_code: Nullable(Name),
  approvals_required: Type.Integer({ minimum: 0 }),
  approver_groups: Names,
  break_glass_allowed: Type.Boolean(),
  risk: Nullable(Name),
});

/**
 * Ledger entry types of the policy lifecycle. Payloads carry ids, hashes, verdicts and
 * severities; free text (a stop reason, a divergence explanation) enters only as its
 * `sha256:` digest, so nothing a person typed lands in the ledger.
 *
 * Streams: a shadow run's entries share the stream `<shadow_id>`; activation evidence
 * joins the `policy.activate` decision's stream.
 *
 * @example
 * ```ts
 * ensureLifecycleEntryTypes();
 * ```
 */
export const LIFECYCLE_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'policy.shadow_started': {
    description: 'a stored candidate bundle started being evaluated beside the active one, without enforcing',
    schema: obj({
      shadow_id: Id,
      candidate_policy_bundle_hash: Ref,
      active_policy_bundle_hash: Ref,
      min_observation_hours: Type.Number({ minimum: 0 }),
      dry_run_failed_count: Type.Integer({ minimum: 0 }),
      actor: ShortText,
    }),
    opaqueIdPaths: ['$.shadow_id'],
  },
  'policy.shadow_divergence': {
    description: 'on a live decision the shadow candidate would have decided differently (both outcomes, the severity)',
    schema: obj({
      shadow_id: Id,
      divergence_id: Id,
      decision_id: Id,
      action_scope: Name,
      severity: Severity,
      changed: Names,
      active: Outcome,
      candidate: Outcome,
    }),
    opaqueIdPaths: ['$.shadow_id', '$.divergence_id', '$.decision_id'],
  },
  'policy.divergence_explained': {
    description: 'a reviewer explained a shadow divergence (the text stays in the store; its digest is here)',
    schema: obj({ shadow_id: Id, divergence_id: Id, severity: Severity, explanation_digest: Ref, actor: ShortText }),
    opaqueIdPaths: ['$.shadow_id', '$.divergence_id'],
  },
  'policy.shadow_stopped': {
    description: 'a shadow run stopped (by a person, or because its candidate was activated)',
    schema: obj({
      shadow_id: Id,
      candidate_policy_bundle_hash: Ref,
      intents_observed: Type.Integer({ minimum: 0 }),
      divergences: Type.Integer({ minimum: 0 }),
      reason_digest: Nullable(Ref),
      actor: ShortText,
    }),
    opaqueIdPaths: ['$.shadow_id'],
  },
  'policy.activation_evidence': {
    description: 'the evidence a policy.activate request carries (lint, manifest, diff, dry run, shadow summary, rollback plan), by digest',
    schema: obj({
      decision_id: Id,
      policy_bundle_hash: Ref,
      evidence: obj(Object.fromEntries(EVIDENCE_KINDS.map((k) => [k, Type.Optional(Ref)]))),
    }),
    opaqueIdPaths: ['$.decision_id'],
  },
};

let registered = false;

/**
 * Adds the lifecycle entry types to the ledger's registry (once).
 *
 * @example
 * ```ts
 * ensureLifecycleEntryTypes();
 * ```
 */
export function ensureLifecycleEntryTypes(): void {
  if (registered) return;
  registerEntryTypes(LIFECYCLE_ENTRY_TYPES);
  registered = true;
}
