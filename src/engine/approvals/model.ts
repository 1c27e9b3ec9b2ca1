/**
 * Approvals (DESIGN §3.3), the pure part: refusal codes, the OIDC binding nonce,
 * `sha256:` references, the approval JWS claims, lifetime rules and separation of
 * duties. No clock, no store: callers pass `now`.
 *
 * @module
 */
import { hashCanonical, sha256Hex, type Sha256Ref } from '../../crypto/hash.ts';

/** An approver's answer. */
export type ApprovalVerdict = 'approve' | 'reject';

/** How an approval is signed: an approver-key JWS, or an IdP-signed OIDC ID token. */
export type ApprovalMethod = 'jws' | 'oidc';

/**
 * Why an approval was refused: the `reason` of HTTP 403 `APPROVAL_REFUSED` and of
 * the `approval.refused` ledger entry. Stable.
 *
 * Presentation (method `jws`): `MALFORMED_APPROVAL` (not a compact JWS, a `typ`
 * other than `writ-approval+jwt`, or claims that are not exactly the approval
 * claims), `ALG_NOT_ALLOWED` (not EdDSA/ES256), `UNKNOWN_APPROVER_KEY` (no such kid,
 * or revoked), `SIGNATURE_INVALID`.
 *
 * Presentation (method `oidc`): the verifier's `IDENTITY_INVALID` reason, kept as is
 * (`UNTRUSTED_ISSUER`, `AUDIENCE_MISMATCH`, `NONCE_MISMATCH`, `ALG_NOT_ALLOWED`,
 * `KID_UNKNOWN`, `MISSING_CLAIM`) except four renamed so they cannot be confused
 * with approval reasons: `EXPIRED` → `ID_TOKEN_EXPIRED`, `NOT_YET_VALID` →
 * `ID_TOKEN_NOT_YET_VALID`, `MALFORMED` → `ID_TOKEN_MALFORMED`, `SIGNATURE` →
 * `SIGNATURE_INVALID`. No OIDC verifier configured is `UNTRUSTED_ISSUER`.
 *
 * Rules, in the order they are checked after the presentation: `NONCE_REPLAYED`,
 * `BINDING_MISMATCH` (JWS `decision_id` or `intent_digest` differ),
 * `STALE_DECISION_HASH`, `APPROVAL_EXPIRED`, `DECISION_NOT_PENDING`,
 * `SELF_APPROVAL`, `NOT_IN_REQUIRED_GROUP`, `DUPLICATE_APPROVER`.
 *
 * @example
 * ```ts
 * const r: ApprovalRefusal = 'SELF_APPROVAL';
 * ```
 */
export type ApprovalRefusal =
  | 'MALFORMED_APPROVAL'
  | 'ALG_NOT_ALLOWED'
  | 'UNKNOWN_APPROVER_KEY'
  | 'SIGNATURE_INVALID'
  | 'UNTRUSTED_ISSUER'
  | 'AUDIENCE_MISMATCH'
  | 'NONCE_MISMATCH'
  | 'KID_UNKNOWN'
  | 'MISSING_CLAIM'
  | 'ID_TOKEN_EXPIRED'
  | 'ID_TOKEN_NOT_YET_VALID'
  | 'ID_TOKEN_MALFORMED'
  | 'NONCE_REPLAYED'
  | 'BINDING_MISMATCH'
  | 'STALE_DECISION_HASH'
  | 'APPROVAL_EXPIRED'
  | 'DECISION_NOT_PENDING'
  | 'SELF_APPROVAL'
  | 'NOT_IN_REQUIRED_GROUP'
  | 'DUPLICATE_APPROVER';

/**
 * An approval nonce: 22 to 128 base64url characters (at least 128 bits when random).
 * Single use across all decisions.
 */
export const APPROVAL_NONCE_PATTERN = '^[A-Za-z0-9_-]{22,128}$';

/** Largest approval JWS or ID token accepted, in characters. */
export const MAX_APPROVAL_PROOF_LENGTH = 16 * 1024;

/** Algorithms an approval JWS may use. */
export const APPROVAL_JWS_ALGORITHMS: readonly string[] = ['EdDSA', 'ES256'];

/** The `typ` an approval JWS may carry (it may also carry none). */
export const APPROVAL_JWS_TYP = 'writ-approval+jwt';

/** Allowed clock skew for an approval's `issued_at` in the future, in seconds. */
export const APPROVAL_SKEW_S = 30;

const ID_TOKEN_REASONS: Readonly<Record<string, ApprovalRefusal>> = {
  UNTRUSTED_ISSUER: 'UNTRUSTED_ISSUER',
  AUDIENCE_MISMATCH: 'AUDIENCE_MISMATCH',
  NONCE_MISMATCH: 'NONCE_MISMATCH',
  ALG_NOT_ALLOWED: 'ALG_NOT_ALLOWED',
  KID_UNKNOWN: 'KID_UNKNOWN',
  MISSING_CLAIM: 'MISSING_CLAIM',
  EXPIRED: 'ID_TOKEN_EXPIRED',
  NOT_YET_VALID: 'ID_TOKEN_NOT_YET_VALID',
  MALFORMED: 'ID_TOKEN_MALFORMED',
  SIGNATURE: 'SIGNATURE_INVALID',
};

