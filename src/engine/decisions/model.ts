/**
 * The decision (DESIGN §3.2) as the engine keeps it, and the hashes that bind it:
 * `intent_digest`, `exec_identity_hash`, `decision_hash`. Pure: no clock, no store.
 *
 * @module
 */
import { hashCanonical, type Sha256Ref } from '../../crypto/hash.ts';
import type { DenyCode, Obligations, Verdict } from '../../policy/decision.ts';
import type { ExecutionIdentity, Intent } from '../../policy/intent.ts';

/**
 * Where a decision stands. `allowed`/`denied` are final at creation; `pending_approval`
 * moves to `approved` (quorum), `rejected` (a required group rejected) or `expired`;
 * `revoked` ends any of them.
 *
 * @example
 * ```ts
 * const s: DecisionStatus = 'pending_approval';
 * ```
 */
export type DecisionStatus = 'pending_approval' | 'approved' | 'rejected' | 'allowed' | 'denied' | 'expired' | 'revoked';

/**
 * What a decision obliges before a token is issued (DESIGN §3.2).
 *
 * @example
 * ```ts
 * const o: DecisionObligations = { approvals_required: 2, approver_groups: ['platform-security', 'release-management'], separation_of_duties: true, approval_ttl_s: 3600 };
 * ```
 */
export interface DecisionObligations {
  approvals_required: number;
  approver_groups: string[];
  /** The requester never approves their own request (always true; kept explicit on the wire). */
  separation_of_duties: boolean;
  /** Longest an approval may live (its `expires_at - issued_at`). */
  approval_ttl_s: number;
}

/**
 * The part of a decision `decision_hash` covers: everything that was decided, nothing
 * that moves afterwards (status lives outside).
 *
 * @example
 * ```ts
 * const hash = decisionHash(body);
 * ```
 */
export interface DecisionBody {
  decision_id: string;
  verdict: Verdict;
  deny_code: DenyCode | null;
  reasons: string[];
  obligations: DecisionObligations;
  risk: Obligations['risk'];
  break_glass: boolean;
  action_scope: string;
  intent_digest: string;
  exec_identity_hash: string;
  policy_bundle_hash: string;
  enforcement_epoch: number;
  /** ISO 8601, millisecond precision, UTC. */
  created_at: string;
  expires_at: string;
}

/**
 * A decision with its hash and current status.
 *
 * @example
 * ```ts
 * decision.status === 'approved' && decision.verdict === 'require_approval';
 * ```
 */
export interface Decision extends DecisionBody {
  decision_hash: Sha256Ref;
  status: DecisionStatus;
  status_changed_at: string;
}

/** Default approval lifetime bound when policy sets none (1 hour). */
export const DEFAULT_APPROVAL_TTL_S = 3600;
/** How long an undecided or unused decision lives (24 hours). */
export const DEFAULT_DECISION_TTL_S = 24 * 3600;

/**
 * `exec_identity_hash` = `sha256:` of JCS of {agent_id, pipeline_id, region, env_tier,
 * spiffe_id} (DESIGN §3.2); absent fields are null so every side hashes the same tuple.
 *
 * @example
 * ```ts
 * execIdentityHash({ pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'prod', spiffe_id: 'spiffe://acme.org/ci/deploy' });
 * ```
 */
export function execIdentityHash(id: ExecutionIdentity): Sha256Ref {
  return hashCanonical({
    agent_id: id.agent_id ?? null,
    pipeline_id: id.pipeline_id ?? null,
    region: id.region,
    env_tier: id.env_tier,
    spiffe_id: id.spiffe_id ?? null,
  });
}

/**
 * `intent_digest`: `sha256:` of JCS of the intent without `idempotency_key` (the key
 * names a submission, not what is asked).
 *
 * @example
 * ```ts
 * intentDigest(intent) === intentDigest({ ...intent, idempotency_key: 'other' }); // true
 * ```
 */
export function intentDigest(intent: Intent): Sha256Ref {
  return hashCanonical(canonicalIntent(intent));
}

/**
 * The intent as hashed and stored: `idempotency_key` dropped, optional members defaulted.
 *
 * @example
 * ```ts
 * canonicalIntent({ ...intent, idempotency_key: 'k' }).idempotency_key; // undefined
 * ```
 */
export function canonicalIntent(intent: Intent): Omit<Intent, 'idempotency_key'> {
  const { idempotency_key: _ignored, ...rest } = intent;
  void _ignored;
  return { ...rest, resource: { ...rest.resource, attrs: rest.resource.attrs ?? {} }, parameters: rest.parameters ?? {}, context: rest.context ?? {} };
}

/**
 * `decision_hash` = `sha256:` of JCS of the decision body.
 *
 * @example
 * ```ts
 * decisionHash(body); // 'sha256:…'
 * ```
 */
export function decisionHash(body: DecisionBody): Sha256Ref {
  return hashCanonical(body);
}

/**
 * Status a new decision starts in, from its verdict.
 *
 * @example
 * ```ts
 * initialStatus('require_approval'); // 'pending_approval'
 * ```
 */
export function initialStatus(verdict: Verdict): DecisionStatus {
  return verdict === 'allow' ? 'allowed' : verdict === 'deny' ? 'denied' : 'pending_approval';
}

/**
 * The status as of `now`: a pending or issuable decision past `expires_at` is `expired`.
 *
 * @example
 * ```ts
 * effectiveStatus(decision, clock.now());
 * ```
 */
export function effectiveStatus(d: Pick<Decision, 'status' | 'expires_at'>, now: Date): DecisionStatus {
  if ((d.status === 'pending_approval' || d.status === 'approved' || d.status === 'allowed') && now.getTime() >= Date.parse(d.expires_at)) return 'expired';
  return d.status;
}
