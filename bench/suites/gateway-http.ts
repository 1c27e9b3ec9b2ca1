/**
 * authorize_execution over HTTP (issue 5), PostgreSQL only, the server in a child
 * process, autocannon on loopback, every request a fresh token:
 *
 * - `gateway.http_1000rps_p50` / `_p99` (ms) at a fixed 1,000 requests/s, next to a
 *   bare Fastify route answering the same body shape at the same rate (the floor:
 *   HTTP + JSON on this machine);
 * - `gateway.http_max` (authorizations/s) with 32 connections and no rate limit, next
 *   to the bare route's maximum.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { systemClock } from '../../src/common/clock.ts';
import { cryptoIdSource } from '../../src/common/ids.ts';
import { Keyring } from '../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../src/crypto/keyring/local-key-provider.ts';
import { signCompactJws } from '../../src/crypto/jws/sign-compact.ts';
import { installDefaultPolicy } from '../../src/engine/activation/default-policy.ts';
import { submitIntent } from '../../src/engine/decisions/submit-intent.ts';
import { ATTESTATION_TOKEN_TYP, attestationClaims } from '../../src/engine/tokens/claims.ts';
import { LedgerSequencer } from '../../src/ledger/sequencer.ts';
import { openPostgresStore } from '../../src/store/open-store.ts';
import { scratchDatabase } from '../scratch-database.ts';
import { round, type BenchContext, type BenchResult, type BenchSuite } from '../result.ts';

const SPIFFE = 'spiffe://bench.example/ci/deploy';
const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy', region: 'eu-west-1', env_tier: 'stage' as const, spiffe_id: SPIFFE };

async function startChild(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('../http-server.ts', import.meta.url).pathname], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /PORT (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  return { child, port };
}

async function load(port: number, bodies: string[], opts: { rate?: number; seconds: number; connections: number }) {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/authorize_execution`,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer test-svid:${SPIFFE}` }, setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] as string }) }],
  });
  return result;
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const db = await scratchDatabase(ctx, 'http');
  const masterKey = randomBytes(32);
  const children: ChildProcess[] = [];
  try {
    const store = await openPostgresStore(db.url);
    const keyring = new Keyring({ store, provider: new LocalKeyProvider(masterKey), clock: systemClock });
    await keyring.ensureActiveKey('token');
    await keyring.ensureActiveKey('ledger');
    await installDefaultPolicy(store, systemClock);
    const ledger = new LedgerSequencer({ store, keyring, clock: systemClock, origin: 'writ.bench/http', maxBatchDelayMs: 2 });
    await ledger.start();
    const { decision } = await submitIntent({ store, clock: systemClock, ids: cryptoIdSource, ledger, keyring }, { action_scope: 'promotion', principal: { type: 'pipeline', id: 'deploy' }, resource: { type: 'environment', id: 'svc/stage', attrs: { tier: 'stage' } }, execution_identity: IDENTITY }, 'bench');
    await ledger.stop();
    const signer = await keyring.activeSigner('token');
    const seconds = ctx.quick ? 3 : 10;
    const count = 1000 * seconds + 12_000 * seconds;
    const now = Math.floor(Date.now() / 1000);
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) {
      const token = await signCompactJws(signer, { typ: ATTESTATION_TOKEN_TYP }, attestationClaims({ decision, jti: Buffer.from(cryptoIdSource.randomBytes(16)).toString('base64url'), kid: signer.kid, issuedAt: now, ttlSeconds: 300 }));
      bodies.push(JSON.stringify({ decision_hash: decision.decision_hash, attestation_token: token, action_scope: 'promotion', execution_identity: IDENTITY, requested_at: new Date().toISOString() }));
    }
    await store.close();
    const gw = await startChild({ WRIT_BENCH_DATABASE: db.url, WRIT_BENCH_MASTER_KEY: masterKey.toString('hex') });
    children.push(gw.child);
    const bare = await startChild({ BARE: '1' });
    children.push(bare.child);
    await load(bare.port, bodies.slice(0, 500), { seconds: 1, connections: 8 });
    const bareFixed = await load(bare.port, bodies, { rate: 1000, seconds, connections: 16 });
    const bareMax = await load(bare.port, bodies, { seconds, connections: 32 });
    // Fresh tokens for each gateway run: a replayed token would be a (cheaper) DENY.
    const fixedBodies = bodies.slice(0, 1000 * seconds + 1000);
    const maxBodies = bodies.slice(1000 * seconds + 1000);
    const fixed = await load(gw.port, fixedBodies, { rate: 1000, seconds, connections: 16 });
    const max = await load(gw.port, maxBodies, { seconds, connections: 32 });
    const non2xx = fixed.non2xx + max.non2xx;
    ctx.log(`  postgres: 1000 rps p50 ${fixed.latency.p50} ms p99 ${fixed.latency.p99} ms (bare ${bareFixed.latency.p50}/${bareFixed.latency.p99}); max ${max.requests.average}/s (bare ${bareMax.requests.average}/s); non-2xx ${non2xx}`);
    const lat = (n: string, v: number, f: number): BenchResult => ({ name: n, store: 'postgres', value: round(v, 2), unit: 'ms', floor_name: 'bare Fastify route, same body, same rate', floor_value: round(f, 2), ratio: round(f / Math.max(v, 0.001), 3) });
    return [
      lat('gateway.http_1000rps_p50', fixed.latency.p50, bareFixed.latency.p50),
      lat('gateway.http_1000rps_p99', fixed.latency.p99, bareFixed.latency.p99),
      { name: 'gateway.http_max', store: 'postgres', value: round(max.requests.average), unit: 'authorizations/s', floor_name: 'bare Fastify route, 32 connections', floor_value: round(bareMax.requests.average), ratio: round(max.requests.average / bareMax.requests.average, 3) },
    ];
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await db.drop().catch(() => undefined);
  }
}

/** The HTTP gateway bench suite (PostgreSQL only). */
export const gatewayHttpSuite: BenchSuite = {
  name: 'gateway-http',
  async run(ctx) {
    if (!ctx.stores.includes('postgres')) {
      ctx.log('  gateway-http: PostgreSQL unreachable, skipped');
      return [];
    }
    return run(ctx);
  },
};
