/**
 * Revocation propagation between two gateway replicas on one PostgreSQL database:
 *
 * - `revocation.propagation_p50` / `_p99` (ms): replica A calls `addRevocation` (row +
 *   ledger outbox entry + NOTIFY by trigger, one transaction, on A's own pool);
 *   timed from the call until replica B's {@link RevocationMesh} (its own pool and
 *   dedicated LISTEN client, no resync timer) has the value in its view. Floor: a
 *   bare LISTEN/NOTIFY round trip on the same server (an autocommit `pg_notify` on
 *   one connection until another connection listening on the channel receives it).
 * - With NATS reachable (`WRIT_BENCH_NATS_URL`, default nats://127.0.0.1:4222),
 *   `revocation.propagation_nats_p50` / `_p99` (ms): the same, with B fed by NATS only
 *   (no LISTEN): A commits, then announces on NATS. Floor: a bare NATS publish until
 *   a subscriber on another connection receives it.
 *
 * Propagation and floor samples alternate one by one, so both see the same load.
 * The design target (DESIGN §3.8) is p99 ≪ the 5 s staleness bound. PGlite has no
 * cross-replica path (one process owns the store), so this suite runs on PostgreSQL only.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import { systemClock } from '../../src/common/clock.ts';
import { RevocationMesh } from '../../src/gateway/revocation/revocation-mesh.ts';
import { addRevocation } from '../../src/gateway/revocation/revocation-store.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { revocationsMigration } from '../../src/store/migrations/007-revocations.ts';
import { openPostgresStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { scratchDatabase } from '../scratch-database.ts';
import { round, type BenchContext, type BenchResult, type BenchSuite } from '../result.ts';

const FLOOR_CHANNEL = 'writ_bench_floor';
const NATS_URL = process.env.WRIT_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Resolves when `mesh` has `value` (a jti) in its view. */
function seenBy(mesh: RevocationMesh, value: string): Promise<void> {
  return new Promise((resolve) => {
    const off = mesh.onApply((kind, v) => {
      if (kind === 'jti' && v === value) {
        off();
        resolve();
      }
    });
  });
}

/** One bare LISTEN/NOTIFY round trip: notify on `sender`, received on `listener`. */
function notifyRoundTrip(sender: pg.Client, listener: pg.Client, payload: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const on = (msg: pg.Notification) => {
      if (msg.channel === FLOOR_CHANNEL && msg.payload === payload) {
        listener.off('notification', on);
        resolve(performance.now() - t0);
      }
    };
    listener.on('notification', on);
    sender.query('select pg_notify($1, $2)', [FLOOR_CHANNEL, payload]).catch(reject);
  });
}

/** One bare NATS round trip: publish on `pub`, received by `sub`'s subscription. */
function natsRoundTrip(pub: NatsConnection, waiters: Map<string, () => void>, subject: string, payload: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    waiters.set(payload, () => resolve(performance.now() - t0));
    pub.publish(subject, payload);
  });
}

