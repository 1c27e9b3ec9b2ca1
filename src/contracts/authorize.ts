import { Type, type Static } from 'typebox';

const Scope = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 128 });
const OptionalId = Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Null()]));

/**
 * Body of `POST /v1/authorize_execution` (DESIGN §3.5). A superset of the Slice-0
 * request: for `promotion` every Slice-0 request fits; other scopes may omit
 * agent_id / pipeline_id.
 */
export const AuthorizeRequest = Type.Object(
  {
    decision_hash: Type.String({ minLength: 16, maxLength: 128 }),
    attestation_token: Type.String({ minLength: 32, maxLength: 4096 }),
    action_scope: Scope,
    execution_identity: Type.Object(
      {
        agent_id: OptionalId,
        pipeline_id: OptionalId,
        region: Type.String({ minLength: 1, maxLength: 64 }),
        env_tier: Type.Union([Type.Literal('prod'), Type.Literal('stage'), Type.Literal('dev')]),
        spiffe_id: Type.String({ pattern: '^spiffe://', maxLength: 2048 }),
      },
      { additionalProperties: false },
    ),
    requested_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false, $id: 'AuthorizeRequest' },
);
/** Body of `POST /v1/authorize_execution`. */
export type AuthorizeRequest = Static<typeof AuthorizeRequest>;

/** The response (Slice-0 `authorize_execution.response.schema.json`, exactly). */
export const AuthorizeResponse = Type.Object(
  {
    authorization_id: Type.String({ minLength: 8 }),
    verdict: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
    denial_code: Type.Optional(Type.String()),
    decision_hash: Type.String({ minLength: 16 }),
    policy_bundle_hash: Type.String({ minLength: 16 }),
    enforcement_epoch: Type.Object(
      {
        value: Type.Integer({ minimum: 1 }),
        state: Type.Union([Type.Literal('active'), Type.Literal('drain'), Type.Literal('deprecate')]),
        grace_window_seconds: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    evaluated_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false, $id: 'AuthorizeResponse' },
);
/** The authorize_execution response. */
export type AuthorizeResponse = Static<typeof AuthorizeResponse>;
