/**
 * Acceptance (issue 5), fault 2: NATS down with NATS configured. A gateway replica
 * (in process, real clock) whose `RevocationMesh` has the `natsUrl` of a private
 * nats-server, a short staleness bound and a fast resync. The server is killed
 * (SIGKILL) while probers call authorize_execution with fresh tokens. Asserted, with
 * bound + one resync interval as the limit L: the view turns stale within L of the
 * kill (its last successful NATS round trip + the bound; also sampled in memory every
 * 5 ms, reported); every call the gateway evaluates after that instant is DENY
 * REVOCATION_UNCERTAIN (no ALLOW), and there are such calls; the time from the kill to
 * the first REVOCATION_UNCERTAIN evaluation (`evaluated_at` of the answer) is
 * measured and ≤ L whenever a call was evaluated between the stale instant and L. The server is
 * started again on the same port: the replica reconnects and ALLOWs again. Never a
 * 5xx.
 *
 * The store is a private PostgreSQL (as in the scaled deployment NATS belongs to; the
 * mesh also LISTENs on it) when one can run here, else the test store. Skips (with
 * the reason) when nats-server cannot run here; WRIT_FAULT_TESTS_REQUIRED=1 makes
 * that a failure.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { openPostgresStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { natsInstanceUnavailable, startNatsInstance, type NatsInstance } from '../../harness/nats-instance.ts';
import { pgInstanceUnavailable, startPgInstance, type PgInstance } from '../../harness/pg-instance.ts';
import { openTestStore } from '../../harness/test-store.ts';
import { authorize, issueTickets, startReplica, waitFor, type FaultReplica, type Shot, type Ticket } from './replica.ts';

const STALENESS_MS = 500;
const RESYNC_MS = 100;
const LIMIT_MS = STALENESS_MS + RESYNC_MS;
const PROBERS = 4;

let nats: NatsInstance | undefined;
let skip: string | false = natsInstanceUnavailable();
if (!skip) {
  try {
    nats = await startNatsInstance();
  } catch (err) {
    skip = `a private nats-server cannot run here: ${(err as Error).message.split('\n')[0]}`;
  }
}
if (skip && process.env.WRIT_FAULT_TESTS_REQUIRED === '1') throw new Error(skip);
let pgi: PgInstance | undefined;
if (!skip && !pgInstanceUnavailable()) pgi = await startPgInstance().catch(() => undefined);

let store: Store | undefined;
let replica: FaultReplica | undefined;

before(async () => {
  if (!nats) return;
  store = pgi ? await openPostgresStore(pgi.url(), { max: 16, connectTimeoutMs: 1000 }) : await openTestStore();
  replica = await startReplica({ store, ...(pgi ? { databaseUrl: pgi.url() } : {}), natsUrl: nats.url, stalenessMs: STALENESS_MS, resyncIntervalMs: RESYNC_MS });
});

after(async () => {
  try {
    await replica?.close();
    await store?.close();
  } finally {
    await nats?.destroy();
    await pgi?.destroy();
  }
});

const describeShot = (s: Shot) => `${s.status} ${s.verdict ?? ''} ${s.code ?? ''} ${s.error ?? ''}`.trim();

test(`NATS killed ⇒ REVOCATION_UNCERTAIN within ${STALENESS_MS} ms + one ${RESYNC_MS} ms resync; NATS back ⇒ ALLOW again`, { skip, timeout: 60_000 }, async (t) => {
  const r = replica as FaultReplica;
  const server = nats as NatsInstance;
  const tickets = await issueTickets(r.engine, 200, 4);
  let next = 0;
  const take = (): Ticket => {
    const ticket = tickets[next++];
    assert.ok(ticket, 'token budget exhausted');
    return ticket;
  };
  const all: Shot[] = [];
  const call = async () => {
    const s = await authorize(r.url, take());
    all.push(s);
    return s;
  };

  // Healthy: NATS up, the view fresh, a fresh token ALLOWed.
  await waitFor(() => {
    const st = r.revocations.status(new Date());
    return st.nats === 'up' && !st.stale;
  }, 10_000, 'a fresh revocation view with NATS up');
  const healthy = await call();
  assert.equal(healthy.verdict, 'ALLOW', describeShot(healthy));

  // Kill NATS while probers keep calling (each call a fresh token) and the view's own
  // freshness is sampled in memory every 5 ms.
  const probes: Shot[] = [];
  let staleAt: number | undefined;
  const killedAt = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling && staleAt === undefined) {
      const now = new Date();
      if (r.revocations.check({ jti: 'probe-jti-0000000000', kid: 'probe-kid' }, now).stale) staleAt = now.getTime() - killedAt;
      else await new Promise((res) => setTimeout(res, 5));
    }
  })();
  await server.kill();
  const since = (s: Shot) => Date.parse(s.evaluated_at as string) - killedAt;
  // Until calls have been evaluated for 300 ms past the limit (bounded by a deadline).
  await Promise.all(
    Array.from({ length: PROBERS }, async () => {
      while (Date.now() - killedAt < 5000 && !probes.some((p) => p.evaluated_at && since(p) > LIMIT_MS + 300)) {
        probes.push(await call());
        await new Promise((res) => setTimeout(res, 5));
      }
    }),
  );
  sampling = false;
  await sampler;
  assert.deepEqual(probes.filter((p) => p.status !== 200 || !p.evaluated_at).map(describeShot), [], 'every probe got a 200 verdict');
  const uncertain = probes.filter((p) => p.code === 'REVOCATION_UNCERTAIN').sort((a, b) => since(a) - since(b));
  const allows = probes.filter((p) => p.verdict === 'ALLOW');
  const lastAllow = allows.length > 0 ? Math.max(...allows.map(since)) : null;
  const firstUncertain = uncertain[0];
  t.diagnostic(
    `kill → view stale after ${staleAt ?? 'never'} ms (in memory); first REVOCATION_UNCERTAIN evaluated after ${firstUncertain ? since(firstUncertain) : 'never'} ms; ` +
      `last ALLOW evaluated after ${lastAllow ?? 'none'} ms; limit ${LIMIT_MS} ms; probes: ${allows.length} ALLOW, ${uncertain.length} REVOCATION_UNCERTAIN, ${probes.length - allows.length - uncertain.length} other`,
  );
  // The view is stale from its last successful NATS round trip + the bound (the database
  // side stays fresh: PostgreSQL answers).
  const status = r.revocations.status(new Date());
  t.diagnostic(`mesh status while NATS is down: ${JSON.stringify({ ...status, counts: undefined })}`);
  assert.ok(status.nats_heartbeat_at && status.complete_at, JSON.stringify(status));
  assert.ok(Date.parse(status.complete_at) > Date.parse(status.nats_heartbeat_at), 'the database resync kept going; NATS alone makes the view stale');
  const onset = Date.parse(status.nats_heartbeat_at) + STALENESS_MS - killedAt;
  t.diagnostic(`last NATS round trip ${onset - STALENESS_MS} ms from the kill ⇒ stale from ${onset} ms`);
  assert.ok(onset <= LIMIT_MS, `the revocation view turns stale ${onset} ms after the kill (limit ${LIMIT_MS} ms)`);
  assert.ok(staleAt !== undefined, 'the view was seen stale in memory');
  assert.ok(firstUncertain, 'a REVOCATION_UNCERTAIN was answered');
  // Every call evaluated once the view was stale, or past the limit, is REVOCATION_UNCERTAIN.
  const cutoff = Math.min(onset, LIMIT_MS);
  const late = probes.filter((p) => since(p) > cutoff);
  assert.ok(late.length > 0, 'calls were evaluated after the view turned stale');
  assert.deepEqual(late.filter((p) => p.code !== 'REVOCATION_UNCERTAIN').map((p) => `${since(p)} ms: ${describeShot(p)}`), [], 'every call evaluated past the limit is DENY REVOCATION_UNCERTAIN');
  assert.ok(lastAllow === null || lastAllow <= LIMIT_MS, `an ALLOW was evaluated ${lastAllow} ms after the kill`);
  // The time to the first REVOCATION_UNCERTAIN answer is ≤ the limit whenever a call was
  // evaluated between the stale instant and the limit (else it is the first call after).
  if (probes.some((p) => since(p) > onset && since(p) <= LIMIT_MS)) {
    assert.ok(since(firstUncertain) <= LIMIT_MS, `first REVOCATION_UNCERTAIN ${since(firstUncertain)} ms after the kill (limit ${LIMIT_MS} ms)`);
  } else {
    t.diagnostic('no call was evaluated between the stale instant and the limit (slow machine): the first answer after it was REVOCATION_UNCERTAIN');
  }
  assert.equal(r.revocations.status(new Date()).nats, 'down');

  // NATS back on the same port: the replica reconnects by itself and ALLOWs again.
  const restartedAt = performance.now();
  await server.start();
  const recovery: Shot[] = [];
  await waitFor(async () => {
    const s = await call();
    recovery.push(s);
    return s.verdict === 'ALLOW';
  }, 15_000, 'an ALLOW after NATS restarted', 50);
  t.diagnostic(`NATS restart → first ALLOW ${Math.round(performance.now() - restartedAt)} ms; ${recovery.length - 1} denied calls before it: ${[...new Set(recovery.filter((s) => s.verdict !== 'ALLOW').map((s) => s.code))].join(', ') || 'none'}`);
  assert.ok(recovery.filter((s) => s.verdict !== 'ALLOW').every((s) => s.code === 'REVOCATION_UNCERTAIN'), 'only REVOCATION_UNCERTAIN while reconnecting');
  assert.equal(r.revocations.status(new Date()).nats, 'up');

  // Never a 5xx or anything but a 200 verdict (the replica itself stayed up).
  assert.deepEqual(all.filter((s) => s.status !== 200 || !s.verdict).map(describeShot), []);
});
