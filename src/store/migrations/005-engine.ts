import type { Migration } from '../migration.ts';

/**
 * The governance engine: decisions, approvals, attestation tokens, break-glass,
 * enforcement epochs, and the credentials of approvers and workloads.
 *
 * - `decisions`: one row per decision. Everything `decision_hash` covers is
 *   immutable (a trigger refuses changing it); only `status` and `status_changed_at`
 *   move, along the state machine the engine enforces. `idempotency_key` is unique.
 * - `approvals`: accepted approvals and rejections; one per approver per decision.
 * - `approval_nonces`: every approval nonce ever presented, accepted or not, so a
 *   nonce is never reused (the primary key makes the check atomic across replicas).
 * - `approver_keys`: public keys approvers sign approval JWS with, bound to the OIDC
 *   identity that registered them.
 * - `workload_credentials`: interim bearer credentials of workloads (until SPIFFE
 *   workload auth lands with the gateway); only a SHA-256 of the secret is stored.
 * - `issued_tokens`: jti, token hash and kid of every attestation token (never the token).
 * - `break_glass`: break-glass uses with their structured reason and review state.
 * - `enforcement_epochs`: epoch 1 starts active.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, MIGRATIONS);
 * ```
 */
export const engineMigration: Migration = {
  name: '005-engine',
  statements: [
    `create table enforcement_epochs (
       epoch integer primary key check (epoch >= 1),
       state text not null check (state in ('active', 'draining', 'deprecated')),
       changed_at timestamptz not null
     )`,
    `insert into enforcement_epochs (epoch, state, changed_at) values (1, 'active', now())`,
    `create table decisions (
       decision_id text primary key,
       decision_hash text not null unique check (decision_hash ~ '^sha256:[0-9a-f]{64}$'),
       body_jcs text not null,
       intent_jcs text not null,
       intent_digest text not null,
       idempotency_key text unique,
       action_scope text not null,
       principal_type text not null,
       principal_id text not null,
       resource_id text not null,
       exec_identity_hash text not null,
       spiffe_id text,
       agent_id text,
       pipeline_id text,
       verdict text not null check (verdict in ('allow', 'deny', 'require_approval')),
       approver_groups jsonb not null,
       approvals_required integer not null,
       policy_bundle_hash text not null,
       enforcement_epoch integer not null,
       break_glass boolean not null default false,
       status text not null check (status in ('pending_approval', 'approved', 'rejected', 'allowed', 'denied', 'expired', 'revoked')),
       created_at timestamptz not null,
       expires_at timestamptz not null,
       status_changed_at timestamptz not null
     )`,
    `create index decisions_pending on decisions (created_at) where status = 'pending_approval'`,
    `create function writ_decisions_body_immutable() returns trigger language plpgsql as $$
     begin
       if tg_op = 'DELETE' then
         raise exception 'decisions are never deleted' using errcode = 'WD001';
       end if;
       if new.decision_id is distinct from old.decision_id or new.decision_hash is distinct from old.decision_hash
          or new.body_jcs is distinct from old.body_jcs or new.intent_jcs is distinct from old.intent_jcs
          or new.verdict is distinct from old.verdict or new.policy_bundle_hash is distinct from old.policy_bundle_hash
          or new.exec_identity_hash is distinct from old.exec_identity_hash or new.created_at is distinct from old.created_at
          or new.expires_at is distinct from old.expires_at then
         raise exception 'a decision''s hashed body is immutable' using errcode = 'WD001';
       end if;
       return new;
     end
     $$`,
    `create trigger decisions_body_immutable before update or delete on decisions for each row execute function writ_decisions_body_immutable()`,
    `create table approvals (
       approval_id text primary key,
       decision_id text not null references decisions (decision_id),
       decision_hash text not null,
       approver_iss text not null,
       approver_sub text not null,
       approver_groups jsonb not null,
       verdict text not null check (verdict in ('approve', 'reject')),
       method text not null check (method in ('jws', 'oidc')),
       signature_ref text not null,
       nonce text not null,
       issued_at timestamptz not null,
       expires_at timestamptz not null,
       recorded_at timestamptz not null,
       unique (decision_id, approver_iss, approver_sub)
     )`,
    `create table approval_nonces (
       nonce text primary key,
       decision_id text not null,
       seen_at timestamptz not null
     )`,
    `create table approver_keys (
       kid text primary key,
       approver_iss text not null,
       approver_sub text not null,
       approver_groups jsonb not null,
       alg text not null,
       public_jwk jsonb not null,
       registered_at timestamptz not null,
       revoked_at timestamptz
     )`,
    `create table workload_credentials (
       credential_id text primary key,
       secret_hash text not null unique,
       spiffe_id text,
       agent_id text,
       pipeline_id text,
       created_at timestamptz not null,
       revoked_at timestamptz,
       check (spiffe_id is not null or agent_id is not null or pipeline_id is not null)
     )`,
    `create table issued_tokens (
       jti text primary key,
       decision_id text not null references decisions (decision_id),
       token_hash text not null,
       kid text not null,
       issued_at timestamptz not null,
       expires_at timestamptz not null
     )`,
    `create table break_glass (
       decision_id text primary key references decisions (decision_id),
       requested_by_iss text not null,
       requested_by_sub text not null,
       level text not null check (level in ('L4', 'L5')),
       reason_category text not null,
       reason_summary text not null,
       incident_ref text,
       ttl_seconds integer not null,
       used_at timestamptz not null,
       review_due_at timestamptz not null,
       reviewed_at timestamptz,
       reviewed_by text,
       review_outcome text,
       review_notes text
     )`,
    `create index break_glass_unreviewed on break_glass (review_due_at) where reviewed_at is null`,
  ],
};
