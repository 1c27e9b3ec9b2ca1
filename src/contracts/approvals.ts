/**
 * Wire contracts of approvals (DESIGN §3.3) and approver keys.
 *
 * `POST /v1/decisions/{id}/approvals` takes one body shape and branches on `method`:
 *
 * - `method: "jws"`: `jws` is a compact JWS (header `alg` EdDSA or ES256, `kid` = the
 *   RFC 7638 thumbprint of a registered approver key, optional `typ`
 *   `writ-approval+jwt`) over exactly the members of {@link ApprovalJwsClaims}:
 *   `decision_id`, `decision_hash`, `intent_digest`, `verdict`, `nonce`, and
 *   `issued_at` / `expires_at` in **epoch seconds** (integers, like JWT `iat`/`exp`).
 * - `method: "oidc"`: `id_token`, `nonce`, `verdict`, `decision_hash`; the ID token's
 *   `nonce` claim must be `sha256:` of JCS `{ decision_hash, nonce }`.
 *
 * A refusal is HTTP 403 `APPROVAL_REFUSED` with a stable `reason` (see
 * `ApprovalRefusal` in `src/engine/approvals/model.ts`).
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { APPROVAL_NONCE_PATTERN, MAX_APPROVAL_PROOF_LENGTH } from '../engine/approvals/model.ts';

const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Instant = Type.String({ format: 'date-time' });
const Human = Type.Object({ iss: Type.String(), sub: Type.String() }, { additionalProperties: false });
const Status = Type.Union(['pending_approval', 'approved', 'rejected', 'allowed', 'denied', 'expired', 'revoked'].map((s) => Type.Literal(s)));
const Verdict = Type.Union([Type.Literal('approve'), Type.Literal('reject')]);
const Method = Type.Union([Type.Literal('jws'), Type.Literal('oidc')]);

const Nonce = Type.String({ pattern: APPROVAL_NONCE_PATTERN });

/** Body of `POST /v1/decisions/{id}/approvals` (members required per `method`). */
export const SubmitApprovalBody = Type.Object(
  {
    method: Method,
    /** method `jws`: the approver-signed compact JWS. */
    jws: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_APPROVAL_PROOF_LENGTH })),
    /** method `oidc`: the ID token whose `nonce` binds `decision_hash` and `nonce`. */
    id_token: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_APPROVAL_PROOF_LENGTH })),
    nonce: Type.Optional(Nonce),
    verdict: Type.Optional(Verdict),
    decision_hash: Type.Optional(Ref),
  },
  { additionalProperties: false, $id: 'SubmitApproval' },
);
/** Body of `POST /v1/decisions/{id}/approvals`. */
export type SubmitApprovalBody = Static<typeof SubmitApprovalBody>;

/** The claims an approval JWS signs (method `jws`); times in epoch seconds. */
export const ApprovalJwsClaims = Type.Object(
  {
    decision_id: Type.String({ minLength: 1, maxLength: 160 }),
    decision_hash: Ref,
    intent_digest: Ref,
    verdict: Verdict,
    nonce: Nonce,
    issued_at: Type.Integer({ minimum: 0 }),
    expires_at: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false, $id: 'ApprovalJwsClaims' },
);
/** The claims an approval JWS signs. */
export type ApprovalJwsClaims = Static<typeof ApprovalJwsClaims>;

/** An accepted approval or rejection. `nonce_ref` and `signature_ref` are `sha256:` references, never the raw values. */
export const ApprovalWire = Type.Object(
  {
    approval_id: Type.String(),
    decision_id: Type.String(),
    decision_hash: Ref,
    approver: Human,
    /** The approver's groups that are required groups of the decision. */
    approver_groups: Type.Array(Type.String()),
    verdict: Verdict,
    method: Method,
    signature_ref: Ref,
    nonce_ref: Ref,
    issued_at: Instant,
    expires_at: Instant,
    recorded_at: Instant,
  },
  { additionalProperties: false, $id: 'Approval' },
);
/** An approval on the wire. */
export type ApprovalWire = Static<typeof ApprovalWire>;

const LedgerReceipt = Type.Object({ seq: Type.Integer(), tree_size: Type.Integer() }, { additionalProperties: false });

/** Response of an accepted approval: the record and where the decision now stands. */
export const SubmitApprovalResponse = Type.Object(
  {
    approval: ApprovalWire,
    decision_status: Status,
    /** Distinct, unexpired approving approvers counted toward the quorum. */
    approvals_counted: Type.Integer({ minimum: 0 }),
    approvals_required: Type.Integer({ minimum: 0 }),
    ledger: LedgerReceipt,
  },
  { additionalProperties: false },
);
/** Response of an accepted approval. */
export type SubmitApprovalResponse = Static<typeof SubmitApprovalResponse>;

/** `GET /v1/decisions/{id}/approvals` response. */
export const ApprovalListWire = Type.Object(
  {
    decision_id: Type.String(),
    decision_hash: Ref,
    decision_status: Status,
    approvals_required: Type.Integer({ minimum: 0 }),
    approver_groups: Type.Array(Type.String()),
    approvals_counted: Type.Integer({ minimum: 0 }),
    approvals: Type.Array(ApprovalWire),
  },
  { additionalProperties: false },
);
/** `GET /v1/decisions/{id}/approvals` response. */
export type ApprovalListWire = Static<typeof ApprovalListWire>;

/** Body of `POST /v1/approver-keys`: a public JWK (OKP Ed25519 or EC P-256); private members are refused. */
export const RegisterApproverKeyBody = Type.Object(
  { public_jwk: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 16 }) },
  { additionalProperties: false },
);
/** Body of `POST /v1/approver-keys`. */
export type RegisterApproverKeyBody = Static<typeof RegisterApproverKeyBody>;

/** A public approver key JWK as stored and served. */
export const ApproverPublicJwk = Type.Object(
  {
    kty: Type.Union([Type.Literal('OKP'), Type.Literal('EC')]),
    crv: Type.Union([Type.Literal('Ed25519'), Type.Literal('P-256')]),
    x: Type.String(),
    y: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A registered approver key, bound to the OIDC identity (and its groups) that registered it. */
export const ApproverKeyWire = Type.Object(
  {
    kid: Type.String(),
    approver: Human,
    approver_groups: Type.Array(Type.String()),
    alg: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')]),
    public_jwk: ApproverPublicJwk,
    registered_at: Instant,
    revoked_at: Type.Union([Instant, Type.Null()]),
  },
  { additionalProperties: false, $id: 'ApproverKey' },
);
/** A registered approver key on the wire. */
export type ApproverKeyWire = Static<typeof ApproverKeyWire>;

/** `POST /v1/approver-keys` response (201 when new, 200 when the same human registered it before). */
export const RegisterApproverKeyResponse = Type.Object(
  { key: ApproverKeyWire, created: Type.Boolean(), ledger: Type.Union([LedgerReceipt, Type.Null()]) },
  { additionalProperties: false },
);
/** `POST /v1/approver-keys` response. */
export type RegisterApproverKeyResponse = Static<typeof RegisterApproverKeyResponse>;

/** `GET /v1/approver-keys` response. */
export const ApproverKeyListWire = Type.Object({ keys: Type.Array(ApproverKeyWire) }, { additionalProperties: false });
/** `GET /v1/approver-keys` response. */
export type ApproverKeyListWire = Static<typeof ApproverKeyListWire>;
