/**
 * Execution gateway figures (issue 5):
 *
 * - `gateway.authorize_inprocess` (authorizations/s, 16 in flight) and
 *   `gateway.authorize_inprocess_p50` / `_p99` (µs, one at a time): the whole
 *   authorize_execution pipeline called in process: token verification, replay check,
 *   revocation and epoch views, identity binding, the drift guard's reads, and the
 *   transaction that consumes the jti and writes the authorization record to the
 *   outbox, with a running ledger sequencer integrating the records.
 *   Floor (same run): one raw Ed25519 verify with node:crypto plus one single-row
 *   INSERT, back to back; throughput floor = 1 / (verify + insert) per worker, at
 *   the same concurrency.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { sql } from 'kysely';
import { systemClock } from '../../src/common/clock.ts';
import { cryptoIdSource } from '../../src/common/ids.ts';
import { signCompactJws } from '../../src/crypto/jws/sign-compact.ts';
import { installDefaultPolicy } from '../../src/engine/activation/default-policy.ts';
import { submitIntent } from '../../src/engine/decisions/submit-intent.ts';
import { ATTESTATION_TOKEN_TYP, attestationClaims } from '../../src/engine/tokens/claims.ts';
import { authorizeExecution } from '../../src/gateway/authorize/authorize-execution.ts';
import type { GatewayDeps } from '../../src/gateway/gateway-deps.ts';
import { AttestationVerifier } from '../../src/gateway/token/attestation-verifier.ts';
import { LedgerSequencer } from '../../src/ledger/sequencer.ts';
import { KeptEvents, SetEpochs, SetRevocations, TestSvids } from '../../test/gateway/helpers/ports.ts';
import { round, throughput, type BenchContext, type BenchResult, type BenchSuite } from '../result.ts';
import { openBenchStore } from './ledger.ts';

const SPIFFE = 'spiffe://bench.example/ci/deploy';
const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy', region: 'eu-west-1', env_tier: 'stage' as const, spiffe_id: SPIFFE };
const IN_FLIGHT = 16;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function run(kind: 'pglite' | 'postgres', ctx: BenchContext): Promise<BenchResult[]> {
  const b = await openBenchStore(kind, ctx);
  await b.keyring.ensureActiveKey('token');
  const ledger = new LedgerSequencer({ store: b.store, keyring: b.keyring, clock: systemClock, origin: 'writ.bench/gateway', maxBatchDelayMs: 2, idlePollMs: 50 });
  await ledger.start();
  try {
    await installDefaultPolicy(b.store, systemClock);
    const events = new KeptEvents();
    const deps: GatewayDeps = {
      store: b.store, clock: systemClock, ids: cryptoIdSource, ledger, keyring: b.keyring,
      tokens: new AttestationVerifier(b.keyring), revocations: new SetRevocations(), epochs: new SetEpochs(), workloads: new TestSvids(), events, audience: 'writ-gateway',
    };
    const { decision } = await submitIntent(deps, { action_scope: 'promotion', principal: { type: 'pipeline', id: 'deploy' }, resource: { type: 'environment', id: 'svc/stage', attrs: { tier: 'stage' } }, execution_identity: IDENTITY }, 'bench');
    if (decision.status !== 'allowed') throw new Error(`bench decision is ${decision.status}`);
    const signer = await b.keyring.activeSigner('token');
    const n = ctx.quick ? 400 : 4000;
    const sequentialN = ctx.quick ? 200 : 2000;
    const mint = async (count: number) => {
      const now = Math.floor(Date.now() / 1000);
      const out: string[] = [];
      for (let i = 0; i < count; i++) out.push(await signCompactJws(signer, { typ: ATTESTATION_TOKEN_TYP }, attestationClaims({ decision, jti: Buffer.from(cryptoIdSource.randomBytes(16)).toString('base64url'), kid: signer.kid, issuedAt: now, ttlSeconds: 300 })));
      return out;
    };
    const presented = { authorization: `Bearer test-svid:${SPIFFE}` };
    const call = async (token: string) => {
      const out = await authorizeExecution(deps, { decision_hash: decision.decision_hash, attestation_token: token, action_scope: 'promotion', execution_identity: IDENTITY, requested_at: new Date().toISOString() }, presented);
      if (out.response.verdict !== 'ALLOW') throw new Error(`bench authorization denied: ${out.denial?.code}/${out.denial?.reason}`);
      events.events.length = 0;
    };
    // Latency, one at a time.
    const warm = await mint(100);
    for (const t of warm) await call(t);
    const seqTokens = await mint(sequentialN);
    const lat: number[] = [];
    for (const t of seqTokens) {
      const t0 = process.hrtime.bigint();
      await call(t);
      lat.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    lat.sort((x, y) => x - y);
    // Throughput, IN_FLIGHT at a time.
    const tpTokens = await mint(n);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < tpTokens.length; i = next++) await call(tpTokens[i]!);
    }));
    const rate = (tpTokens.length / (performance.now() - t0)) * 1000;

    // Floor: one raw Ed25519 verify + one single-row insert, back to back.
    await sql`create table bench_floor (id bigserial primary key, jti text not null, at timestamptz not null)`.execute(b.store.db);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const msg = Buffer.from(seqTokens[0]!.split('.').slice(0, 2).join('.'));
    const sig = sign(null, msg, privateKey);
    const floorOp = async (i: number) => {
      if (!verify(null, msg, publicKey, sig)) throw new Error('floor verify failed');
      await sql`insert into bench_floor (jti, at) values (${`jti-${i}`}, ${new Date()})`.execute(b.store.db);
    };
    for (let i = 0; i < 100; i++) await floorOp(i);
    const floorLat: number[] = [];
    for (let i = 0; i < sequentialN; i++) {
      const s0 = process.hrtime.bigint();
      await floorOp(i);
      floorLat.push(Number(process.hrtime.bigint() - s0) / 1000);
    }
    floorLat.sort((x, y) => x - y);
    next = 0;
    const f0 = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < n; i = next++) await floorOp(i);
    }));
    const floorRate = (n / (performance.now() - f0)) * 1000;
    ctx.log(`  ${kind}: authorize ${rate.toFixed(0)}/s (floor ${floorRate.toFixed(0)}/s), p50 ${pct(lat, 0.5).toFixed(0)} µs p99 ${pct(lat, 0.99).toFixed(0)} µs (floor p50 ${pct(floorLat, 0.5).toFixed(0)} µs)`);
    const latency = (name: string, v: number, f: number): BenchResult => ({ name, store: kind, value: round(v), unit: 'µs', floor_name: 'Ed25519 verify + single-row insert', floor_value: round(f), ratio: round(f / v, 3) });
    return [
      throughput('gateway.authorize_inprocess', kind, rate, 'authorizations/s', `Ed25519 verify + single-row insert, ${IN_FLIGHT} in flight`, floorRate),
      latency('gateway.authorize_inprocess_p50', pct(lat, 0.5), pct(floorLat, 0.5)),
      latency('gateway.authorize_inprocess_p99', pct(lat, 0.99), pct(floorLat, 0.99)),
    ];
  } finally {
    await ledger.stop();
    await b.close();
  }
}

/** The gateway bench suite. */
export const gatewaySuite: BenchSuite = {
  name: 'gateway',
  async run(ctx) {
    const results: BenchResult[] = [];
    for (const kind of ctx.stores) results.push(...(await run(kind, ctx)));
    return results;
  },
};
