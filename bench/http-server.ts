/**
 * A gateway server for the HTTP bench, run as a child process so the load generator
 * and the server do not share an event loop. Reads WRIT_BENCH_DATABASE (PostgreSQL
 * URL) and WRIT_BENCH_MASTER_KEY (hex); `BARE=1` serves only a bare Fastify route
 * that answers the same body shape (the overhead floor). Prints `PORT <n>` when
 * listening.
 */
import Fastify from 'fastify';
import pino from 'pino';
import { systemClock } from '../src/common/clock.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { Keyring } from '../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../src/crypto/keyring/local-key-provider.ts';
import { LedgerSequencer } from '../src/ledger/sequencer.ts';
import { buildServer } from '../src/server/build-server.ts';
import { openPostgresStore } from '../src/store/open-store.ts';
import { KeptEvents, SetEpochs, SetRevocations, TestSvids } from '../test/gateway/helpers/ports.ts';

if (process.env.BARE === '1') {
  const app = Fastify({ logger: false });
  app.post('/v1/authorize_execution', async (request) => {
    const b = request.body as { decision_hash: string };
    return { authorization_id: 'authz_bare', verdict: 'ALLOW', decision_hash: b.decision_hash, policy_bundle_hash: `sha256:${'0'.repeat(64)}`, enforcement_epoch: { value: 1, state: 'active', grace_window_seconds: 60 }, evaluated_at: new Date().toISOString() };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`PORT ${(app.server.address() as { port: number }).port}\n`);
} else {
  const store = await openPostgresStore(process.env.WRIT_BENCH_DATABASE as string, { max: 16 });
  const keyring = new Keyring({ store, provider: new LocalKeyProvider(Buffer.from(process.env.WRIT_BENCH_MASTER_KEY as string, 'hex')), clock: systemClock });
  const ledger = new LedgerSequencer({ store, keyring, clock: systemClock, origin: 'writ.bench/http', maxBatchDelayMs: 2, idlePollMs: 50 });
  await ledger.start();
  const events = new KeptEvents();
  const config = loadConfig({ env: { WRIT_HOME: '/tmp/writ-bench-http' }, cwd: '/tmp' });
  const app = await buildServer({
    config, store, keyring, clock: systemClock, logger: pino({ level: 'silent' }), ledger, version: 'bench',
    gateway: { revocations: new SetRevocations(), epochs: new SetEpochs(), workloads: new TestSvids(), events: { emit: (e) => { events.events.length = 0; events.emit(e); } }, audience: 'writ-gateway' },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`PORT ${(app.server.address() as { port: number }).port}\n`);
  process.on('SIGTERM', () => {
    void app.close().then(() => ledger.stop()).then(() => store.close()).then(() => process.exit(0));
  });
}
