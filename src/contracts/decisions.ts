import { Type, type Static } from 'typebox';

const Name = Type.String({ minLength: 1, maxLength: 256 });
const TypeName = Type.String({ pattern: '^[a-z][a-z0-9]*(_[a-z0-9]+)*$', maxLength: 64 });
const Scope = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 128 });
const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Instant = Type.String({ format: 'date-time' });
const OptionalName = Type.Optional(Type.Union([Name, Type.Null()]));
const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** The runtime identity an execution will run as (DESIGN §3.1). */
export const ExecutionIdentityWire = Type.Object(
  {
    agent_id: OptionalName,
    pipeline_id: OptionalName,
    region: Type.String({ minLength: 1, maxLength: 64 }),
    env_tier: Type.Union([Type.Literal('prod'), Type.Literal('stage'), Type.Literal('dev')]),
    spiffe_id: Type.Optional(Type.Union([Type.String({ pattern: '^spiffe://', maxLength: 2048 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** Body of `POST /v1/intents` (DESIGN §3.1). */
export const IntentBody = Type.Object(
  {
    action_scope: Scope,
    principal: Type.Object({ type: TypeName, id: Name }, { additionalProperties: false }),
    resource: Type.Object({ type: TypeName, id: Name, attrs: Type.Optional(JsonObject) }, { additionalProperties: false }),
    execution_identity: ExecutionIdentityWire,
    parameters: Type.Optional(JsonObject),
    context: Type.Optional(JsonObject),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:/-]+$' })),
  },
  { additionalProperties: false, $id: 'Intent' },
);
/** Body of `POST /v1/intents`. */
export type IntentBody = Static<typeof IntentBody>;

const Status = Type.Union([
  Type.Literal('pending_approval'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('allowed'),
  Type.Literal('denied'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
]);

/** A decision on the wire (DESIGN §3.2): the hashed body, its hash, and the current status. */
export const DecisionWire = Type.Object(
  {
    decision_id: Type.String(),
    decision_hash: Ref,
    verdict: Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('require_approval')]),
    deny_code: Type.Union([Type.String(), Type.Null()]),
    reasons: Type.Array(Type.String()),
    obligations: Type.Object(
      {
        approvals_required: Type.Integer({ minimum: 0 }),
        approver_groups: Type.Array(Type.String()),
        separation_of_duties: Type.Boolean(),
        approval_ttl_s: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    risk: Type.Union([Type.String(), Type.Null()]),
    break_glass: Type.Boolean(),
    action_scope: Type.String(),
    intent_digest: Ref,
    exec_identity_hash: Ref,
    policy_bundle_hash: Ref,
    enforcement_epoch: Type.Integer({ minimum: 1 }),
    created_at: Instant,
    expires_at: Instant,
    status: Status,
    status_changed_at: Instant,
  },
  { additionalProperties: false, $id: 'Decision' },
);
/** A decision on the wire. */
export type DecisionWire = Static<typeof DecisionWire>;

/** `POST /v1/intents` response: the decision, whether it is new, and where it is in the ledger. */
export const SubmitIntentResponse = Type.Object(
  {
    decision: DecisionWire,
    created: Type.Boolean(),
    ledger: Type.Union([Type.Object({ seq: Type.Integer(), tree_size: Type.Integer() }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);

/** `GET /v1/decisions/{id}` response: the decision and the intent it decided. */
export const DecisionDetailWire = Type.Object(
  { decision: DecisionWire, intent: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: false },
);

/** `GET /v1/decisions` query. */
export const ListDecisionsQuery = Type.Object(
  {
    status: Type.Optional(Status),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

/** `GET /v1/decisions` response. */
export const DecisionListWire = Type.Object({ decisions: Type.Array(DecisionWire) }, { additionalProperties: false });
