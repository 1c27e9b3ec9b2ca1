/**
 * `POST /v1/decisions/{id}/approvals`: verify an approval (approver-key JWS or OIDC
 * ID token), enforce the rules of DESIGN §3.3, count it toward the quorum, and move
 * the decision to `approved` or `rejected` when it decides it.
 *
 * Order of work:
 * 1. the decision must exist (404 otherwise, nothing recorded);
 * 2. the presentation is authenticated (JWS signature by a registered approver key,
 *    or the ID token verified with the binding nonce) — outside any transaction,
 *    since an IdP's keys may have to be fetched;
 * 3. the presented nonce is burnt in a committed write of its own, so even a refused
 *    attempt uses it up (single use across all decisions);
 * 4. one transaction locks the decision row (`FOR UPDATE`: approvals of one decision
 *    are serialised), decides a refusal before changing anything, and then writes
 *    either an `approval.refused` entry alone, or the approval row, the status change
 *    and the `approval.recorded` entry together;
 * 5. the entries are awaited in the ledger before answering.
 *
 * Refusals are `WritError('APPROVAL_REFUSED')` (HTTP 403) with an
 * {@link ApprovalRefusal} reason, ledgered with `sha256:` references only.
 *
 * @module
 */
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { WritError, isWritError } from '../../errors/writ-error.ts';
import type { VerifiedIdToken } from '../../identity/oidc/verifier.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { isUniqueViolation } from '../../store/pg-errors.ts';
import { getDecision, transitionStatus, type StoredDecision } from '../decisions/decision-store.ts';
import { effectiveStatus, type DecisionStatus } from '../decisions/model.ts';
import { awaitLedger, type LedgerReceipt } from '../decisions/record-decision.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { burnNonce, insertApproval, listApprovals, type ApprovalRecord } from './approval-store.ts';
import { getApproverKey } from './approver-keys.ts';
import {
  APPROVAL_JWS_ALGORITHMS,
  APPROVAL_JWS_TYP,
  MAX_APPROVAL_PROOF_LENGTH,
  approvalBindingNonce,
  isApprovalNonce,
  isSelfApproval,
  lifetimeOk,
  parseApprovalClaims,
  refusalForIdentityReason,
  textRef,
  type ApprovalMethod,
  type ApprovalRefusal,
  type ApprovalVerdict,
} from './model.ts';
import { quorumReached, requiredGroupsOf, type QuorumMember } from './quorum.ts';

/** What verifies ID tokens (the server's `OidcVerifier`). */
export interface IdTokenVerifier {
  verify(idToken: string, options?: { expectedNonce?: string }): Promise<VerifiedIdToken>;
}

/** An approval as presented. */
export type ApprovalPresentation =
  | { method: 'jws'; jws: string }
  | { method: 'oidc'; id_token: string; nonce: string; verdict: ApprovalVerdict; decision_hash: string };

/** An accepted approval and where the decision now stands. */
export interface ApprovalOutcome {
  approval: ApprovalRecord;
  decision_status: DecisionStatus;
  approvals_counted: number;
  approvals_required: number;
  ledger: LedgerReceipt;
}

/** Who approves, as authenticated by the presentation. */
interface Approver {
  iss: string;
  sub: string;
  /** More names the requester might be known by (email, preferred_username). */
  names: (string | null)[];
  groups: string[];
}

