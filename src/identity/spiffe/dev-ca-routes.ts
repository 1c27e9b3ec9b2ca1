import { createPublicKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { WritMode } from '../../config/config.ts';
import { WritError } from '../../errors/writ-error.ts';
import { requireAdmin } from '../../server/auth/require-admin.ts';
import { sendProblem } from '../../server/problem.ts';
import type { Store } from '../../store/store.ts';
import { DevSvidRequest, DevSvidResponse, SpiffeBundlesResponse } from './contracts.ts';
import type { SpiffeRuntime } from './spiffe-runtime.ts';

/**
 * What {@link devCaRoutes} needs.
 *
 * @example
 * ```ts
 * const deps: SpiffeRouteDeps = { store, mode: config.mode, spiffe };
 * ```
 */
export interface SpiffeRouteDeps {
  store: Store;
  mode: WritMode;
  spiffe: SpiffeRuntime;
}

/** Default lifetimes of dev SVIDs, in seconds. */
const DEFAULT_TTL = { x509: 3600, jwt: 300 } as const;

const tags = ['spiffe'];

function publicKeyFrom(pem: string | undefined): KeyObject {
  if (pem === undefined) throw new WritError('BAD_REQUEST', 'an X.509-SVID needs public_key_pem (the private key stays with the caller)', { reason: 'PUBLIC_KEY' });
  try {
    const key = createPublicKey({ key: pem, format: 'pem' });
    if (key.type !== 'public') throw new Error('not public');
    return key;
  } catch (err) {
    throw new WritError('BAD_REQUEST', 'public_key_pem is not a PEM public key', { reason: 'PUBLIC_KEY', cause: err });
  }
}

/**
 * SPIFFE routes: `GET /v1/spiffe/bundles` (public: the trust bundles and the
 * expected JWT-SVID audience) and `POST /v1/dev/svids` (admin only, dev mode only:
 * the built-in dev CA issues an X.509-SVID for a caller's public key, or a JWT-SVID;
 * outside dev mode, or with the dev CA off, it answers 403 `DEV_MODE_ONLY`).
 *
 * @example
 * ```ts
 * if (deps.spiffe) await app.register(async (scope) => devCaRoutes(scope, { store: deps.store, mode: deps.config.mode, spiffe: deps.spiffe }));
 * ```
 */
export async function devCaRoutes(app: FastifyInstance, deps: SpiffeRouteDeps): Promise<void> {
  app.get(
    '/v1/spiffe/bundles',
    { schema: { response: { 200: SpiffeBundlesResponse } }, config: { openapi: { summary: 'Trust bundles (per SPIFFE trust domain) that workload SVIDs are verified against', tags } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return {
        audience: deps.spiffe.audience,
        trust_domains: deps.spiffe.bundles.all().map((b) => ({
          name: b.trustDomain,
          dev: b.dev,
          x509_authorities: b.x509Authorities.map((c) => ({
            subject: c.subject,
            not_before: new Date(c.validFrom).toISOString(),
            not_after: new Date(c.validTo).toISOString(),
            fingerprint256: c.fingerprint256,
            pem: c.toString(),
          })),
          jwt_authorities: [...b.jwtAuthorities.values()].map((a) => {
            const { kty, crv, x, y, n, e } = a.jwk as Record<string, string | undefined>;
            return { kid: a.kid, kty: kty as string, use: 'jwt-svid' as const, ...(a.alg ? { alg: a.alg } : {}), ...(crv ? { crv } : {}), ...(x ? { x } : {}), ...(y ? { y } : {}), ...(n ? { n } : {}), ...(e ? { e } : {}) };
          }),
        })),
      };
    },
  );

  app.post(
    '/v1/dev/svids',
    {
      onRequest: requireAdmin(deps.store),
      schema: { body: DevSvidRequest, response: { 200: DevSvidResponse } },
      config: { openapi: { summary: 'DEV MODE ONLY: the built-in dev CA issues an X.509-SVID (for your public key) or a JWT-SVID', tags, admin: true } },
    },
    async (request, reply) => {
      const devCa = deps.spiffe.devCa;
      if (deps.mode !== 'dev' || !devCa) {
        return sendProblem(reply, 403, 'FORBIDDEN', 'the dev CA is only available in dev mode', { reason: 'DEV_MODE_ONLY' });
      }
      const body = request.body as DevSvidRequest;
      const ttlSeconds = body.ttl_seconds ?? DEFAULT_TTL[body.kind];
      if (body.kind === 'jwt') {
        const audience = body.audience ?? [deps.spiffe.audience];
        const { token, expiresAt } = await devCa.mintJwtSvid({ spiffeId: body.spiffe_id, audience, ttlSeconds });
        request.log.warn({ spiffe_id: body.spiffe_id, kind: 'jwt' }, 'dev CA issued an SVID (dev mode)');
        return { kind: 'jwt' as const, spiffe_id: body.spiffe_id, token, audience, expires_at: expiresAt.toISOString(), dev_mode: true as const };
      }
      if (body.ip_addresses?.some((ip) => isIP(ip) === 0)) throw new WritError('BAD_REQUEST', 'ip_addresses: expected IPv4 or IPv6 addresses', { reason: 'IP_ADDRESS' });
      const { certificate, bundle, expiresAt } = await devCa.mintX509Svid({
        spiffeId: body.spiffe_id,
        publicKey: publicKeyFrom(body.public_key_pem),
        ttlSeconds,
        ...(body.dns_names ? { dnsNames: body.dns_names } : {}),
        ...(body.ip_addresses ? { ipAddresses: body.ip_addresses } : {}),
      });
      request.log.warn({ spiffe_id: body.spiffe_id, kind: 'x509' }, 'dev CA issued an SVID (dev mode)');
      return {
        kind: 'x509' as const,
        spiffe_id: body.spiffe_id,
        certificate_pem: certificate.toString(),
        bundle_pem: bundle.map((c) => c.toString()).join(''),
        expires_at: expiresAt.toISOString(),
        dev_mode: true as const,
      };
    },
  );
}
