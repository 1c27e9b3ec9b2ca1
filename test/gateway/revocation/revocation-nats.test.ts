import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { connect } from 'nats';
import { ManualClock } from '../../../src/common/clock.ts';
import { RevocationMesh, type RevocationSource } from '../../../src/gateway/revocation/revocation-mesh.ts';
import { addRevocation } from '../../../src/gateway/revocation/revocation-store.ts';
import { TEST_NATS_URL, natsReachable, newJti, openMeshStore, testSubject, waitUntil, type MeshStore } from './helpers.ts';

const reachable = await natsReachable();
const skip = reachable ? false : `NATS unreachable at ${TEST_NATS_URL}`;
let m: MeshStore;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const meshes: RevocationMesh[] = [];
const proxies: Array<{ cut(): Promise<void> }> = [];

before(async () => {
  if (reachable) m = await openMeshStore();
});
after(async () => {
  for (const mesh of meshes) await mesh.stop();
  for (const p of proxies) await p.cut();
  await m?.close();
});

/** A replica fed by NATS only (no LISTEN), driven by hand. */
async function natsReplica(natsUrl: string, subject: string, stalenessMs = 5000): Promise<RevocationMesh> {
  const mesh = new RevocationMesh({ store: m.store, clock, natsUrl, natsSubject: subject, resyncIntervalMs: 0, stalenessMs, timeoutMs: 500 });
  meshes.push(mesh);
  await mesh.start();
  return mesh;
}

/** A TCP proxy in front of the NATS server that the test can cut and restore: "NATS down" without touching the server. */
async function natsProxy(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void> }> {
  const target = new URL(TEST_NATS_URL);
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = createConnection({ host: target.hostname, port: Number(target.port || 4222) });
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await open();
  let listening = true;
  const proxy = {
    url: `nats://127.0.0.1:${port}`,
    async cut() {
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    async restore() {
      await open();
      listening = true;
    },
  };
  proxies.push(proxy);
  return proxy;
}

test('a revocation committed on replica A reaches replica B over NATS (no LISTEN, no resync on B)', { skip }, async () => {
  const subject = testSubject();
  const a = await natsReplica(TEST_NATS_URL, subject);
  const b = await natsReplica(TEST_NATS_URL, subject);
  const seen = new Map<string, RevocationSource>();
  b.onApply((kind, value, source) => seen.set(`${kind}:${value}`, source));
  assert.equal(b.status(clock.now()).nats, 'up');
  assert.equal(b.status(clock.now()).listen, 'off');
  const jti = newJti();
  const { revocation } = await addRevocation({ store: m.store, clock, actor: 'admin' }, { kind: 'jti', value: jti, reason: 'leaked' });
  a.announce(revocation);
  await waitUntil(() => b.has('jti', jti), 5000, 'NATS delivery to replica B');
  assert.equal(seen.get(`jti:${jti}`), 'nats');
  assert.equal(b.check({ jti, kid: 'k' }, clock.now()).hit, 'TOKEN_REVOKED');
  // NATS is not proof of completeness: B's next resync does a full load to learn the row id.
  const loads = b.stats.fullLoads;
  assert.equal(await b.tick(), true);
  assert.equal(b.stats.fullLoads, loads + 1);
});

test('malformed NATS messages are ignored; a replica skips its own', { skip }, async () => {
  const subject = testSubject();
  const b = await natsReplica(TEST_NATS_URL, subject);
  const before = b.status(clock.now()).counts;
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    for (const payload of ['nope', '{}', '{"kind":"kid","value":"has space"}', JSON.stringify({ kind: 'agent', value: 'own-agent', origin: b.replicaId })]) nc.publish(subject, payload);
    nc.publish(subject, JSON.stringify({ kind: 'agent', value: 'agent-after-garbage', origin: 'someone-else' }));
    await nc.flush();
  } finally {
    await nc.close();
  }
  await waitUntil(() => b.has('agent', 'agent-after-garbage'), 5000, 'the valid message');
  assert.equal(b.has('agent', 'own-agent'), false);
  assert.deepEqual(b.status(clock.now()).counts, { ...before, agent: before.agent + 1 });
});

test('with NATS configured, NATS being down makes the view stale within the bound even while PostgreSQL answers', { skip }, async () => {
  const proxy = await natsProxy();
  const mesh = await natsReplica(proxy.url, testSubject(), 5000);
  assert.equal(mesh.check({ jti: 'j', kid: 'k' }, clock.now()).stale, false);
  clock.advance(1000);
  assert.equal(await mesh.tick(), true);
  assert.equal(mesh.check({ jti: 'j', kid: 'k' }, clock.now()).age_ms, 0);

  await proxy.cut();
  await waitUntil(() => mesh.status(clock.now()).nats === 'down', 5000, 'the NATS client to see the disconnect');
  clock.advance(3000);
  assert.equal(await mesh.resyncNow(), true, 'PostgreSQL still answers');
  assert.equal(await mesh.tick(), false, 'but the NATS round trip fails');
  assert.deepEqual(mesh.check({ jti: 'j', kid: 'k' }, clock.now()), { hit: null, stale: false, age_ms: 3000 });
  clock.advance(2001);
  assert.equal(await mesh.tick(), false);
  const r = mesh.check({ jti: 'j', kid: 'k' }, clock.now());
  assert.deepEqual(r, { hit: null, stale: true, age_ms: 5001 });
  const status = mesh.status(clock.now());
  assert.equal(status.complete_at, clock.now().toISOString(), 'the database view itself is current');

  await proxy.restore();
  await waitUntil(() => mesh.status(clock.now()).nats === 'up', 10_000, 'the NATS client to reconnect');
  assert.equal(await mesh.tick(), true);
  assert.equal(mesh.check({ jti: 'j', kid: 'k' }, clock.now()).stale, false);
});

test('NATS unreachable from the start: loaded from the store, but stale', { skip }, async () => {
  const proxy = await natsProxy();
  await proxy.cut();
  const mesh = await natsReplica(proxy.url, testSubject(), 5000);
  const s = mesh.status(clock.now());
  assert.equal(s.loaded, true);
  assert.equal(s.nats, 'down');
  assert.equal(s.stale, true);
  assert.equal(mesh.check({ jti: 'j', kid: 'k' }, clock.now()).stale, true);
});
