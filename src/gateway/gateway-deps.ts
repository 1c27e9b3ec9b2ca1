import type { EngineDeps } from '../engine/engine-deps.ts';
import type { EnforcementEventSink } from '../events/enforcement-event.ts';
import type { WorkloadAuthenticator } from '../identity/spiffe/workload-authenticator.ts';
import type { EpochView } from './epochs/epoch-view.ts';
import type { RevocationView } from './revocation/revocation-view.ts';
import type { AttestationVerifier } from './token/attestation-verifier.ts';

/**
 * What the execution gateway needs: the engine's dependencies plus the per-replica
 * views (revocations, epochs), workload authentication and the event sink.
 *
 * @example
 * ```ts
 * const gw: GatewayDeps = { ...engine, tokens: new AttestationVerifier(keyring), revocations, epochs, workloads, events, audience: 'writ-gateway' };
 * ```
 */
export interface GatewayDeps extends EngineDeps {
  tokens: AttestationVerifier;
  revocations: RevocationView;
  epochs: EpochView;
  workloads: WorkloadAuthenticator;
  events: EnforcementEventSink;
  /** The audience JWT-SVIDs must name (this gateway). */
  audience: string;
  /** An ALLOW not integrated into the ledger within this many ms is compensated (default 30 s). */
  commitTimeoutMs?: number;
}
