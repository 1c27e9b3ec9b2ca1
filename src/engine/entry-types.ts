import { Type } from 'typebox';
import type { EntryTypeSpec } from '../ledger/entries/entry-types.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,160}$' });
const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Name = Type.String({ minLength: 1, maxLength: 256 });
const Names = Type.Array(Name, { maxItems: 64 });
const ShortText = Type.String({ minLength: 1, maxLength: 500 });
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$' });
const Scope = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 128 });
const Human = Type.Object({ iss: Name, sub: Name }, { additionalProperties: false });
const Verdict = Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('require_approval')]);
const Status = Type.Union(['pending_approval', 'approved', 'rejected', 'allowed', 'denied', 'expired', 'revoked'].map((s) => Type.Literal(s)));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false });

/**
 * Ledger entry types of the governance engine, with allowlisted payloads: ids,
 * hashes, identities (issuer + subject), reason codes. Never a token, a signature or
 * a secret: tokens and signatures appear only as `sha256:` references. Registered with
 * the ledger when the engine's store module is loaded.
 *
 * A decision's stream (`stream_id` = decision id) chains `intent.received` →
 * `decision.recorded` → `approval.*` → `token.issued`.
 *
 * @example
 * ```ts
 * registerEntryTypes(ENGINE_ENTRY_TYPES);
 * ```
 */
export const ENGINE_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'intent.received': {
    description: 'an intent was submitted (digest and correlation fields; the intent itself stays in the store)',
    schema: obj({
      decision_id: Id,
      intent_digest: Ref,
      action_scope: Scope,
      principal: obj({ type: Name, id: Name }),
      resource_id: Name,
      exec_identity_hash: Ref,
      submitted_by: ShortText,
    }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'decision.recorded': {
    description: 'policy decided an intent; the payload is the hashed decision body plus its hash and status',
    schema: obj({
      decision_id: Id,
      decision_hash: Ref,
      verdict: Verdict,
      deny_code: Nullable(Name),
      reasons: Names,
      obligations: obj({
        approvals_required: Type.Integer({ minimum: 0 }),
        approver_groups: Names,
        separation_of_duties: Type.Boolean(),
        approval_ttl_s: Type.Integer({ minimum: 1 }),
      }),
      risk: Nullable(Name),
      break_glass: Type.Boolean(),
      action_scope: Scope,
      intent_digest: Ref,
      exec_identity_hash: Ref,
      policy_bundle_hash: Ref,
      enforcement_epoch: Type.Integer({ minimum: 1 }),
      created_at: Instant,
      expires_at: Instant,
      status: Status,
    }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'approval.recorded': {
    description: 'an approval or rejection was accepted and counted; status_after is the decision status it led to',
    schema: obj({
      decision_id: Id,
      decision_hash: Ref,
      approval_id: Id,
      approver: Human,
      approver_groups: Names,
      verdict: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
      method: Type.Union([Type.Literal('jws'), Type.Literal('oidc')]),
      signature_ref: Ref,
      nonce_ref: Ref,
      issued_at: Instant,
      expires_at: Instant,
      approvals_counted: Type.Integer({ minimum: 0 }),
      status_after: Status,
    }),
    opaqueIdPaths: ['$.decision_id', '$.approval_id', '$.approver.sub'],
  },
  'approval.refused': {
    description: 'an approval was refused; reason is a stable code',
    schema: obj({
      decision_id: Id,
      reason: Name,
      method: Nullable(Name),
      approver: Nullable(Human),
      presented_decision_hash: Nullable(Ref),
      nonce_ref: Nullable(Ref),
    }),
    opaqueIdPaths: ['$.decision_id', '$.approver.sub'],
  },
  'decision.status_changed': {
    description: 'a decision changed status outside an approval (expiry, revocation)',
    schema: obj({ decision_id: Id, decision_hash: Ref, from: Status, to: Status, reason: Name, actor: ShortText }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'token.issued': {
    description: 'an attestation token was issued (jti and a hash of the token, never the token)',
    schema: obj({
      decision_id: Id,
      decision_hash: Ref,
      jti: Id,
      token_hash: Ref,
      kid: Id,
      action_scope: Scope,
      exec_identity_hash: Ref,
      enforcement_epoch: Type.Integer({ minimum: 1 }),
      issued_at: Type.Integer({ minimum: 1 }),
      exp: Type.Integer({ minimum: 1 }),
    }),
    opaqueIdPaths: ['$.decision_id', '$.jti', '$.kid'],
  },
  'token.refused': {
    description: 'a token request was refused; reason is a stable code',
    schema: obj({ decision_id: Id, reason: Name, requested_by: ShortText }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'break_glass.used': {
    description: 'an L4/L5 officer used break-glass: approvals skipped, gateway checks and ledger kept',
    schema: obj({
      decision_id: Id,
      level: Type.Union([Type.Literal('L4'), Type.Literal('L5')]),
      requested_by: Human,
      reason_category: Name,
      reason_summary: ShortText,
      incident_ref: Nullable(Name),
      ttl_seconds: Type.Integer({ minimum: 1 }),
      target: Name,
      action_class: Scope,
      review_due_at: Instant,
    }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'break_glass.reviewed': {
    description: 'the mandatory post-incident review of a break-glass use was recorded',
    schema: obj({ decision_id: Id, reviewed_by: Human, outcome: Name, notes: ShortText, overdue: Type.Boolean() }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'policy.activated': {
    description: 'the active policy bundle changed: through an approved policy.activate decision, or (decision null) the default bundle at first start',
    schema: obj({ policy_bundle_hash: Ref, previous_policy_bundle_hash: Nullable(Ref), decision_id: Nullable(Id), decision_hash: Nullable(Ref), actor: ShortText }),
    opaqueIdPaths: ['$.decision_id'],
  },
  'policy.bundle_stored': {
    description: 'a policy bundle was stored (immutable, hash-addressed)',
    schema: obj({ policy_bundle_hash: Ref, bundle_id: Name, version: Name, actor: ShortText }),
  },
  'approver_key.registered': {
    description: 'an approver registered a public key for approval JWS',
    schema: obj({ kid: Id, approver: Human, approver_groups: Names, alg: Name }),
    opaqueIdPaths: ['$.kid', '$.approver.sub'],
  },
  'workload_credential.issued': {
    description: 'an interim workload credential was issued (the secret is never recorded)',
    schema: obj({ credential_id: Id, spiffe_id: Nullable(Name), agent_id: Nullable(Name), pipeline_id: Nullable(Name), actor: ShortText }),
    opaqueIdPaths: ['$.credential_id'],
  },
};
