/**
 * Governance engine figures:
 *
 * - `engine.intent_to_decision` (decisions/s): `submitIntent` end to end with a
 *   running ledger sequencer: active bundle and live signals read, Cedar
 *   evaluation, the decision row and its two ledger entries (`intent.received`,
 *   `decision.recorded`) in one transaction, and the wait until the sequencer has
 *   integrated them under a signed checkpoint. 32 submissions in flight (a server
 *   under load), prod promotion intents (require_approval).
 *   Floor: the same writes without policy and without waiting for the ledger: one
 *   transaction inserting an identical decision row and the same two outbox rows,
 *   at the same concurrency. The ratio says what policy + sequencing cost on top
 *   of the bare durable write.
 * - `engine.intent_to_decision_shadow` (decisions/s): the same while a shadow run is
 *   running whose candidate diverges on every intent (prod promotion needs three
 *   approvals instead of two), so each decision also evaluates the candidate and writes
 *   a divergence row and its ledger entry: the worst case of shadow mode.
 *   Floor: `engine.intent_to_decision` of the same run (no shadow run).
 */
import { systemClock } from '../../src/common/clock.ts';
import { cryptoIdSource } from '../../src/common/ids.ts';
import { installDefaultPolicy } from '../../src/engine/activation/default-policy.ts';
import { submitIntent } from '../../src/engine/decisions/submit-intent.ts';
import type { EngineDeps } from '../../src/engine/engine-deps.ts';
import { engineDb } from '../../src/engine/tables.ts';
import { LedgerSequencer } from '../../src/ledger/sequencer.ts';
import type { Intent } from '../../src/policy/intent.ts';
import { startShadow } from '../../src/engine/lifecycle/shadow/shadow-runs.ts';
import { lifecycleDb } from '../../src/engine/lifecycle/tables.ts';
import type { BundleDocument } from '../../src/policy/bundle-document.ts';
import { storeBundle } from '../../src/policy/bundle-store.ts';
import { compileBundleDocument } from '../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';
import { throughput, type BenchContext, type BenchResult, type BenchSuite } from '../result.ts';
import { openBenchStore, type BenchStore } from './ledger.ts';

const IN_FLIGHT = 32;

function intent(i: number): Intent {
  return {
    action_scope: 'promotion',
    principal: { type: 'pipeline', id: `deploy-${i % 50}` },
    resource: { type: 'environment', id: `svc-${i % 200}/prod`, attrs: { tier: 'prod' } },
    execution_identity: { pipeline_id: `deploy-${i % 50}`, region: 'eu-west-1', env_tier: 'prod', spiffe_id: `spiffe://bench.example/ci/deploy-${i % 50}` },
    parameters: {},
    context: { artifact_digest: `sha256:${i.toString(16).padStart(64, '0')}`, change_ref: `CHG-${i}` },
  };
}

/** Runs `op(i)` with `inFlight` concurrent workers for `total` operations; returns ops/s. */
async function concurrentRate(total: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < total; i = next++) await op(i);
    }),
  );
  return (total / (performance.now() - start)) * 1000;
}

async function floorWrite(b: BenchStore, i: number): Promise<void> {
  const now = new Date();
  await b.store.transaction(async (trx) => {
    await engineDb(trx)
      .insertInto('decisions')
      .values({
        decision_id: `floor_${i}`,
        decision_hash: `sha256:${i.toString(16).padStart(64, '0')}`,
        body_jcs: JSON.stringify({ i, pad: 'x'.repeat(600) }),
        intent_jcs: JSON.stringify({ i, pad: 'x'.repeat(500) }),
        intent_digest: `sha256:${'a'.repeat(64)}`,
        idempotency_key: null,
        action_scope: 'promotion',
        principal_type: 'pipeline',
        principal_id: 'deploy',
        resource_id: 'svc/prod',
        exec_identity_hash: `sha256:${'b'.repeat(64)}`,
        spiffe_id: null,
        agent_id: null,
        pipeline_id: 'deploy',
        verdict: 'require_approval',
        approver_groups: '["platform-security","release-management"]',
        approvals_required: 2,
        policy_bundle_hash: `sha256:${'c'.repeat(64)}`,
        enforcement_epoch: 1,
        status: 'pending_approval',
        created_at: now,
        expires_at: now,
        status_changed_at: now,
      })
      .execute();
    await trx
      .insertInto('ledger_outbox')
      .values([
        { stream_id: `floor_${i}`, entry_type: 'intent.received', payload: JSON.stringify({ i, pad: 'x'.repeat(300) }) },
        { stream_id: `floor_${i}`, entry_type: 'decision.recorded', payload: JSON.stringify({ i, pad: 'x'.repeat(700) }) },
      ])
      .execute();
  });
}