async function natsReachable(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 1000, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

function figures(name: string, samples: number[], floorName: string, floor: number[]): BenchResult[] {
  return ([[0.5, 'p50'], [0.99, 'p99']] as const).map(([q, label]) => {
    const value = quantile(samples, q);
    const fl = quantile(floor, q);
    return { name: `${name}_${label}`, store: 'postgres', value: round(value, 3), unit: 'ms', floor_name: `${floorName} ${label}`, floor_value: round(fl, 3), ratio: round(fl / value, 3) };
  });
}

async function run(ctx: BenchContext): Promise<BenchResult[]> {
  if (!ctx.stores.includes('postgres')) {
    ctx.log('  revocation: PostgreSQL unreachable, skipped (PGlite has no cross-replica path)');
    return [];
  }
  const n = ctx.quick ? 200 : 2000;
  const warm = ctx.quick ? 20 : 100;
  const db = await scratchDatabase(ctx, 'revocation');
  const stores: Store[] = [];
  const meshes: RevocationMesh[] = [];
  const clients: pg.Client[] = [];
  const natsConns: NatsConnection[] = [];
  const results: BenchResult[] = [];
  try {
    const storeA = await openPostgresStore(db.url, { max: 4 });
    stores.push(storeA);
    await migrateToLatest(storeA.db as unknown as Kysely<unknown>, [...MIGRATIONS.filter((m) => m.name !== revocationsMigration.name), revocationsMigration]);
    const storeB = await openPostgresStore(db.url, { max: 4, migrate: false });
    stores.push(storeB);
    const ctxA = { store: storeA, clock: systemClock, actor: 'bench' };

    // LISTEN/NOTIFY: B listens on its dedicated client; no resync timer, so only NOTIFY can bring values.
    const b = new RevocationMesh({ store: storeB, clock: systemClock, databaseUrl: db.url, resyncIntervalMs: 0 });
    meshes.push(b);
    await b.start();
    const sender = new pg.Client({ connectionString: db.url });
    const listener = new pg.Client({ connectionString: db.url });
    clients.push(sender, listener);
    await sender.connect();
    await listener.connect();
    await listener.query(`listen ${FLOOR_CHANNEL}`);

    const prop: number[] = [];
    const floor: number[] = [];
    const txn: number[] = [];
    for (let i = 0; i < warm + n; i++) {
      const jti = randomBytes(16).toString('base64url');
      const seen = seenBy(b, jti);
      const t0 = performance.now();
      await addRevocation(ctxA, { kind: 'jti', value: jti, reason: 'bench' });
      const committed = performance.now() - t0;
      await seen;
      const p = performance.now() - t0;
      const f = await notifyRoundTrip(sender, listener, `f${i}`);
      if (i >= warm) {
        prop.push(p);
        floor.push(f);
        txn.push(committed);
      }
    }
    ctx.log(`  LISTEN/NOTIFY: ${n} revocations, propagation p50 ${round(quantile(prop, 0.5), 3)} ms p99 ${round(quantile(prop, 0.99), 3)} ms (of which A's transaction to its commit ack p50 ${round(quantile(txn, 0.5), 3)} ms); bare NOTIFY p50 ${round(quantile(floor, 0.5), 3)} ms`);
    results.push(...figures('revocation.propagation', prop, 'bare LISTEN/NOTIFY round trip', floor));

    if (await natsReachable()) {
      const subject = `writ.bench.revocations.${randomBytes(4).toString('hex')}`;
      const a = new RevocationMesh({ store: storeA, clock: systemClock, natsUrl: NATS_URL, natsSubject: subject, resyncIntervalMs: 0 });
      const bn = new RevocationMesh({ store: storeB, clock: systemClock, natsUrl: NATS_URL, natsSubject: subject, resyncIntervalMs: 0 });
      meshes.push(a, bn);
      await a.start();
      await bn.start();
      const pub = await connect({ servers: NATS_URL });
      const sub = await connect({ servers: NATS_URL });
      natsConns.push(pub, sub);
      const floorSubject = `${subject}.floor`;
      const waiters = new Map<string, () => void>();
      sub.subscribe(floorSubject, {
        callback: (_err, msg) => {
          const key = Buffer.from(msg.data).toString('utf8');
          waiters.get(key)?.();
          waiters.delete(key);
        },
      });
      await sub.flush();
      const nprop: number[] = [];
      const nfloor: number[] = [];
      const ntxn: number[] = [];
      for (let i = 0; i < warm + n; i++) {
        const jti = randomBytes(16).toString('base64url');
        const seen = seenBy(bn, jti);
        const t0 = performance.now();
        const { revocation } = await addRevocation(ctxA, { kind: 'jti', value: jti, reason: 'bench' });
        const committed = performance.now() - t0;
        a.announce(revocation);
        await seen;
        const p = performance.now() - t0;
        const f = await natsRoundTrip(pub, waiters, floorSubject, `f${i}`);
        if (i >= warm) {
          nprop.push(p);
          nfloor.push(f);
          ntxn.push(committed);
        }
      }
      ctx.log(`  NATS: ${n} revocations, propagation p50 ${round(quantile(nprop, 0.5), 3)} ms p99 ${round(quantile(nprop, 0.99), 3)} ms (of which A's transaction p50 ${round(quantile(ntxn, 0.5), 3)} ms); bare NATS p50 ${round(quantile(nfloor, 0.5), 3)} ms`);
      results.push(...figures('revocation.propagation_nats', nprop, 'bare NATS publish→subscriber', nfloor));
    } else {
      ctx.log(`  revocation: NATS unreachable at ${NATS_URL}, NATS figures skipped`);
    }
  } finally {
    for (const m of meshes) await m.stop().catch(() => undefined);
    for (const c of natsConns) await c.close().catch(() => undefined);
    for (const c of clients) await c.end().catch(() => undefined);
    for (const s of stores) await s.close().catch(() => undefined);
    await db.drop();
  }
  return results;
}

/** Revocation propagation between two replicas (PostgreSQL; NATS when reachable). */
export const revocationSuite: BenchSuite = { name: 'revocation', run };