/** A presentation after authentication: what was presented, and who (or why not). */
interface Presented {
  method: ApprovalMethod;
  /** The raw nonce, when one could be read (burnt even if the rest fails). */
  nonce: string | null;
  /** The presented decision hash, when well-formed. */
  presentedHash: string | null;
  failure?: ApprovalRefusal;
  /** Who signed, once the signature or ID token verified (ledgered with a refusal too). */
  who?: Approver;
  /** Present exactly when the approval verified and parsed. */
  approved?: {
    approver: Approver;
    verdict: ApprovalVerdict;
    signatureRef: string;
    /** JWS only: the signed binding members. */
    binding?: { decision_id: string; intent_digest: string; issued_at: number; expires_at: number };
    /** OIDC only: the ID token's `exp` (epoch seconds). */
    idTokenExp?: number;
  };
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const REF = /^sha256:[0-9a-f]{64}$/;

function unverifiedPayload(jws: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function presentJws(deps: EngineDeps, jws: string): Promise<Presented> {
  const base: Presented = { method: 'jws', nonce: null, presentedHash: null };
  if (typeof jws !== 'string' || jws.length > MAX_APPROVAL_PROOF_LENGTH || !COMPACT_JWS.test(jws)) return { ...base, failure: 'MALFORMED_APPROVAL' };
  // Read the nonce and hash before verifying: the nonce is burnt whatever happens next.
  const unverified = unverifiedPayload(jws);
  if (unverified) {
    if (isApprovalNonce(unverified.nonce)) base.nonce = unverified.nonce;
    if (typeof unverified.decision_hash === 'string' && REF.test(unverified.decision_hash)) base.presentedHash = unverified.decision_hash;
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return { ...base, failure: 'MALFORMED_APPROVAL' };
  }
  if (typeof header.alg !== 'string' || !APPROVAL_JWS_ALGORITHMS.includes(header.alg)) return { ...base, failure: 'ALG_NOT_ALLOWED' };
  if (header.typ !== undefined && header.typ !== APPROVAL_JWS_TYP) return { ...base, failure: 'MALFORMED_APPROVAL' };
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 160) return { ...base, failure: 'UNKNOWN_APPROVER_KEY' };
  const key = await getApproverKey(deps.store.db, header.kid);
  if (!key || key.revoked_at !== null) return { ...base, failure: 'UNKNOWN_APPROVER_KEY' };
  if (key.alg !== header.alg) return { ...base, failure: 'SIGNATURE_INVALID' };
  let payload: Uint8Array;
  try {
    const publicKey = await importJWK(key.public_jwk, key.alg);
    ({ payload } = await compactVerify(jws, publicKey, { algorithms: [key.alg] }));
  } catch {
    return { ...base, failure: 'SIGNATURE_INVALID' };
  }
  const approver: Approver = { iss: key.approver.iss, sub: key.approver.sub, names: [], groups: key.approver_groups };
  let claims: ReturnType<typeof parseApprovalClaims> = null;
  try {
    claims = parseApprovalClaims(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)));
  } catch {
    claims = null;
  }
  const signatureRef = textRef(jws);
  if (!claims) return { ...base, failure: 'MALFORMED_APPROVAL', who: approver };
  return {
    method: 'jws',
    nonce: claims.nonce,
    presentedHash: claims.decision_hash,
    who: approver,
    approved: {
      approver,
      verdict: claims.verdict,
      signatureRef,
      binding: { decision_id: claims.decision_id, intent_digest: claims.intent_digest, issued_at: claims.issued_at, expires_at: claims.expires_at },
    },
  };
}

async function presentOidc(verifier: IdTokenVerifier | undefined, p: Extract<ApprovalPresentation, { method: 'oidc' }>): Promise<Presented> {
  const base: Presented = {
    method: 'oidc',
    nonce: isApprovalNonce(p.nonce) ? p.nonce : null,
    presentedHash: typeof p.decision_hash === 'string' && REF.test(p.decision_hash) ? p.decision_hash : null,
  };
  if (base.nonce === null || base.presentedHash === null || (p.verdict !== 'approve' && p.verdict !== 'reject')) return { ...base, failure: 'MALFORMED_APPROVAL' };
  if (!verifier) return { ...base, failure: 'UNTRUSTED_ISSUER' };
  let verified: VerifiedIdToken;
  try {
    verified = await verifier.verify(p.id_token, { expectedNonce: approvalBindingNonce(base.presentedHash, base.nonce) });
  } catch (err) {
    if (isWritError(err, 'IDENTITY_INVALID')) return { ...base, failure: refusalForIdentityReason(err.reason) };
    throw err; // IDENTITY_UNAVAILABLE and anything unexpected: fail closed, not a refusal by the approver.
  }
  const { identity, claims } = verified;
  const preferred = typeof claims.preferred_username === 'string' ? claims.preferred_username : null;
  const approver: Approver = { iss: identity.iss, sub: identity.sub, names: [identity.email, preferred], groups: identity.groups };
  return {
    ...base,
    who: approver,
    approved: {
      approver,
      verdict: p.verdict,
      signatureRef: verified.token_hash,
      idTokenExp: typeof claims.exp === 'number' ? claims.exp : 0,
    },
  };
}

