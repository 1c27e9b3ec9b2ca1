/**
 * One gateway replica for fault tests, built like `writ serve` builds it but in
 * process: the real ledger sequencer, the real `RevocationMesh` (PostgreSQL LISTEN
 * and/or NATS as given) and `StoreEpochs`, the real clock, listening on loopback.
 * Workload identity is the test bearer `test-svid:<spiffe id>` (`TestSvids`); the
 * commit sweeper is driven by hand. Also: allowed decisions with pre-issued tokens,
 * and one timed HTTP call of `POST /v1/authorize_execution`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../../../src/common/clock.ts';
import { cryptoIdSource } from '../../../src/common/ids.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { installDefaultPolicy } from '../../../src/engine/activation/default-policy.ts';
import { submitIntent } from '../../../src/engine/decisions/submit-intent.ts';
import type { EngineDeps } from '../../../src/engine/engine-deps.ts';
import { issueToken } from '../../../src/engine/tokens/issue-token.ts';
import { CommitSweeper } from '../../../src/gateway/commit/commit-sweeper.ts';
import { StoreEpochs } from '../../../src/gateway/epochs/store-epochs.ts';
import { RevocationMesh } from '../../../src/gateway/revocation/revocation-mesh.ts';
import { LedgerSequencer, enqueueInTransaction } from '../../../src/ledger/sequencer.ts';
import { buildServer } from '../../../src/server/build-server.ts';
import { createLogger } from '../../../src/server/logger.ts';
import { gatewayDepsOf } from '../../../src/server/routes/authorize.ts';
import type { GatewayServices } from '../../../src/server/server-deps.ts';
import type { Store } from '../../../src/store/store.ts';
import { LogCapture } from '../../harness/test-server.ts';
import { KeptEvents, TestSvids } from '../helpers/ports.ts';

export const SPIFFE = 'spiffe://acme.example/ci/deploy-main';
export const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'stage' as const, spiffe_id: SPIFFE };
export const ORIGIN = 'writ.test/faults';

/** A replica listening on loopback. */
export interface FaultReplica {
  url: string;
  app: FastifyInstance;
  store: Store;
  keyring: Keyring;
  ledger: LedgerSequencer;
  revocations: RevocationMesh;
  events: KeptEvents;
  engine: EngineDeps;
  /** warn and above, as JSON lines. */
  logs: LogCapture;
  sweeper: CommitSweeper;
  close(): Promise<void>;
}

/** Options of {@link startReplica}. */
export interface ReplicaOptions {
  store: Store;
  /** PostgreSQL URL for the mesh's LISTEN client. */
  databaseUrl?: string;
  natsUrl?: string;
  stalenessMs: number;
  resyncIntervalMs: number;
}

