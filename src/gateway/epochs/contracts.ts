import { Type, type Static } from 'typebox';
import { MAX_EPOCH_GRACE_SECONDS, type EpochAdvance, type EpochRecord } from './store-epochs.ts';

const Instant = Type.String({ format: 'date-time' });
const WireState = Type.Union([Type.Literal('active'), Type.Literal('drain'), Type.Literal('deprecate')]);

/** The active epoch, as `authorize_execution` reports it. */
export const CurrentEpochWire = Type.Object(
  { value: Type.Integer({ minimum: 1 }), state: WireState, grace_window_seconds: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

/** One epoch with its wire state as of `as_of`. */
export const EpochWire = Type.Object(
  {
    value: Type.Integer({ minimum: 1 }),
    state: WireState,
    stored_state: Type.Union([Type.Literal('active'), Type.Literal('draining'), Type.Literal('deprecated')]),
    grace_window_seconds: Type.Integer({ minimum: 0 }),
    /** For `drain`: ms of grace left; ≤ 0 once it has passed. */
    grace_remaining_ms: Type.Integer(),
    deprecated_reason: Type.Union([Type.Literal('EPOCH_GRACE_EXPIRED'), Type.Literal('EPOCH_DEPRECATED'), Type.Null()]),
    changed_at: Instant,
    drain_until: Type.Union([Instant, Type.Null()]),
  },
  { additionalProperties: false },
);
/** One epoch on the wire. */
export type EpochWire = Static<typeof EpochWire>;

/** Response of `GET /v1/epochs`. */
export const EpochListWire = Type.Object(
  { as_of: Instant, current: CurrentEpochWire, epochs: Type.Array(EpochWire) },
  { additionalProperties: false },
);
/** Response of `GET /v1/epochs`. */
export type EpochListWire = Static<typeof EpochListWire>;

/** Body of `POST /v1/epochs/advance` (empty: the configured grace). */
export const AdvanceEpochBody = Type.Object(
  { grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_EPOCH_GRACE_SECONDS })) },
  { additionalProperties: false },
);

/** Response of `POST /v1/epochs/advance`. */
export const EpochAdvanceWire = Type.Object(
  {
    epoch: Type.Integer({ minimum: 1 }),
    previous: Type.Integer({ minimum: 1 }),
    grace_seconds: Type.Integer({ minimum: 0 }),
    drain_until: Instant,
    deprecated: Type.Array(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
/** Response of `POST /v1/epochs/advance`. */
export type EpochAdvanceWire = Static<typeof EpochAdvanceWire>;

/** An epoch record on the wire. */
export function epochWire(e: EpochRecord): EpochWire {
  return {
    value: e.value,
    state: e.state === 'unknown' ? 'deprecate' : e.state,
    stored_state: e.stored_state,
    grace_window_seconds: e.grace_window_seconds,
    grace_remaining_ms: Math.round(e.grace_remaining_ms),
    deprecated_reason: e.deprecated_reason,
    changed_at: e.changed_at.toISOString(),
    drain_until: e.drain_until ? e.drain_until.toISOString() : null,
  };
}

/** An advance on the wire. */
export function epochAdvanceWire(a: EpochAdvance): EpochAdvanceWire {
  return { epoch: a.epoch, previous: a.previous, grace_seconds: a.grace_seconds, drain_until: a.drain_until.toISOString(), deprecated: a.deprecated };
}
