/**
 * Acceptance (issue 5): two gateway replicas on one PostgreSQL; N tokens (default
 * 1,000), each presented 10 times concurrently across both replicas ⇒ exactly one
 * ALLOW per token, every other presentation TOKEN_REPLAY. PostgreSQL only (the
 * embedded store is one process by design). WRIT_REPLAY_RACE_TOKENS changes N.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../../../src/common/clock.ts';
import { cryptoIdSource } from '../../../src/common/ids.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { installDefaultPolicy } from '../../../src/engine/activation/default-policy.ts';
import { submitIntent } from '../../../src/engine/decisions/submit-intent.ts';
import type { EngineDeps } from '../../../src/engine/engine-deps.ts';
import { issueToken } from '../../../src/engine/tokens/issue-token.ts';
import { LedgerSequencer } from '../../../src/ledger/sequencer.ts';
import { buildServer } from '../../../src/server/build-server.ts';
import { openPostgresStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import type { FastifyInstance } from 'fastify';
import { createScratchDatabase, TEST_STORE_KIND } from '../../harness/test-store.ts';
import { KeptEvents, SetEpochs, SetRevocations, TestSvids } from '../helpers/ports.ts';

const TOKENS = Number(process.env.WRIT_REPLAY_RACE_TOKENS ?? 1000);
const PRESENTATIONS = 10;
const SPIFFE = 'spiffe://acme.example/ci/deploy-main';
const IDENTITY = { agent_id: 'release-bot', pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'stage' as const, spiffe_id: SPIFFE };

interface Replica {
  store: Store;
  ledger: LedgerSequencer;
  app: FastifyInstance;
  engine: EngineDeps;
}

const skip = TEST_STORE_KIND !== 'postgres' ? 'replicas share a PostgreSQL database (run with npm run test:pg)' : false;
let scratch: { url: string; drop(): Promise<void> } | undefined;
const replicas: Replica[] = [];

before(async () => {
  if (skip) return;
  scratch = await createScratchDatabase();
  const masterKey = randomBytes(32);
  const clock = new ManualClock(new Date());
  for (let i = 0; i < 2; i++) {
    const store = await openPostgresStore(scratch.url, { max: 12 });
    const keyring = new Keyring({ store, provider: new LocalKeyProvider(masterKey), clock });
    await keyring.ensureActiveKey('token');
    await keyring.ensureActiveKey('ledger');
    if (i === 0) await installDefaultPolicy(store, clock);
    const ledger = new LedgerSequencer({ store, keyring, clock, origin: 'writ.test/replicas', maxBatchDelayMs: 2, idlePollMs: 20 });
    await ledger.start();
    const config = loadConfig({ env: { WRIT_HOME: '/tmp/writ-replay-race' }, cwd: '/tmp' });
    const gateway = { revocations: new SetRevocations(), epochs: new SetEpochs(), workloads: new TestSvids(), events: new KeptEvents(), audience: 'writ-gateway' };
    const app = await buildServer({ config, store, keyring, clock, logger: pino({ level: 'silent' }), ledger, version: 'test', gateway });
    replicas.push({ store, ledger, app, engine: { store, clock, ids: cryptoIdSource, ledger, keyring } });
  }
});

after(async () => {
  for (const r of replicas) {
    await r.app.close();
    await r.ledger.stop();
    await r.store.close();
  }
  await scratch?.drop();
});

test(`replay race: ${TOKENS} tokens × ${PRESENTATIONS} presentations across two replicas ⇒ exactly one ALLOW each`, { skip }, async () => {
  const [a, b] = replicas as [Replica, Replica];
  const { decision } = await submitIntent(a.engine, {
    action_scope: 'promotion',
    principal: { type: 'pipeline', id: 'deploy-main' },
    resource: { type: 'environment', id: 'payments/stage', attrs: { tier: 'stage' } },
    execution_identity: IDENTITY,
  }, 'test');
  assert.equal(decision.status, 'allowed');
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i++) tokens.push((await issueToken(a.engine, decision.decision_id, { kind: 'admin' })).token);

  const presentations = tokens.flatMap((token, t) => Array.from({ length: PRESENTATIONS }, (_, k) => ({ token, t, replica: (t + k) % 2 === 0 ? a : b })));
  // Shuffle so both replicas race on the same token at the same time.
  for (let i = presentations.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [presentations[i], presentations[j]] = [presentations[j]!, presentations[i]!];
  }
  const allows = new Array<number>(TOKENS).fill(0);
  const codes = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 40 }, async () => {
      for (let i = next++; i < presentations.length; i = next++) {
        const p = presentations[i]!;
        const r = await p.replica.app.inject({
          method: 'POST',
          url: '/v1/authorize_execution',
          headers: { authorization: `Bearer test-svid:${SPIFFE}` },
          payload: { decision_hash: decision.decision_hash, attestation_token: p.token, action_scope: 'promotion', execution_identity: IDENTITY, requested_at: new Date().toISOString() },
        });
        assert.equal(r.statusCode, 200, r.body);
        const res = r.json();
        if (res.verdict === 'ALLOW') allows[p.t]! += 1;
        else codes.set(res.denial_code, (codes.get(res.denial_code) ?? 0) + 1);
      }
    }),
  );
  assert.deepEqual([...codes.keys()], ['TOKEN_REPLAY'], JSON.stringify([...codes]));
  assert.equal(codes.get('TOKEN_REPLAY'), TOKENS * (PRESENTATIONS - 1));
  assert.ok(allows.every((n) => n === 1), `tokens with ≠ 1 ALLOW: ${allows.filter((n) => n !== 1).length}`);
});
