/**
 * Small in-memory implementations of the gateway's ports for pipeline tests: a
 * revocation view whose contents and freshness the test sets, epochs the test sets,
 * and an event sink that keeps what it got. Workload authentication in these tests
 * reads an SVID-like bearer `test-svid:<spiffe id>` (the real X.509/JWT-SVID
 * verification has its own tests under test/identity/spiffe/).
 */
import type { EnforcementEvent, EnforcementEventSink } from '../../../src/events/enforcement-event.ts';
import type { EpochStatus, EpochView, EpochWireState } from '../../../src/gateway/epochs/epoch-view.ts';
import type { RevocationCheck, RevocationView } from '../../../src/gateway/revocation/revocation-view.ts';
import type { PresentedCredentials, WorkloadAuthenticator, WorkloadAuthResult } from '../../../src/identity/spiffe/workload-authenticator.ts';

export class SetRevocations implements RevocationView {
  readonly jtis = new Set<string>();
  readonly kids = new Set<string>();
  readonly agents = new Set<string>();
  stale = false;
  check(s: { jti: string; kid: string; agent_id?: string | null; spiffe_id?: string | null }): RevocationCheck {
    const hit = this.jtis.has(s.jti) ? 'TOKEN_REVOKED' : this.kids.has(s.kid) ? 'KEY_REVOKED' : (s.agent_id && this.agents.has(s.agent_id)) || (s.spiffe_id && this.agents.has(s.spiffe_id)) ? 'AGENT_REVOKED' : null;
    return { hit, stale: this.stale, age_ms: this.stale ? 60_000 : 0 };
  }
}

export class SetEpochs implements EpochView {
  readonly states = new Map<number, EpochStatus>([[1, { value: 1, state: 'active', grace_window_seconds: 60, grace_remaining_ms: 0 }]]);
  async statusOf(epoch: number): Promise<EpochStatus> {
    return this.states.get(epoch) ?? { value: epoch, state: 'unknown', grace_window_seconds: 60, grace_remaining_ms: 0 };
  }
  async current(): Promise<{ value: number; state: EpochWireState; grace_window_seconds: number }> {
    for (const s of [...this.states.values()].reverse()) if (s.state === 'active') return { value: s.value, state: 'active', grace_window_seconds: s.grace_window_seconds };
    throw new Error('no active epoch');
  }
}

export class TestSvids implements WorkloadAuthenticator {
  async authenticate(presented: PresentedCredentials): Promise<WorkloadAuthResult> {
    const m = /^Bearer test-svid:(spiffe:\/\/\S+)$/.exec(presented.authorization ?? '');
    if (!presented.authorization) return { ok: false, reason: 'SVID_MISSING' };
    return m ? { ok: true, spiffe_id: m[1] as string, method: 'jwt-svid' } : { ok: false, reason: 'SVID_INVALID' };
  }
}

export class KeptEvents implements EnforcementEventSink {
  readonly events: EnforcementEvent[] = [];
  emit(e: EnforcementEvent): void {
    this.events.push(e);
  }
}
