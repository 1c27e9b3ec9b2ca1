import { Type, type Static } from 'typebox';
import { DecisionWire, IntentBody } from './decisions.ts';

const Instant = Type.String({ format: 'date-time' });
const Scope = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 128 });
const Human = Type.Object({ iss: Type.String(), sub: Type.String() }, { additionalProperties: false });
const Ledger = Type.Object({ seq: Type.Integer(), tree_size: Type.Integer() }, { additionalProperties: false });

/** Categories of the structured reason. */
export const BreakGlassCategoryWire = Type.Union(
  ['incident_response', 'security_fix', 'outage_recovery', 'data_recovery'].map((c) => Type.Literal(c)),
);

/** Body of `POST /v1/break-glass` (DESIGN §3.10). */
export const BreakGlassBody = Type.Object(
  {
    intent: IntentBody,
    reason: Type.Object(
      {
        category: BreakGlassCategoryWire,
        summary: Type.String({ minLength: 1, maxLength: 500 }),
        incident_ref: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    scope: Type.Object({ target: Type.String({ minLength: 1, maxLength: 256 }), action_class: Scope }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
/** Body of `POST /v1/break-glass`. */
export type BreakGlassBody = Static<typeof BreakGlassBody>;

/** A break-glass use with its review state. */
export const BreakGlassUseWire = Type.Object(
  {
    decision_id: Type.String(),
    decision_hash: Type.String(),
    level: Type.Union([Type.Literal('L4'), Type.Literal('L5')]),
    requested_by: Human,
    reason: Type.Object(
      { category: Type.String(), summary: Type.String(), incident_ref: Type.Union([Type.String(), Type.Null()]) },
      { additionalProperties: false },
    ),
    ttl_seconds: Type.Integer(),
    target: Type.String(),
    action_class: Type.String(),
    used_at: Instant,
    expires_at: Instant,
    review_due_at: Instant,
    overdue: Type.Boolean(),
    review: Type.Union([
      Type.Object(
        { reviewed_at: Instant, reviewed_by: Human, outcome: Type.String(), notes: Type.String() },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

/** `POST /v1/break-glass` response: the allowed decision, the use, and where it is in the ledger. */
export const BreakGlassResponse = Type.Object(
  { decision: DecisionWire, break_glass: BreakGlassUseWire, ledger: Ledger },
  { additionalProperties: false },
);

/** Body of `POST /v1/break-glass/{id}/review`. */
export const BreakGlassReviewBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('justified'), Type.Literal('unjustified'), Type.Literal('needs_follow_up')]),
    notes: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
/** Body of `POST /v1/break-glass/{id}/review`. */
export type BreakGlassReviewBody = Static<typeof BreakGlassReviewBody>;

/** `POST /v1/break-glass/{id}/review` response. */
export const BreakGlassReviewResponse = Type.Object({ break_glass: BreakGlassUseWire, ledger: Ledger }, { additionalProperties: false });

/** `GET /v1/break-glass` query. */
export const BreakGlassListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('unreviewed'), Type.Literal('overdue'), Type.Literal('all')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

/** `GET /v1/break-glass` response. */
export const BreakGlassListResponse = Type.Object(
  { as_of: Instant, status: Type.String(), uses: Type.Array(BreakGlassUseWire) },
  { additionalProperties: false },
);
/** `GET /v1/break-glass` response. */
export type BreakGlassListResponse = Static<typeof BreakGlassListResponse>;
/** A break-glass use on the wire. */
export type BreakGlassUseWire = Static<typeof BreakGlassUseWire>;