async function run(kind: 'pglite' | 'postgres', ctx: BenchContext): Promise<BenchResult[]> {
  const b = await openBenchStore(kind, ctx);
  await b.keyring.ensureActiveKey('token');
  const ledger = new LedgerSequencer({ store: b.store, keyring: b.keyring, clock: systemClock, origin: 'writ.bench/engine', maxBatchDelayMs: 2, idlePollMs: 50 });
  try {
    await installDefaultPolicy(b.store, systemClock);
    const deps: EngineDeps = { store: b.store, clock: systemClock, ids: cryptoIdSource, ledger, keyring: b.keyring };
    const total = ctx.quick ? 400 : 4000;
    // Floor first, with the sequencer stopped: bare writes only.
    await concurrentRate(100, IN_FLIGHT, (i) => floorWrite(b, 1_000_000 + i));
    const floor = await concurrentRate(total, IN_FLIGHT, (i) => floorWrite(b, i));
    await ledger.start();
    await concurrentRate(100, IN_FLIGHT, (i) => submitIntent(deps, intent(1_000_000 + i), 'bench'));
    const rate = await concurrentRate(total, IN_FLIGHT, async (i) => {
      const r = await submitIntent(deps, intent(i), 'bench');
      if (r.decision.verdict !== 'require_approval') throw new Error(`unexpected verdict ${r.decision.verdict}`);
    });
    ctx.log(`  ${kind}: ${total} intents at ${IN_FLIGHT} in flight: ${rate.toFixed(0)} decisions/s (floor ${floor.toFixed(0)}/s)`);
    // Shadow mode, worst case: the candidate diverges on every intent.
    const candidate = loadBundleDir(DEFAULT_BUNDLE_DIR).document as BundleDocument;
    const stricter = compileBundleDocument({
      ...candidate,
      manifest: { ...candidate.manifest, version: 'bench-shadow' },
      policies: candidate.policies.map((f) => (f.file === 'promotion.cedar' ? { ...f, text: f.text.replace('@approvals("2")', '@approvals("3")') } : f)),
      tests: [],
    });
    await b.store.transaction((trx) => storeBundle(trx, stricter, new Date()));
    await startShadow(deps, { kind: 'admin' }, { policy_bundle_hash: stricter.policy_bundle_hash, min_observation_hours: 0 }, 0);
    const shadowed = await concurrentRate(total, IN_FLIGHT, async (i) => {
      const r = await submitIntent(deps, intent(2_000_000 + i), 'bench');
      if (r.decision.verdict !== 'require_approval') throw new Error(`unexpected verdict ${r.decision.verdict}`);
    });
    const recorded = await lifecycleDb(b.store.db).selectFrom('policy_shadow_divergences').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(recorded.n) < total) throw new Error(`expected a divergence per shadowed intent, got ${recorded.n} for ${total}`);
    ctx.log(`  ${kind}: with a shadow run diverging on every intent: ${shadowed.toFixed(0)} decisions/s (without: ${rate.toFixed(0)}/s)`);
    return [
      throughput('engine.intent_to_decision', kind, rate, 'decisions/s', 'decision row + 2 outbox rows per transaction, no policy, no ledger wait', floor),
      throughput('engine.intent_to_decision_shadow', kind, shadowed, 'decisions/s', 'engine.intent_to_decision of the same run (no shadow run)', rate),
    ];
  } finally {
    await ledger.stop();
    await b.close();
  }
}

/** The engine bench suite. */
export const engineSuite: BenchSuite = {
  name: 'engine',
  async run(ctx) {
    const results: BenchResult[] = [];
    for (const kind of ctx.stores) results.push(...(await run(kind, ctx)));
    return results;
  },
};
