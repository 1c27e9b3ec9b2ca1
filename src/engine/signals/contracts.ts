import { Type, type Static } from 'typebox';
import { MAX_OVERRIDE_TTL_SECONDS, MAX_SCOPE_ITEMS, type Hold, type Incident, type Override } from './model.ts';

const Name = Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}$' });
const Names = Type.Array(Name, { maxItems: MAX_SCOPE_ITEMS });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const Author = Type.String({ minLength: 1, maxLength: 128 });
const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);

/** Body of `POST /v1/signals/holds`. */
export const SetHoldBody = Type.Object(
  {
    target: Name,
    scope_kind: Type.Optional(Type.Union([Type.Literal('target'), Type.Literal('environment')])),
    reason: Reason,
    author: Type.Optional(Author),
  },
  { additionalProperties: false },
);

/** Body of the clear / resolve routes. */
export const CloseBody = Type.Object({ reason: Type.Optional(Reason), author: Type.Optional(Author) }, { additionalProperties: false });

/** Body of `POST /v1/signals/incidents`. */
export const OpenIncidentBody = Type.Object(
  { targets: Type.Optional(Names), environments: Type.Optional(Names), reason: Reason, author: Type.Optional(Author) },
  { additionalProperties: false },
);

/** Body of `POST /v1/signals/overrides`. */
export const GrantOverrideBody = Type.Object(
  {
    targets: Type.Optional(Names),
    environments: Type.Optional(Names),
    ttl_seconds: Type.Integer({ minimum: 1, maximum: MAX_OVERRIDE_TTL_SECONDS }),
    reason: Reason,
    author: Type.Optional(Author),
  },
  { additionalProperties: false },
);

/** A hold on the wire. */
export const HoldWire = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('cleared')]),
    scope_kind: Type.Union([Type.Literal('target'), Type.Literal('environment')]),
    target: Type.String(),
    reason: Type.String(),
    author: Type.String(),
    set_at: Instant,
    cleared_at: NullableInstant,
    cleared_by: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
/** A hold on the wire. */
export type HoldWire = Static<typeof HoldWire>;

/** An incident on the wire. */
export const IncidentWire = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
    targets: Type.Array(Type.String()),
    environments: Type.Array(Type.String()),
    reason: Type.String(),
    author: Type.String(),
    opened_at: Instant,
    resolved_at: NullableInstant,
    resolved_by: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
/** An incident on the wire. */
export type IncidentWire = Static<typeof IncidentWire>;

/** An override on the wire. */
export const OverrideWire = Type.Object(
  {
    id: Type.String(),
    targets: Type.Array(Type.String()),
    environments: Type.Array(Type.String()),
    reason: Type.String(),
    author: Type.String(),
    granted_at: Instant,
    expires_at: Instant,
  },
  { additionalProperties: false },
);
/** An override on the wire. */
export type OverrideWire = Static<typeof OverrideWire>;

const Scoped = Type.Object(
  { id: Type.String(), targets: Type.Optional(Type.Array(Type.String())), environments: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false },
);

/** `GET /v1/signals`: what is in force now, in detail and as policy input. */
export const SignalsStateWire = Type.Object(
  {
    as_of: Instant,
    holds: Type.Array(HoldWire),
    incidents: Type.Array(IncidentWire),
    overrides: Type.Array(OverrideWire),
    policy_signals: Type.Object(
      {
        phase_holds: Type.Array(Scoped),
        active_incidents: Type.Array(Scoped),
        trusted_mcp_servers: Type.Array(Type.String()),
        active_overrides: Type.Array(Type.Object({ id: Type.String(), targets: Type.Optional(Type.Array(Type.String())), environments: Type.Optional(Type.Array(Type.String())), expires_at: Instant }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
/** `GET /v1/signals` response. */
export type SignalsStateWire = Static<typeof SignalsStateWire>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Domain → wire.
 *
 * @example
 * ```ts
 * holdWire(hold).status; // 'active'
 * ```
 */
export function holdWire(h: Hold): HoldWire {
  return {
    id: h.id, status: h.cleared_at ? 'cleared' : 'active', scope_kind: h.scope_kind, target: h.target, reason: h.reason, author: h.author,
    set_at: h.set_at.toISOString(), cleared_at: iso(h.cleared_at), cleared_by: h.cleared_by,
  };
}

/**
 * Domain → wire.
 *
 * @example
 * ```ts
 * incidentWire(incident).status; // 'open'
 * ```
 */
export function incidentWire(i: Incident): IncidentWire {
  return {
    id: i.id, status: i.resolved_at ? 'resolved' : 'open', targets: [...i.scope.targets], environments: [...i.scope.environments],
    reason: i.reason, author: i.author, opened_at: i.opened_at.toISOString(), resolved_at: iso(i.resolved_at), resolved_by: i.resolved_by,
  };
}

/**
 * Domain → wire.
 *
 * @example
 * ```ts
 * overrideWire(override).expires_at; // '2026-06-01T01:00:00.000Z'
 * ```
 */
export function overrideWire(o: Override): OverrideWire {
  return {
    id: o.id, targets: [...o.scope.targets], environments: [...o.scope.environments], reason: o.reason, author: o.author,
    granted_at: o.granted_at.toISOString(), expires_at: o.expires_at.toISOString(),
  };
}
