import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/common/clock.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { Keyring } from '../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../src/crypto/keyring/local-key-provider.ts';
import { issueAdminCredential } from '../../src/server/auth/admin-credential.ts';
import { buildServer } from '../../src/server/build-server.ts';
import { createLogger } from '../../src/server/logger.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from './test-store.ts';
import { installDefaultPolicy } from '../../src/engine/activation/default-policy.ts';
import { DevIdentityProvider } from '../../src/identity/dev-idp/dev-identity-provider.ts';
import { OidcVerifier } from '../../src/identity/oidc/verifier.ts';
import type { OidcIssuerConfig } from '../../src/identity/oidc/issuer-config.ts';
import type { GatewayServices } from '../../src/server/server-deps.ts';
import { LedgerSequencer, enqueueInTransaction } from '../../src/ledger/sequencer.ts';

/** Captures log lines in memory so tests can read exactly what was logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** An in-process server on a fresh test store, for `app.inject()` tests. */
export interface TestServer {
  app: FastifyInstance;
  store: Store;
  keyring: Keyring;
  ledger: LedgerSequencer;
  clock: ManualClock;
  logs: LogCapture;
  adminToken: string;
  masterKey: Buffer;
  home: string;
  /** Verifies human ID tokens: the dev IdP's, plus any issuer passed in options. */
  oidc: OidcVerifier;
  /** The built-in dev identity provider (served under /dev-idp). */
  devIdp: DevIdentityProvider;
  close(): Promise<void>;
}

/** Builds a {@link TestServer}. */
export async function startTestServer(options: { now?: Date; oidcIssuers?: readonly OidcIssuerConfig[]; gateway?: GatewayServices } = {}): Promise<TestServer> {
  const store = await openTestStore();
  const home = mkdtempSync(join(tmpdir(), 'writ-home-'));
  const clock = new ManualClock(options.now ?? new Date('2026-06-01T00:00:00Z'));
  const masterKey = randomBytes(32);
  const keyring = new Keyring({
    store,
    provider: new LocalKeyProvider(masterKey),
    clock,
    audit: async (trx, { type, ...payload }) => {
      await enqueueInTransaction(trx, [{ stream_id: 'system.keyring', entry_type: type, payload }]);
    },
  });
  await keyring.ensureActiveKey('token');
  await keyring.ensureActiveKey('ledger');
  await installDefaultPolicy(store, clock);
  const ledger = new LedgerSequencer({ store, keyring, clock, origin: 'writ.test/ledger', maxBatchDelayMs: 1, idlePollMs: 20 });
  await ledger.start();
  const logs = new LogCapture();
  const logger = createLogger('trace', logs);
  const config = loadConfig({ env: { WRIT_HOME: home }, cwd: home });
  const devIdp = new DevIdentityProvider({ baseUrl: 'http://127.0.0.1:8787', clock });
  const oidc = new OidcVerifier({ issuers: [devIdp.issuerConfig(), ...(options.oidcIssuers ?? [])], clock });
  const app = await buildServer({ config, store, keyring, clock, logger, ledger, version: 'test', oidc, devIdp, ...(options.gateway ? { gateway: options.gateway } : {}) });
  const adminToken = await issueAdminCredential(store, home, clock);
  return {
    app, store, keyring, ledger, clock, logs, adminToken, masterKey, home, oidc, devIdp,
    async close() {
      await app.close();
      await ledger.stop();
      await store.close();
    },
  };
}