/** The lifetime of an authenticated approval, given the decision's TTL bound. */
function lifetimeOf(a: NonNullable<Presented['approved']>, now: Date, ttlSeconds: number): { issuedAt: Date; expiresAt: Date } {
  if (a.binding) return { issuedAt: new Date(a.binding.issued_at * 1000), expiresAt: new Date(a.binding.expires_at * 1000) };
  const cap = now.getTime() + ttlSeconds * 1000;
  return { issuedAt: now, expiresAt: new Date(Math.min((a.idTokenExp ?? 0) * 1000, cap)) };
}

/** Approving approvals that still count at `now`, as quorum members. */
function quorumMembers(approvals: readonly ApprovalRecord[], now: Date): QuorumMember[] {
  return approvals
    .filter((a) => a.verdict === 'approve' && Date.parse(a.expires_at) > now.getTime())
    .map((a) => ({ key: `${a.approver.iss}#${a.approver.sub}`, groups: a.approver_groups }));
}

/**
 * How many distinct, unexpired approving approvers count toward a decision's quorum
 * at `now`, and whether they reach it.
 *
 * @example
 * ```ts
 * const { counted, reached } = quorumOf(stored.decision, approvals, clock.now());
 * ```
 */
export function quorumOf(
  decision: Pick<StoredDecision['decision'], 'obligations'>,
  approvals: readonly ApprovalRecord[],
  now: Date,
): { counted: number; reached: boolean } {
  const members = quorumMembers(approvals, now);
  const groups = decision.obligations.approver_groups;
  const counted = new Set(members.filter((m) => requiredGroupsOf(m.groups, groups).length > 0).map((m) => m.key)).size;
  return { counted, reached: quorumReached(members, decision.obligations.approvals_required, groups) };
}

/** The first rule an authenticated approval breaks, or undefined. */
function ruleRefusal(
  stored: StoredDecision,
  presented: Presented,
  fresh: boolean,
  existing: readonly ApprovalRecord[],
  now: Date,
): ApprovalRefusal | undefined {
  if (presented.failure) return presented.failure;
  const a = presented.approved;
  if (!a) return 'MALFORMED_APPROVAL';
  const d = stored.decision;
  if (!fresh) return 'NONCE_REPLAYED';
  if (a.binding && (a.binding.decision_id !== d.decision_id || a.binding.intent_digest !== d.intent_digest)) return 'BINDING_MISMATCH';
  if (presented.presentedHash !== d.decision_hash) return 'STALE_DECISION_HASH';
  if (!lifetimeOk(lifetimeOf(a, now, d.obligations.approval_ttl_s), now, d.obligations.approval_ttl_s)) return 'APPROVAL_EXPIRED';
  if (effectiveStatus(d, now) !== 'pending_approval' || d.verdict !== 'require_approval') return 'DECISION_NOT_PENDING';
  if (isSelfApproval(stored.intent.principal.id, a.approver)) return 'SELF_APPROVAL';
  if (requiredGroupsOf(a.approver.groups, d.obligations.approver_groups).length === 0) return 'NOT_IN_REQUIRED_GROUP';
  if (existing.some((x) => x.approver.iss === a.approver.iss && x.approver.sub === a.approver.sub)) return 'DUPLICATE_APPROVER';
  return undefined;
}

function refusedEntry(decisionId: string, presented: Presented, reason: ApprovalRefusal) {
  const who = presented.who;
  return {
    stream_id: decisionId,
    entry_type: 'approval.refused',
    payload: {
      decision_id: decisionId,
      reason,
      method: presented.method,
      approver: who ? { iss: who.iss, sub: who.sub } : null,
      presented_decision_hash: presented.presentedHash,
      nonce_ref: presented.nonce === null ? null : textRef(presented.nonce),
    },
  };
}

const refused = (reason: ApprovalRefusal) => new WritError('APPROVAL_REFUSED', 'approval refused', { reason });

/**
 * Verifies, checks and records one approval or rejection.
 *
 * @throws {WritError} `NOT_FOUND` for an unknown decision; `APPROVAL_REFUSED` (403)
 *   with an {@link ApprovalRefusal} reason, after ledgering `approval.refused`;
 *   `IDENTITY_UNAVAILABLE` (503) when the IdP's keys cannot be obtained;
 *   `LEDGER_COMMIT_TIMEOUT` when the ledger did not integrate in time.
 *
 * @example
 * ```ts
 * const out = await submitApproval(engine, deps.oidc, 'dec_…', { method: 'oidc', id_token, nonce, verdict: 'approve', decision_hash });
 * out.decision_status; // 'pending_approval' | 'approved' | 'rejected'
 * ```
 */
