/**
 * Property (issue 4 acceptance): for random intents and random signal states held in
 * the store, the engine's decision (`submitIntent`: live signals read from the store,
 * active bundle, decision recorded and ledgered) has the verdict, deny code, reasons
 * and approval obligations of a plain reference evaluation of the default bundle's
 * rules. Fewer runs than the pure policy property (each run writes and ledgers).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { cryptoIdSource } from '../../../src/common/ids.ts';
import { submitIntent } from '../../../src/engine/decisions/submit-intent.ts';
import type { EngineDeps } from '../../../src/engine/engine-deps.ts';
import { clearHold, openIncident, resolveIncident, setHold } from '../../../src/engine/signals/signal-store.ts';
import type { PolicySignals, ScopedSignal } from '../../../src/policy/intent.ts';
import { intentArb, reference, TARGETS, TIERS } from '../../policy/helpers/default-bundle-reference.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';

interface HoldSpec { kind: 'target' | 'environment'; name: string }
interface IncidentSpec { targets: string[]; environments: string[] }

const holdArb: fc.Arbitrary<HoldSpec> = fc.oneof(
  fc.record({ kind: fc.constant('target' as const), name: fc.constantFrom(...TARGETS) }),
  fc.record({ kind: fc.constant('environment' as const), name: fc.constantFrom(...TIERS.slice(0, 3)) }),
);
const incidentArb: fc.Arbitrary<IncidentSpec> = fc.record({ targets: fc.subarray(TARGETS, { maxLength: 2 }), environments: fc.subarray(TIERS.slice(0, 3), { maxLength: 1 }) });
const stateArb = fc.record({
  holds: fc.array(holdArb, { maxLength: 2 }),
  incidents: fc.array(incidentArb, { maxLength: 2 }),
  trusted: fc.subarray(['github', 'jira', 'slack', 'unknown-fs']),
});

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s.close());

test('the engine decides like the reference evaluation of the default bundle, signals read from the store', async () => {
  await fc.assert(
    fc.asyncProperty(intentArb, stateArb, async (intent, state) => {
      const ctx = { store: s.store, clock: s.clock, actor: 'property' };
      const holds = [];
      for (const h of state.holds) holds.push(await setHold(ctx, { scope_kind: h.kind, target: h.name, reason: 'property', author: 'p' }));
      const incidents = [];
      for (const i of state.incidents) incidents.push(await openIncident(ctx, { targets: i.targets, environments: i.environments, reason: 'property', author: 'p' }));
      try {
        const deps: EngineDeps = { store: s.store, clock: s.clock, ids: cryptoIdSource, ledger: s.ledger, keyring: s.keyring, trustedMcpServers: state.trusted };
        const { decision } = await submitIntent(deps, intent, 'property');
        const asSignal = (targets: readonly string[], environments: readonly string[], id: string): ScopedSignal => ({ id, targets, environments });
        const signals: PolicySignals = {
          phase_holds: holds.map((h) => (h.scope_kind === 'target' ? asSignal([h.target], [], h.id) : asSignal([], [h.target], h.id))),
          active_incidents: incidents.map((i) => asSignal(i.scope.targets, i.scope.environments, i.id)),
          trusted_mcp_servers: state.trusted,
        };
        const e = reference(intent, signals);
        assert.deepEqual(
          {
            verdict: decision.verdict,
            deny_code: decision.deny_code,
            reasons: decision.reasons,
            approvals_required: decision.obligations.approvals_required,
            approver_groups: decision.obligations.approver_groups,
            risk: decision.risk,
          },
          {
            verdict: e.verdict,
            deny_code: e.deny_code,
            reasons: e.reasons,
            approvals_required: e.obligations.approvals_required,
            approver_groups: e.obligations.approver_groups,
            risk: e.obligations.risk,
          },
          JSON.stringify({ intent, state }),
        );
        assert.equal(decision.status, e.verdict === 'allow' ? 'allowed' : e.verdict === 'deny' ? 'denied' : 'pending_approval');
      } finally {
        for (const h of holds) await clearHold(ctx, h.id, { author: 'p' });
        for (const i of incidents) await resolveIncident(ctx, i.id, { author: 'p' });
      }
    }),
    { numRuns: 60 },
  );
});
