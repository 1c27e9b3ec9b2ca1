import { verifyJwtSvid } from './jwt-svid.ts';
import type { TrustBundleSet } from './trust-bundles.ts';
import type { PresentedCredentials, WorkloadAuthenticator, WorkloadAuthResult } from './workload-authenticator.ts';
import { verifyX509Svid } from './x509-svid.ts';

/**
 * Options of {@link SpiffeWorkloadAuthenticator}.
 *
 * @example
 * ```ts
 * const options: SpiffeAuthenticatorOptions = { bundles, clockSkewSeconds: 30 };
 * ```
 */
export interface SpiffeAuthenticatorOptions {
  /** The trust bundles (per trust domain) SVIDs are verified against. */
  bundles: TrustBundleSet;
  /** Allowed skew for JWT-SVID exp / nbf / iat; default 30 s. X.509 validity has none. */
  clockSkewSeconds?: number;
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * The SPIFFE {@link WorkloadAuthenticator}: an X.509-SVID from the TLS peer chain
 * when one was presented (then any `Authorization` header is not looked at),
 * otherwise a JWT-SVID from `Authorization: Bearer`. No credential gives
 * `SVID_MISSING`; every failure gives `SVID_INVALID` whose `detail` is a stable
 * reason (`x509:EXPIRED`, `jwt:AUDIENCE_MISMATCH`, …). It never throws.
 *
 * @example
 * ```ts
 * const authenticator = new SpiffeWorkloadAuthenticator({ bundles });
 * const who = await authenticator.authenticate({ authorization: 'Bearer eyJ…' }, { audience: 'writ-gateway', now: clock.now() });
 * ```
 */
export class SpiffeWorkloadAuthenticator implements WorkloadAuthenticator {
  readonly #bundles: TrustBundleSet;
  readonly #skew: number;

  constructor(options: SpiffeAuthenticatorOptions) {
    this.#bundles = options.bundles;
    this.#skew = options.clockSkewSeconds ?? 30;
  }

  /** The bundles this authenticator trusts. */
  get bundles(): TrustBundleSet {
    return this.#bundles;
  }

  async authenticate(presented: PresentedCredentials, options: { audience: string; now: Date }): Promise<WorkloadAuthResult> {
    try {
      const chain = presented?.peerCertificateChain;
      if (chain && chain.length > 0) {
        const r = verifyX509Svid(chain, this.#bundles, options.now);
        return r.ok ? { ok: true, spiffe_id: r.spiffeId.id, method: 'x509-svid' } : { ok: false, reason: 'SVID_INVALID', detail: `x509:${r.reason}` };
      }
      const header = presented?.authorization;
      if (header === undefined || header === '') return { ok: false, reason: 'SVID_MISSING' };
      if (typeof header !== 'string') return { ok: false, reason: 'SVID_INVALID', detail: 'jwt:MALFORMED' };
      const match = BEARER.exec(header);
      if (!match) return { ok: false, reason: /^bearer\b/i.test(header) ? 'SVID_INVALID' : 'SVID_MISSING', detail: 'jwt:MALFORMED' };
      const r = await verifyJwtSvid(match[1] as string, this.#bundles, { audience: options.audience, now: options.now, clockSkewSeconds: this.#skew });
      return r.ok ? { ok: true, spiffe_id: r.spiffeId.id, method: 'jwt-svid' } : { ok: false, reason: 'SVID_INVALID', detail: `jwt:${r.reason}` };
    } catch {
      return { ok: false, reason: 'SVID_INVALID', detail: 'INTERNAL' };
    }
  }
}
