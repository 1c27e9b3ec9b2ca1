/**
 * The enforcement event schema, written once in code (TypeBox), and its validator.
 *
 * It is the Slice-0 `enforcement_event.schema.json` with the same fields, enums and
 * bounds, except that `action_scope` is any scope string (Writ accepts more scopes
 * than Slice-0's `promotion`). So an event that passes here with
 * `action_scope: 'promotion'` also passes the Slice-0 schema unchanged (DESIGN §3).
 * A few rules are stricter than Slice-0: `occurred_at` is a UTC instant, ids are
 * bounded, `denial_code` is an upper-case stable code, and `details` holds flat values
 * (scalars, arrays of scalars, or one level of object) so it can be allowlisted in the
 * ledger. Values that look like secrets are refused (invariant 4).
 *
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { Type, type Static } from 'typebox';
import { findSecrets } from '../ledger/entries/secret-scanner.ts';
import type { EnforcementEvent, EnforcementEventType } from './enforcement-event.ts';

/** Every event type, in the order of the Slice-0 enum. */
export const ENFORCEMENT_EVENT_TYPES: readonly EnforcementEventType[] = [
  'authorization_requested',
  'authorization_approved',
  'authorization_denied',
  'execution_started',
  'execution_completed',
  'execution_aborted',
  'revocation_hit',
  'drift_detected',
  'compensation_triggered',
  'oob_detected',
];

const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]);
const DetailKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const DetailValue = Type.Union([
  Scalar,
  Type.Array(Scalar, { maxItems: 64 }),
  Type.Record(DetailKey, Scalar, { additionalProperties: false, maxProperties: 32 }),
]);

/**
 * JSON Schema of one enforcement event. No `format` keyword (the ledger's validator is
 * strict and format-free); `occurred_at` is checked by pattern here and for a real
 * calendar instant by {@link validateEnforcementEvent}.
 */
export const EnforcementEventSchema = Type.Object(
  {
    event_id: Type.String({ minLength: 8, maxLength: 128 }),
    event_type: Type.Union(ENFORCEMENT_EVENT_TYPES.map((t) => Type.Literal(t))),
    occurred_at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' }),
    decision_hash: Type.String({ minLength: 16, maxLength: 128 }),
    token_jti: Type.String({ minLength: 12, maxLength: 256 }),
    authorization_id: Type.String({ minLength: 8, maxLength: 160 }),
    action_scope: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 128 }),
    region: Type.String({ minLength: 2, maxLength: 64 }),
    agent_id: Type.String({ minLength: 3, maxLength: 256 }),
    denial_code: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' })),
    details: Type.Optional(Type.Record(DetailKey, DetailValue, { additionalProperties: false, maxProperties: 32 })),
  },
  { additionalProperties: false },
);

/** The static type of {@link EnforcementEventSchema} (assignable to {@link EnforcementEvent}). */
export type EnforcementEventWire = Static<typeof EnforcementEventSchema>;

/**
 * Payload paths that hold public identifiers random by design (so the secret scanner's
 * entropy rule does not apply there; its pattern rules still do).
 */
export const EVENT_OPAQUE_ID_PATHS: readonly string[] = ['$.event_id', '$.token_jti', '$.authorization_id', '$.decision_hash'];

const OPAQUE = new Set(EVENT_OPAQUE_ID_PATHS);
const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
let compiled: ValidateFunction | undefined;

/** Outcome of {@link validateEnforcementEvent}: the problem names a path and a rule, never a value. */
export type EventValidation = { ok: true; event: EnforcementEvent } | { ok: false; problem: string };

/**
 * Checks one event: schema, a real UTC instant in `occurred_at`, and no value that
 * looks like a secret.
 *
 * @example
 * ```ts
 * const v = validateEnforcementEvent(event);
 * if (!v.ok) log.warn({ problem: v.problem }, 'event refused');
 * ```
 */
export function validateEnforcementEvent(e: unknown): EventValidation {
  compiled ??= ajv.compile(EnforcementEventSchema);
  if (!compiled(e)) {
    const err = compiled.errors?.[0];
    const extra = err?.keyword === 'additionalProperties' ? ` (${String((err.params as { additionalProperty?: string }).additionalProperty)})` : '';
    return { ok: false, problem: `${err?.instancePath || '/'}: ${err?.message ?? 'invalid'}${extra}` };
  }
  const event = e as EnforcementEvent;
  const ms = Date.parse(event.occurred_at);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== event.occurred_at.slice(0, 19)) {
    return { ok: false, problem: '/occurred_at: not a real UTC instant' };
  }
  const secret = findSecrets(event, OPAQUE)[0];
  if (secret) return { ok: false, problem: `${secret.path.slice(1).replaceAll('.', '/') || '/'}: looks like a secret (${secret.kind})` };
  return { ok: true, event };
}
