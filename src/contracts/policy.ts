import { Type, type Static } from 'typebox';

const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Instant = Type.String({ format: 'date-time' });
const Ledger = Type.Object({ seq: Type.Integer(), tree_size: Type.Integer() }, { additionalProperties: false });
const Problem = Type.Object(
  {
    file: Type.String(),
    line: Type.Optional(Type.Integer()),
    column: Type.Optional(Type.Integer()),
    policy_id: Type.Optional(Type.String()),
    message: Type.String(),
  },
  { additionalProperties: false },
);

/**
 * Body of `POST /v1/policy/bundles`: a compiled bundle document (what
 * `loadBundleDir(dir).document` gives). Its shape is checked by the server's bundle
 * compiler, which reports every problem, not by this schema.
 */
export const PushBundleBody = Type.Object({}, { additionalProperties: true });

/** `POST /v1/policy/bundles` response. */
export const PushBundleResponse = Type.Object(
  {
    policy_bundle_hash: Ref,
    bundle_id: Type.String(),
    version: Type.String(),
    stored: Type.Boolean(),
    warnings: Type.Array(Problem),
    ledger: Type.Union([Ledger, Type.Null()]),
  },
  { additionalProperties: false },
);
/** `POST /v1/policy/bundles` response. */
export type PushBundleResponse = Static<typeof PushBundleResponse>;

/** A stored bundle as listed. */
export const StoredBundleWire = Type.Object(
  { policy_bundle_hash: Ref, bundle_id: Type.String(), version: Type.String(), stored_at: Instant, active: Type.Boolean() },
  { additionalProperties: false },
);

/** `GET /v1/policy/bundles` response. */
export const BundleListResponse = Type.Object({ bundles: Type.Array(StoredBundleWire) }, { additionalProperties: false });
/** `GET /v1/policy/bundles` response. */
export type BundleListResponse = Static<typeof BundleListResponse>;

/** `GET /v1/policy/active` response. */
export const ActiveBundleResponse = Type.Object(
  { policy_bundle_hash: Ref, bundle_id: Type.String(), version: Type.String(), activated_at: Instant },
  { additionalProperties: false },
);
/** `GET /v1/policy/active` response. */
export type ActiveBundleResponse = Static<typeof ActiveBundleResponse>;

/** Body of `POST /v1/policy/activations`. */
export const ActivationBody = Type.Object(
  {
    policy_bundle_hash: Ref,
    justification: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    /** The requester's `writ.policy-lifecycle.version-manifest.v1` (git provenance); the server writes one when absent. */
    version_manifest: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
/** Body of `POST /v1/policy/activations`. */
export type ActivationBody = Static<typeof ActivationBody>;

/** `POST /v1/policy/activations/{decision_id}/apply` response. */
export const ApplyActivationResponse = Type.Object(
  {
    policy_bundle_hash: Ref,
    previous_policy_bundle_hash: Type.Union([Ref, Type.Null()]),
    decision_id: Type.String(),
    decision_hash: Ref,
    activated_at: Instant,
    ledger: Ledger,
  },
  { additionalProperties: false },
);
/** `POST /v1/policy/activations/{decision_id}/apply` response. */
export type ApplyActivationResponse = Static<typeof ApplyActivationResponse>;
