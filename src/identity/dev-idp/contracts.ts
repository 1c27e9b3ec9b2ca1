import { Type, type Static } from 'typebox';

const DevMode = Type.Literal(true, { description: 'Always true: this is the built-in dev identity provider, not a real one.' });

/**
 * Body of `POST /dev-idp/token`.
 *
 * @example
 * ```ts
 * const body: DevTokenRequest = { user: 'alice', nonce: 'sha256:…' };
 * ```
 */
export const DevTokenRequest = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_-]*$' }),
    nonce: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);
/**
 * Static type of {@link DevTokenRequest}.
 *
 * @example
 * ```ts
 * const value = response.json() as DevTokenRequest;
 * ```
 */
export type DevTokenRequest = Static<typeof DevTokenRequest>;

/**
 * Response of `POST /dev-idp/token`.
 *
 * @example
 * ```ts
 * const res: DevTokenResponse = { id_token: 'eyJ…', token_type: 'Bearer', expires_in: 3600, dev_mode: true };
 * ```
 */
export const DevTokenResponse = Type.Object({
  id_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  dev_mode: DevMode,
});

/**
 * Response of `GET /dev-idp/users`.
 *
 * @example
 * ```ts
 * const res: DevUsersResponse = { users: [{ name: 'alice', display_name: 'Alice (dev)', groups: ['approver'], roles: ['approver'], note: '' }], dev_mode: true };
 * ```
 */
export const DevUsersResponse = Type.Object({
  users: Type.Array(Type.Object({
    name: Type.String(),
    display_name: Type.String(),
    groups: Type.Array(Type.String()),
    roles: Type.Array(Type.String()),
    note: Type.String(),
  })),
  dev_mode: DevMode,
});
/**
 * Static type of {@link DevUsersResponse}.
 *
 * @example
 * ```ts
 * const value = response.json() as DevUsersResponse;
 * ```
 */
export type DevUsersResponse = Static<typeof DevUsersResponse>;

/**
 * Response of `GET /dev-idp/jwks` (public keys only).
 *
 * @example
 * ```ts
 * const res: DevJwksResponse = { keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'dev-…', alg: 'ES256', use: 'sig' }], dev_mode: true };
 * ```
 */
export const DevJwksResponse = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String(),
  })),
  dev_mode: DevMode,
});
/**
 * Static type of {@link DevJwksResponse}.
 *
 * @example
 * ```ts
 * const value = response.json() as DevJwksResponse;
 * ```
 */
export type DevJwksResponse = Static<typeof DevJwksResponse>;

/**
 * Response of `GET /dev-idp/.well-known/openid-configuration`.
 *
 * @example
 * ```ts
 * const doc: DevDiscoveryResponse = { issuer: 'http://127.0.0.1:8787/dev-idp', jwks_uri: '…/jwks', dev_mode: true };
 * ```
 */
export const DevDiscoveryResponse = Type.Object(
  { issuer: Type.String(), jwks_uri: Type.String(), dev_mode: DevMode },
  { additionalProperties: true },
);
/**
 * Static type of {@link DevDiscoveryResponse}.
 *
 * @example
 * ```ts
 * const value = response.json() as DevDiscoveryResponse;
 * ```
 */
export type DevDiscoveryResponse = Static<typeof DevDiscoveryResponse>;