/** Builds and starts a replica on a migrated store (keys and the default policy are installed). */
export async function startReplica(o: ReplicaOptions): Promise<FaultReplica> {
  const clock = systemClock;
  const { store } = o;
  const keyring = new Keyring({
    store,
    provider: new LocalKeyProvider(randomBytes(32)),
    clock,
    audit: async (trx, { type, ...payload }) => {
      await enqueueInTransaction(trx, [{ stream_id: 'system.keyring', entry_type: type, payload }]);
    },
  });
  await keyring.ensureActiveKey('token');
  await keyring.ensureActiveKey('ledger');
  await installDefaultPolicy(store, clock);
  const logs = new LogCapture();
  const logger = createLogger('warn', logs);
  const ledger = new LedgerSequencer({ store, keyring, clock, origin: ORIGIN, maxBatchDelayMs: 2, idlePollMs: 20, logger });
  const revocations = new RevocationMesh({
    store,
    clock,
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
    ...(o.natsUrl ? { natsUrl: o.natsUrl } : {}),
    stalenessMs: o.stalenessMs,
    resyncIntervalMs: o.resyncIntervalMs,
    logger,
  });
  const epochs = new StoreEpochs({ store });
  const events = new KeptEvents();
  const home = mkdtempSync(join(tmpdir(), 'writ-faults-'));
  const config = loadConfig({ env: { WRIT_HOME: home }, cwd: home });
  const gateway: GatewayServices = { revocations, epochs, workloads: new TestSvids(), events, audience: 'writ-gateway' };
  await ledger.start();
  await revocations.start();
  const app = await buildServer({ config, store, keyring, clock, logger, ledger, version: 'test', revocations, epochs, gateway });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const sweeper = new CommitSweeper(gatewayDepsOf({ config, store, keyring, clock, logger, ledger, version: 'test' }, gateway));
  return {
    url: `http://127.0.0.1:${port}`,
    app, store, keyring, ledger, revocations, events, logs, sweeper,
    engine: { store, clock, ids: cryptoIdSource, ledger, keyring },
    async close() {
      try {
        await app.close();
      } finally {
        await revocations.stop();
        await ledger.stop();
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}

/** A pre-issued token and the decision it is for. */
export interface Ticket {
  token: string;
  jti: string;
  decision_hash: string;
}

/**
 * `count` tokens over `decisions` allowed stage-promotion decisions (issuance is
 * sequential per decision, so several decisions issue in parallel).
 */
export async function issueTickets(engine: EngineDeps, count: number, decisions = 16): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  const run = randomBytes(3).toString('hex');
  await Promise.all(
    Array.from({ length: Math.min(decisions, count) }, async (_, d) => {
      const { decision } = await submitIntent(engine, {
        action_scope: 'promotion',
        principal: { type: 'pipeline', id: 'deploy-main' },
        resource: { type: 'environment', id: `svc-fault-${run}-${d}/stage`, attrs: { tier: 'stage' } },
        execution_identity: IDENTITY,
        parameters: {},
        context: { change_ref: 'CHG-FAULT' },
      }, 'test');
      if (decision.status !== 'allowed') throw new Error(`expected an allowed decision, got ${decision.status}`);
      for (let i = d; i < count; i += decisions) {
        const t = await issueToken(engine, decision.decision_id, { kind: 'admin' });
        tickets.push({ token: t.token, jti: t.claims.jti, decision_hash: decision.decision_hash });
      }
    }),
  );
  return tickets;
}

/** The outcome of one HTTP call of authorize_execution. */
export interface Shot {
  /** performance.now() at send and at answer. */
  start: number;
  end: number;
  /** HTTP status, or how the call failed without one. */
  status: number | 'conn_error' | 'timeout';
  verdict?: 'ALLOW' | 'DENY';
  code?: string;
  authorization_id?: string;
  /** The gateway's evaluation instant (from the response). */
  evaluated_at?: string;
  jti: string;
  error?: string;
}

/** POSTs one authorize_execution with `ticket` (never throws). */
export async function authorize(baseUrl: string, ticket: Ticket, timeoutMs = 10_000): Promise<Shot> {
  const start = performance.now();
  const body = { decision_hash: ticket.decision_hash, attestation_token: ticket.token, action_scope: 'promotion', execution_identity: IDENTITY, requested_at: new Date().toISOString() };
  try {
    const res = await fetch(`${baseUrl}/v1/authorize_execution`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer test-svid:${SPIFFE}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const shot: Shot = { start, end: performance.now(), status: res.status, jti: ticket.jti };
    try {
      const json = JSON.parse(text) as { verdict?: unknown; denial_code?: unknown; authorization_id?: unknown; evaluated_at?: unknown };
      if (json.verdict === 'ALLOW' || json.verdict === 'DENY') shot.verdict = json.verdict;
      if (typeof json.denial_code === 'string') shot.code = json.denial_code;
      if (typeof json.authorization_id === 'string') shot.authorization_id = json.authorization_id;
      if (typeof json.evaluated_at === 'string') shot.evaluated_at = json.evaluated_at;
    } catch {
      shot.error = text.slice(0, 200);
    }
    if (res.status >= 500) shot.error = text.slice(0, 500);
    return shot;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { start, end: performance.now(), status: timedOut ? 'timeout' : 'conn_error', jti: ticket.jti, error: `${e.message} ${e.cause?.code ?? ''}`.trim() };
  }
}

/** Polls `cond` (every `everyMs`) until it is truthy; throws after `timeoutMs`. Returns the truthy value. */
export async function waitFor<T>(cond: () => Promise<T> | T, timeoutMs: number, what: string, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
