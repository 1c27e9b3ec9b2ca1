/**
 * Wire schemas of the events routes (`POST /v1/executions/observed`,
 * `GET /v1/alerts/deliveries`).
 *
 * @module
 */
import { Type, type Static } from 'typebox';

const Printable = (min: number, max: number) => Type.String({ pattern: `^[^\\u0000-\\u001f\\u007f]{${min},${max}}$` });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Body of `POST /v1/executions/observed`: an execution a target system saw. */
export const ObservedExecutionBody = Type.Object(
  {
    decision_hash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
    authorization_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{8,160}$' })),
    token_jti: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{12,256}$' })),
    action_scope: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 128 }),
    region: Type.String({ pattern: '^[A-Za-z0-9_.-]{2,64}$' }),
    agent_id: Printable(3, 256),
    observed_at: Type.String({ format: 'date-time' }),
    target_system: Printable(1, 128),
  },
  { additionalProperties: false },
);
/** Body of `POST /v1/executions/observed`. */
export type ObservedExecutionBody = Static<typeof ObservedExecutionBody>;

/** Answer of `POST /v1/executions/observed`. */
export const ObservedExecutionResponse = Type.Object(
  {
    observation_id: Type.String(),
    status: Type.Union([Type.Literal('authorized'), Type.Literal('out_of_band')]),
    reason: Nullable(Type.String()),
    authorization: Nullable(
      Type.Object(
        { authorization_id: Type.String(), committed: Type.Boolean(), decision_hash_matches: Type.Boolean() },
        { additionalProperties: false },
      ),
    ),
    event_id: Nullable(Type.String()),
    alert_id: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const Status = Type.Union([Type.Literal('delivered'), Type.Literal('retrying'), Type.Literal('failed')]);

/** Query of `GET /v1/alerts/deliveries`. */
export const DeliveriesQuery = Type.Object(
  {
    alert_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,160}$' })),
    target: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' })),
    status: Type.Optional(Status),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

/** One delivery attempt. */
export const AlertDeliveryWire = Type.Object(
  {
    alert_id: Type.String(),
    kind: Type.String(),
    severity: Type.String(),
    dedup_key: Type.String(),
    summary: Type.String(),
    target: Type.String(),
    attempt: Type.Integer(),
    status: Status,
    http_status: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    at: Type.String({ format: 'date-time' }),
    next_attempt_at: Nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

/** Answer of `GET /v1/alerts/deliveries`. */
export const AlertDeliveryListWire = Type.Object({ deliveries: Type.Array(AlertDeliveryWire) }, { additionalProperties: false });