/**
 * The approval refusal for an `IDENTITY_INVALID` reason of the OIDC verifier
 * (unknown reasons become `ID_TOKEN_MALFORMED`: fail closed, never accept).
 *
 * @example
 * ```ts
 * refusalForIdentityReason('EXPIRED'); // 'ID_TOKEN_EXPIRED'
 * ```
 */
export function refusalForIdentityReason(reason: string | undefined): ApprovalRefusal {
  return (reason !== undefined && Object.hasOwn(ID_TOKEN_REASONS, reason) ? ID_TOKEN_REASONS[reason] : undefined) ?? 'ID_TOKEN_MALFORMED';
}

/**
 * The `nonce` an ID token must carry to approve (method `oidc`): `sha256:` of JCS
 * `{ decision_hash, nonce }`, so the IdP signs the binding to one decision and one
 * approval nonce.
 *
 * @example
 * ```ts
 * const idTokenNonce = approvalBindingNonce(decision.decision_hash, nonce);
 * ```
 */
export function approvalBindingNonce(decisionHash: string, nonce: string): Sha256Ref {
  return hashCanonical({ decision_hash: decisionHash, nonce });
}

/**
 * `sha256:` + hex SHA-256 of a string's UTF-8 bytes: how nonces, JWS and ID tokens
 * are referred to in the store and the ledger.
 *
 * @example
 * ```ts
 * textRef('abc'); // 'sha256:ba7816bf…'
 * ```
 */
export function textRef(text: string): Sha256Ref {
  return `sha256:${sha256Hex(text)}` as Sha256Ref;
}

const NONCE = new RegExp(APPROVAL_NONCE_PATTERN);
const REF = /^sha256:[0-9a-f]{64}$/;
const CLAIM_NAMES = ['decision_id', 'decision_hash', 'intent_digest', 'verdict', 'nonce', 'issued_at', 'expires_at'];

/** The claims an approval JWS signs; times in epoch seconds. */
export interface ApprovalClaims {
  decision_id: string;
  decision_hash: string;
  intent_digest: string;
  verdict: ApprovalVerdict;
  nonce: string;
  issued_at: number;
  expires_at: number;
}

/**
 * True for a well-formed approval nonce (22–128 base64url characters).
 *
 * @example
 * ```ts
 * isApprovalNonce('n'); // false
 * ```
 */
export function isApprovalNonce(value: unknown): value is string {
  return typeof value === 'string' && NONCE.test(value);
}

/**
 * The approval claims of a JWS payload, or null when it is not exactly them (a
 * missing or extra member, a wrong type) — strict, so no other signed object can
 * pass for an approval.
 *
 * @example
 * ```ts
 * parseApprovalClaims(JSON.parse(payloadText)); // ApprovalClaims | null
 * ```
 */
export function parseApprovalClaims(value: unknown): ApprovalClaims | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== CLAIM_NAMES.length || !keys.every((k) => CLAIM_NAMES.includes(k))) return null;
  const epoch = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (typeof v.decision_id !== 'string' || v.decision_id.length === 0 || v.decision_id.length > 160) return null;
  if (typeof v.decision_hash !== 'string' || !REF.test(v.decision_hash)) return null;
  if (typeof v.intent_digest !== 'string' || !REF.test(v.intent_digest)) return null;
  if (v.verdict !== 'approve' && v.verdict !== 'reject') return null;
  if (!isApprovalNonce(v.nonce) || !epoch(v.issued_at) || !epoch(v.expires_at)) return null;
  return v as unknown as ApprovalClaims;
}

/**
 * Whether an approval's lifetime is acceptable at `now`: not yet expired
 * (`now < expires_at`), not issued more than {@link APPROVAL_SKEW_S} in the future,
 * `expires_at` after `issued_at`, and living no longer than `ttlSeconds` (the
 * decision's `obligations.approval_ttl_s`).
 *
 * @example
 * ```ts
 * lifetimeOk({ issuedAt, expiresAt }, clock.now(), decision.obligations.approval_ttl_s);
 * ```
 */
export function lifetimeOk(t: { issuedAt: Date; expiresAt: Date }, now: Date, ttlSeconds: number): boolean {
  const iat = t.issuedAt.getTime();
  const exp = t.expiresAt.getTime();
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) return false;
  if (now.getTime() >= exp) return false;
  if (iat > now.getTime() + APPROVAL_SKEW_S * 1000) return false;
  if (exp <= iat) return false;
  return exp - iat <= ttlSeconds * 1000;
}

/**
 * Separation of duties: true when the approver is the requester, i.e. the intent's
 * `principal.id` equals (case-insensitively, trimmed) the approver's `sub`, `email`,
 * `preferred_username`, or `iss#sub`.
 *
 * @example
 * ```ts
 * isSelfApproval('alice', { iss, sub: 'alice', names: [] }); // true
 * ```
 */
export function isSelfApproval(principalId: string, approver: { iss: string; sub: string; names: readonly (string | null | undefined)[] }): boolean {
  const norm = (s: string) => s.trim().toLowerCase();
  const p = norm(principalId);
  if (p.length === 0) return false;
  const candidates = [approver.sub, `${approver.iss}#${approver.sub}`, ...approver.names];
  return candidates.some((c) => typeof c === 'string' && c.trim().length > 0 && norm(c) === p);
}