export async function submitApproval(
  deps: EngineDeps,
  verifier: IdTokenVerifier | undefined,
  decisionId: string,
  presentation: ApprovalPresentation,
): Promise<ApprovalOutcome> {
  ensureEngineEntryTypes();
  if (!(await getDecision(deps.store.db, decisionId))) throw new WritError('NOT_FOUND', 'no such decision');
  const presented = presentation.method === 'jws' ? await presentJws(deps, presentation.jws) : await presentOidc(verifier, presentation);
  const fresh = presented.nonce === null ? true : await burnNonce(deps.store.db, textRef(presented.nonce), decisionId, deps.clock.now());

  const refuse = async (reason: ApprovalRefusal): Promise<never> => {
    const ids = await deps.store.transaction(async (trx) => {
      await getDecision(trx, decisionId, { forUpdate: true });
      return enqueueInTransaction(trx, [refusedEntry(decisionId, presented, reason)]);
    });
    await awaitLedger(deps, ids);
    throw refused(reason);
  };

  let outcome: { refusal: ApprovalRefusal; ids: number[] } | { result: Omit<ApprovalOutcome, 'ledger'>; ids: number[] };
  try {
    outcome = await deps.store.transaction(async (trx) => {
      const stored = await getDecision(trx, decisionId, { forUpdate: true });
      if (!stored) throw new WritError('NOT_FOUND', 'no such decision');
      const d = stored.decision;
      const now = deps.clock.now();
      const existing = await listApprovals(trx, decisionId);
      const refusal = ruleRefusal(stored, presented, fresh, existing, now);
      const a = presented.approved;
      if (refusal || !a) {
        const reason = refusal ?? 'MALFORMED_APPROVAL';
        return { refusal: reason, ids: await enqueueInTransaction(trx, [refusedEntry(decisionId, presented, reason)]) };
      }
      // Every rule passed: from here on, state changes.
      const lifetime = lifetimeOf(a, now, d.obligations.approval_ttl_s);
      const record: ApprovalRecord = {
        approval_id: deps.ids.newId('apr'),
        decision_id: decisionId,
        decision_hash: d.decision_hash,
        approver: { iss: a.approver.iss, sub: a.approver.sub },
        approver_groups: requiredGroupsOf(a.approver.groups, d.obligations.approver_groups),
        verdict: a.verdict,
        method: presented.method,
        signature_ref: a.signatureRef,
        nonce_ref: textRef(presented.nonce as string),
        issued_at: lifetime.issuedAt.toISOString(),
        expires_at: lifetime.expiresAt.toISOString(),
        recorded_at: now.toISOString(),
      };
      await insertApproval(trx, record);
      const quorum = quorumOf(d, [...existing, record], now);
      let status: DecisionStatus = 'pending_approval';
      if (a.verdict === 'reject') status = 'rejected';
      else if (quorum.reached) status = 'approved';
      if (status !== 'pending_approval' && !(await transitionStatus(trx, decisionId, 'pending_approval', status, now))) {
        // Cannot happen under the row lock; refuse rather than record a count that changed nothing.
        throw new WritError('INTERNAL', 'decision status moved under its row lock');
      }
      const ids = await enqueueInTransaction(trx, [
        {
          stream_id: decisionId,
          entry_type: 'approval.recorded',
          payload: {
            decision_id: decisionId,
            decision_hash: d.decision_hash,
            approval_id: record.approval_id,
            approver: record.approver,
            approver_groups: record.approver_groups,
            verdict: record.verdict,
            method: record.method,
            signature_ref: record.signature_ref,
            nonce_ref: record.nonce_ref,
            issued_at: record.issued_at,
            expires_at: record.expires_at,
            approvals_counted: quorum.counted,
            status_after: status,
          },
        },
      ]);
      return {
        result: { approval: record, decision_status: status, approvals_counted: quorum.counted, approvals_required: d.obligations.approvals_required },
        ids,
      };
    });
  } catch (err) {
    // Backstop for the (decision, iss, sub) unique key: the row lock makes this unreachable in practice.
    if (isUniqueViolation(err)) return refuse('DUPLICATE_APPROVER');
    throw err;
  }
  const ledger = await awaitLedger(deps, outcome.ids);
  if ('refusal' in outcome) throw refused(outcome.refusal);
  return { ...outcome.result, ledger };
}
