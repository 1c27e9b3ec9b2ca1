/**
 * Everything steps 3 and 7 of authorize_execution read, in one round trip: whether
 * the jti was used, the decision the token names, the live holds / incidents /
 * overrides, and the active bundle's hash. The steps then run in order over it in
 * memory (the gateway sits on every execution path; round trips dominate its cost).
 *
 * @module
 */
import { sql, type Kysely } from 'kysely';
import { isSha256Ref, type Sha256Ref } from '../../crypto/hash.ts';
import type { StoredDecision } from '../../engine/decisions/decision-store.ts';
import type { DecisionBody } from '../../engine/decisions/model.ts';
import type { Intent } from '../../policy/intent.ts';
import type { Database } from '../../store/schema.ts';

/** Scope of a signal row: targets and environment tiers (both empty: global). */
export interface SignalScope {
  targets: string[];
  environments: string[];
}

/**
 * The state one authorization is checked against.
 *
 * @example
 * ```ts
 * const state = await readGatewayState(store.db, { jti, decisionHash, now });
 * ```
 */
export interface GatewayState {
  replayed: boolean;
  decision: StoredDecision | null;
  holds: Array<{ scope_kind: 'target' | 'environment'; target: string }>;
  incidents: SignalScope[];
  /** Overrides in force at some point since the decision was made. */
  overrides: Array<SignalScope & { expires_at: Date }>;
  activeBundle: string | null;
}

const jsonOf = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const iso = (v: unknown): string => new Date(v as string).toISOString();

/**
 * Reads the gateway state for one token in a single statement.
 *
 * @example
 * ```ts
 * const s = await readGatewayState(store.db, { jti: claims.jti, decisionHash: claims.decision_hash, now: clock.now() });
 * if (s.replayed) deny('TOKEN_REPLAY', 'REPLAY');
 * ```
 */
export async function readGatewayState(db: Kysely<Database>, input: { jti: string; decisionHash: string; now: Date }): Promise<GatewayState> {
  const { rows } = await sql<{ replayed: boolean; decision: unknown; holds: unknown; incidents: unknown; overrides: unknown; active_bundle: string | null }>`
    with d as (
      select decision_id, decision_hash, body_jcs, intent_jcs, idempotency_key, status, status_changed_at, created_at
      from decisions where decision_hash = ${input.decisionHash}
    )
    select
      exists (select 1 from consumed_jtis where jti = ${input.jti}) as replayed,
      (select row_to_json(d) from d) as decision,
      (select coalesce(json_agg(json_build_object('scope_kind', scope_kind, 'target', target)), '[]'::json) from signal_holds where cleared_at is null) as holds,
      (select coalesce(json_agg(json_build_object('targets', targets, 'environments', environments)), '[]'::json) from signal_incidents where resolved_at is null) as incidents,
      (select coalesce(json_agg(json_build_object('targets', targets, 'environments', environments, 'expires_at', expires_at)), '[]'::json)
         from signal_overrides where granted_at <= ${input.now} and expires_at > coalesce((select created_at from d), ${input.now})) as overrides,
      (select policy_bundle_hash from policy_active) as active_bundle
  `.execute(db);
  const r = rows[0];
  if (!r) throw new Error('gateway state read returned no row');
  const d = jsonOf<{ decision_id: string; decision_hash: string; body_jcs: string; intent_jcs: string; idempotency_key: string | null; status: StoredDecision['decision']['status']; status_changed_at: string } | null>(r.decision);
  let decision: StoredDecision | null = null;
  if (d) {
    if (!isSha256Ref(d.decision_hash)) throw new Error('stored decision hash is malformed');
    const body = JSON.parse(d.body_jcs) as DecisionBody;
    decision = {
      decision: { ...body, decision_hash: d.decision_hash as Sha256Ref, status: d.status, status_changed_at: iso(d.status_changed_at) },
      intent: JSON.parse(d.intent_jcs) as Omit<Intent, 'idempotency_key'>,
      idempotency_key: d.idempotency_key,
    };
  }
  return {
    replayed: r.replayed === true,
    decision,
    holds: jsonOf(r.holds),
    incidents: jsonOf<SignalScope[]>(r.incidents),
    overrides: jsonOf<Array<SignalScope & { expires_at: string }>>(r.overrides).map((o) => ({ ...o, expires_at: new Date(o.expires_at) })),
    activeBundle: r.active_bundle,
  };
}
