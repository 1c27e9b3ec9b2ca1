/**
 * How the gateway (and intent / token routes) learn which workload is calling: an
 * X.509-SVID presented on mTLS, or a JWT-SVID in `Authorization: Bearer` (DESIGN §3.9).
 *
 * @module
 */

/** Why a workload could not be authenticated (gateway step 6 reasons). */
export type WorkloadAuthFailure = 'SVID_MISSING' | 'SVID_INVALID';

/**
 * The authenticated workload, or why not.
 *
 * @example
 * ```ts
 * const r: WorkloadAuthResult = { ok: true, spiffe_id: 'spiffe://acme.example/ci/deploy-main', method: 'jwt-svid' };
 * ```
 */
export type WorkloadAuthResult =
  | { ok: true; spiffe_id: string; method: 'x509-svid' | 'jwt-svid' }
  | { ok: false; reason: WorkloadAuthFailure; detail?: string };

/**
 * What a request carries that can prove a workload identity.
 *
 * @example
 * ```ts
 * const presented: PresentedCredentials = { authorization: request.headers.authorization, peerCertificateChain: chainDer };
 * ```
 */
export interface PresentedCredentials {
  /** The raw `Authorization` header, if any (a JWT-SVID as `Bearer …`). */
  authorization?: string | undefined;
  /** The TLS peer's certificate chain, leaf first, DER (an X.509-SVID on mTLS). */
  peerCertificateChain?: readonly Uint8Array[] | undefined;
}

/**
 * Verifies SVIDs against per-trust-domain bundles. Never throws: every failure is a
 * result (the gateway denies on it).
 *
 * @example
 * ```ts
 * const who = await authenticator.authenticate(presented, { audience: 'writ-gateway', now: clock.now() });
 * ```
 */
export interface WorkloadAuthenticator {
  authenticate(presented: PresentedCredentials, options: { audience: string; now: Date }): Promise<WorkloadAuthResult>;
}
