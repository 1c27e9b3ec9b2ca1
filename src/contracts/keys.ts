import { Type, type Static } from 'typebox';

/** A public JWK as served in the JWKS. */
export const PublicJwkSchema = Type.Object(
  {
    kty: Type.Union([Type.Literal('OKP'), Type.Literal('EC')]),
    crv: Type.Union([Type.Literal('Ed25519'), Type.Literal('P-256')]),
    x: Type.String(),
    y: Type.Optional(Type.String()),
    kid: Type.String(),
    alg: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')]),
    use: Type.Literal('sig'),
  },
  { additionalProperties: false },
);

/** `GET /.well-known/jwks.json` (RFC 7517 §5). */
export const JwksSchema = Type.Object({ keys: Type.Array(PublicJwkSchema) }, { additionalProperties: false });

/** A key as listed by the admin API: public facts only. */
export const KeyInfoSchema = Type.Object(
  {
    kid: Type.String(),
    alg: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')]),
    purpose: Type.Union([Type.Literal('token'), Type.Literal('ledger')]),
    status: Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')]),
    provider: Type.String(),
    created_at: Type.String(),
    retired_at: Type.Union([Type.String(), Type.Null()]),
    revoked_at: Type.Union([Type.String(), Type.Null()]),
    revocation_reason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type KeyInfoWire = Static<typeof KeyInfoSchema>;

/** `GET /v1/keys` response. */
export const KeyListSchema = Type.Object({ keys: Type.Array(KeyInfoSchema) }, { additionalProperties: false });

/** `POST /v1/keys/rotate` body. */
export const RotateKeyBody = Type.Object(
  {
    purpose: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('ledger')])),
    alg: Type.Optional(Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')])),
  },
  { additionalProperties: false },
);

/** `POST /v1/keys/rotate` response. */
export const RotateKeyResponse = Type.Object(
  { created: KeyInfoSchema, retired: Type.Union([KeyInfoSchema, Type.Null()]) },
  { additionalProperties: false },
);

/** `POST /v1/keys/{kid}/revoke` body. */
export const RevokeKeyBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
