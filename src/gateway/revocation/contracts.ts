import { Type, type Static } from 'typebox';
import type { KeyringRevocation, Revocation } from './revocation-store.ts';
import type { RevocationMeshStatus } from './revocation-mesh.ts';

const Kind = Type.Union([Type.Literal('jti'), Type.Literal('kid'), Type.Literal('agent')]);
const Instant = Type.String({ format: 'date-time' });

/** Body of `POST /v1/revocations` (the value is checked per kind by the store). */
export const RevokeBody = Type.Object(
  {
    kind: Kind,
    value: Type.String({ minLength: 1, maxLength: 2048 }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
/** Body of `POST /v1/revocations`. */
export type RevokeBody = Static<typeof RevokeBody>;

/** Query of `GET /v1/revocations`. */
export const ListRevocationsQuery = Type.Object(
  {
    kind: Type.Optional(Kind),
    after_id: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

/** A revocation on the wire: a row of `revocations` (`source: 'writ'`) or a key the keyring revoked (`source: 'keyring'`, id null). */
export const RevocationWire = Type.Object(
  {
    id: Type.Union([Type.Integer(), Type.Null()]),
    source: Type.Union([Type.Literal('writ'), Type.Literal('keyring')]),
    kind: Kind,
    value: Type.String(),
    reason: Type.Union([Type.String(), Type.Null()]),
    actor: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.Union([Instant, Type.Null()]),
  },
  { additionalProperties: false },
);
/** A revocation on the wire. */
export type RevocationWire = Static<typeof RevocationWire>;

/** Response of `POST /v1/revocations` (201 created, 200 already revoked). */
export const RevokeResponse = Type.Object(
  {
    revocation: RevocationWire,
    created: Type.Boolean(),
    /** True when this call also revoked the kid in the keyring. */
    key_revoked: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** Response of `POST /v1/revocations`. */
export type RevokeResponse = Static<typeof RevokeResponse>;

/** This replica's revocation view. */
export const RevocationViewWire = Type.Object(
  {
    loaded: Type.Boolean(),
    age_ms: Type.Integer({ minimum: 0 }),
    stale: Type.Boolean(),
    staleness_ms: Type.Integer({ minimum: 0 }),
    complete_at: Type.Union([Instant, Type.Null()]),
    nats_heartbeat_at: Type.Union([Instant, Type.Null()]),
    listen: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('off')]),
    nats: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('off')]),
    counts: Type.Object({ jti: Type.Integer(), kid: Type.Integer(), agent: Type.Integer() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** Response of `GET /v1/revocations`. */
export const RevocationListWire = Type.Object(
  {
    revocations: Type.Array(RevocationWire),
    /** The answering replica's view (null when this server runs none). */
    view: Type.Union([RevocationViewWire, Type.Null()]),
  },
  { additionalProperties: false },
);
/** Response of `GET /v1/revocations`. */
export type RevocationListWire = Static<typeof RevocationListWire>;

/** A stored revocation on the wire. */
export function revocationWire(r: Revocation): RevocationWire {
  return { id: r.id, source: 'writ', kind: r.kind, value: r.value, reason: r.reason, actor: r.actor, created_at: r.created_at.toISOString() };
}

/** A keyring-revoked key on the wire. */
export function keyringRevocationWire(k: KeyringRevocation): RevocationWire {
  return { id: null, source: 'keyring', kind: 'kid', value: k.kid, reason: k.reason, actor: null, created_at: k.revoked_at ? k.revoked_at.toISOString() : null };
}

/** A view status on the wire. */
export function revocationViewWire(s: RevocationMeshStatus): Static<typeof RevocationViewWire> {
  return s;
}
