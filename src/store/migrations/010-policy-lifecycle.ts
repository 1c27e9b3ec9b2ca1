import type { Migration } from '../migration.ts';

/**
 * The governed policy lifecycle (issue 6): activation history, shadow runs and their
 * divergences, and the evidence documents an activation request carries.
 *
 * - `policy_activation_history`: one row per change of the active bundle, append-only
 *   (seeded with the bundle active when the migration runs). A bundle's activation
 *   window ends where the next row begins; the rollback plan reads it.
 * - `policy_shadows`: a candidate bundle evaluated beside the active one without
 *   enforcing. At most one runs at a time (partial unique index). A run is stopped
 *   once (`stopped_at` set, guarded by a trigger); rows are never deleted.
 * - `policy_shadow_divergences`: one row per live decision on which the candidate
 *   would have decided differently, with both outcomes and a severity; an explanation
 *   may be attached once. Unique per (shadow, decision).
 * - `policy_evidence`: immutable, hash-addressed evidence documents (JCS text whose
 *   SHA-256 is `evidence_hash`); `policy_activation_evidence` binds them to a
 *   `policy.activate` decision by kind.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, [...MIGRATIONS, policyLifecycleMigration]);
 * ```
 */
export const policyLifecycleMigration: Migration = {
  name: '010-policy-lifecycle',
  statements: [
    `create table policy_activation_history (
       seq bigint generated always as identity primary key,
       policy_bundle_hash text not null references policy_bundles (policy_bundle_hash),
       previous_policy_bundle_hash text,
       decision_id text,
       activated_at timestamptz not null
     )`,
    `insert into policy_activation_history (policy_bundle_hash, activated_at) select policy_bundle_hash, activated_at from policy_active`,
    `create table policy_shadows (
       shadow_id text primary key,
       candidate_policy_bundle_hash text not null references policy_bundles (policy_bundle_hash),
       active_policy_bundle_hash text not null,
       started_at timestamptz not null,
       started_by text not null check (length(started_by) between 1 and 300),
       min_observation_hours double precision not null check (min_observation_hours >= 0),
       dry_run_failed_count integer not null check (dry_run_failed_count >= 0),
       stopped_at timestamptz,
       stopped_by text,
       stop_reason text,
       check ((stopped_at is null) = (stopped_by is null))
     )`,
    `create unique index policy_shadows_one_running on policy_shadows ((true)) where stopped_at is null`,
    `create index policy_shadows_by_candidate on policy_shadows (candidate_policy_bundle_hash, started_at)`,
    `create table policy_shadow_divergences (
       divergence_id text primary key,
       shadow_id text not null references policy_shadows (shadow_id),
       decision_id text not null,
       observed_at timestamptz not null,
       action_scope text not null,
       resource_id text not null,
       severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
       active_outcome jsonb not null check (jsonb_typeof(active_outcome) = 'object'),
       candidate_outcome jsonb not null check (jsonb_typeof(candidate_outcome) = 'object'),
       explained_at timestamptz,
       explained_by text,
       explanation text,
       check ((explained_at is null) = (explained_by is null) and (explained_at is null) = (explanation is null)),
       unique (shadow_id, decision_id)
     )`,
    `create table policy_evidence (
       evidence_hash text primary key check (evidence_hash ~ '^sha256:[0-9a-f]{64}$'),
       kind text not null,
       document_jcs text not null,
       stored_at timestamptz not null
     )`,
    `create table policy_activation_evidence (
       decision_id text not null,
       kind text not null,
       evidence_hash text not null references policy_evidence (evidence_hash),
       primary key (decision_id, kind)
     )`,
    `create function writ_policy_lifecycle_guard() returns trigger language plpgsql as $$
     begin
       if tg_op = 'DELETE' or tg_op = 'TRUNCATE'
         or tg_table_name in ('policy_activation_history', 'policy_evidence', 'policy_activation_evidence') then
         raise exception 'policy lifecycle records are append-only: % on % refused', tg_op, tg_table_name using errcode = 'WP002';
       end if;
       if tg_table_name = 'policy_shadows' then
         if old.stopped_at is not null or new.shadow_id <> old.shadow_id
           or new.candidate_policy_bundle_hash <> old.candidate_policy_bundle_hash or new.active_policy_bundle_hash <> old.active_policy_bundle_hash
           or new.started_at <> old.started_at or new.started_by <> old.started_by
           or new.min_observation_hours <> old.min_observation_hours or new.dry_run_failed_count <> old.dry_run_failed_count then
           raise exception 'shadow run % may only be stopped once', old.shadow_id using errcode = 'WP002';
         end if;
       end if;
       if tg_table_name = 'policy_shadow_divergences' then
         if old.explained_at is not null or new.divergence_id <> old.divergence_id or new.shadow_id <> old.shadow_id
           or new.decision_id <> old.decision_id or new.observed_at <> old.observed_at or new.severity <> old.severity
           or new.active_outcome <> old.active_outcome or new.candidate_outcome <> old.candidate_outcome then
           raise exception 'divergence % may only be explained once', old.divergence_id using errcode = 'WP002';
         end if;
       end if;
       return new;
     end
     $$`,
    ...['policy_activation_history', 'policy_shadows', 'policy_shadow_divergences', 'policy_evidence', 'policy_activation_evidence'].flatMap((t) => [
      `create trigger ${t}_guard before update or delete on ${t} for each row execute function writ_policy_lifecycle_guard()`,
      `create trigger ${t}_no_truncate before truncate on ${t} for each statement execute function writ_policy_lifecycle_guard()`,
    ]),
  ],
};
