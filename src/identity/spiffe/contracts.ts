import { Type, type Static } from 'typebox';

/**
 * Body of `POST /v1/dev/svids` (dev mode only).
 *
 * @example
 * ```ts
 * const body: DevSvidRequest = { kind: 'x509', spiffe_id: 'spiffe://writ.dev/ci/deploy', public_key_pem: '-----BEGIN PUBLIC KEY-----…', ttl_seconds: 3600 };
 * ```
 */
export const DevSvidRequest = Type.Object(
  {
    kind: Type.Union([Type.Literal('x509'), Type.Literal('jwt')]),
    spiffe_id: Type.String({ minLength: 1, maxLength: 2048 }),
    /** x509: the SPKI PEM public key to certify (the private key never leaves the caller). */
    public_key_pem: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
    /** jwt: audiences; default the server's `spiffe.audience`. */
    audience: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 10 })),
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    /** x509: extra DNS SANs (to use the SVID as a server certificate too). */
    dns_names: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9*.-]+$' }), { maxItems: 10 })),
    /** x509: extra IP address SANs. */
    ip_addresses: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 45 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
/**
 * Static type of {@link DevSvidRequest}.
 *
 * @example
 * ```ts
 * const body = request.body as DevSvidRequest;
 * ```
 */
export type DevSvidRequest = Static<typeof DevSvidRequest>;

/**
 * Response of `POST /v1/dev/svids`: an X.509-SVID (`certificate_pem` + `bundle_pem`)
 * or a JWT-SVID (`token`).
 *
 * @example
 * ```ts
 * const res: DevSvidResponse = { kind: 'jwt', spiffe_id: 'spiffe://writ.dev/ci/deploy', token: 'eyJ…', audience: ['writ-gateway'], expires_at: '2026-01-01T00:05:00.000Z', dev_mode: true };
 * ```
 */
export const DevSvidResponse = Type.Object({
  kind: Type.Union([Type.Literal('x509'), Type.Literal('jwt')]),
  spiffe_id: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  certificate_pem: Type.Optional(Type.String()),
  bundle_pem: Type.Optional(Type.String()),
  token: Type.Optional(Type.String()),
  audience: Type.Optional(Type.Array(Type.String())),
  dev_mode: Type.Literal(true, { description: 'Always true: issued by the built-in dev CA, trusted only where the dev bundle is.' }),
});
/**
 * Static type of {@link DevSvidResponse}.
 *
 * @example
 * ```ts
 * const svid = await client.post<DevSvidResponse>('/v1/dev/svids', body);
 * ```
 */
export type DevSvidResponse = Static<typeof DevSvidResponse>;

const JwtAuthorityWire = Type.Object({
  kid: Type.String(),
  kty: Type.String(),
  use: Type.Literal('jwt-svid'),
  alg: Type.Optional(Type.String()),
  crv: Type.Optional(Type.String()),
  x: Type.Optional(Type.String()),
  y: Type.Optional(Type.String()),
  n: Type.Optional(Type.String()),
  e: Type.Optional(Type.String()),
});

/**
 * Response of `GET /v1/spiffe/bundles`: the public trust bundles Writ verifies SVIDs
 * against, per trust domain, and the JWT-SVID audience it expects.
 *
 * @example
 * ```ts
 * const res: SpiffeBundlesResponse = { audience: 'writ-gateway', trust_domains: [{ name: 'writ.dev', dev: true, x509_authorities: [], jwt_authorities: [] }] };
 * ```
 */
export const SpiffeBundlesResponse = Type.Object({
  audience: Type.String(),
  trust_domains: Type.Array(
    Type.Object({
      name: Type.String(),
      dev: Type.Boolean(),
      x509_authorities: Type.Array(
        Type.Object({
          subject: Type.String(),
          not_before: Type.String({ format: 'date-time' }),
          not_after: Type.String({ format: 'date-time' }),
          fingerprint256: Type.String(),
          pem: Type.String(),
        }),
      ),
      jwt_authorities: Type.Array(JwtAuthorityWire),
    }),
  ),
});
/**
 * Static type of {@link SpiffeBundlesResponse}.
 *
 * @example
 * ```ts
 * const bundles = await client.get<SpiffeBundlesResponse>('/v1/spiffe/bundles');
 * ```
 */
export type SpiffeBundlesResponse = Static<typeof SpiffeBundlesResponse>;
