/**
 * mTLS end to end: a real HTTPS Fastify server on loopback (the TLS options of
 * `httpsServerOptions`) with the `requireWorkload` hook; node https clients present
 * X.509-SVIDs minted by the dev CA, or none. The dev CA's injected clock is set to the
 * real time at start only because the TLS client checks the server certificate
 * against the wall clock; the hook itself uses the injected clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { SequentialIdSource } from '../../../src/common/ids.ts';
import type { ManualClock } from '../../../src/common/clock.ts';
import { issueWorkloadCredential, workloadMatches } from '../../../src/engine/workloads/workload-credentials.ts';
import type { DevCa } from '../../../src/identity/spiffe/dev-ca.ts';
import { SpiffeWorkloadAuthenticator } from '../../../src/identity/spiffe/spiffe-authenticator.ts';
import { httpsServerOptions } from '../../../src/identity/spiffe/tls.ts';
import { TrustBundleSet } from '../../../src/identity/spiffe/trust-bundles.ts';
import { issueAdminCredential } from '../../../src/server/auth/admin-credential.ts';
import { requireWorkload } from '../../../src/server/auth/require-workload.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import type { Store } from '../../../src/store/store.ts';
import { ecKeyPair, makeLeaf, makeTestCa, openDevCa, openSpiffeStore } from './helpers.ts';

let store: Store;
let devCa: DevCa;
let clock: ManualClock;
let app: FastifyInstance;
let port: number;
let caPem: string;
let adminToken: string;
const dir = mkdtempSync(join(tmpdir(), 'writ-mtls-'));

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function call(options: { cert?: string; key?: string; authorization?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/whoami',
        method: 'GET',
        agent: false,
        ca: caPem,
        ...(options.cert ? { cert: options.cert, key: options.key } : {}),
        headers: options.authorization ? { authorization: options.authorization } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function svid(spiffeId: string, ttlSeconds = 3600): Promise<{ cert: string; key: string }> {
  const { privateKey, publicKey } = ecKeyPair();
  const { certificate } = await devCa.mintX509Svid({ spiffeId, publicKey, ttlSeconds });
  return { cert: certificate.toString(), key: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string };
}

before(async () => {
  store = await openSpiffeStore();
  ({ devCa, clock } = await openDevCa(store, { now: new Date() }));
  const bundles = new TrustBundleSet([devCa.bundle()]);
  caPem = devCa.bundle().x509Authorities.map((c) => c.toString()).join('');
  const server = ecKeyPair();
  const serverSvid = await devCa.mintX509Svid({ spiffeId: 'spiffe://writ.dev/writ/server', publicKey: server.publicKey, ttlSeconds: 3600, ipAddresses: ['127.0.0.1'] });
  writeFileSync(join(dir, 'tls.crt'), serverSvid.certificate.toString());
  writeFileSync(join(dir, 'tls.key'), server.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });

  const https = httpsServerOptions({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') }, bundles);
  assert.deepEqual([https.requestCert, https.rejectUnauthorized, https.ca?.length], [true, false, 1]);
  app = Fastify({ https }) as unknown as FastifyInstance;
  installProblemHandlers(app);
  const hook = requireWorkload({ store, authenticator: new SpiffeWorkloadAuthenticator({ bundles }), audience: 'writ-gateway', clock });
  app.get('/whoami', { onRequest: hook }, async (request) => ({ caller: request.caller, svid: request.svid ?? null }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  adminToken = await issueAdminCredential(store, dir, clock);
});
after(async () => {
  await app?.close();
  await store?.close();
});

test('a client X.509-SVID on mTLS sets request.caller to that workload', async () => {
  const res = await call(await svid('spiffe://writ.dev/ci/deploy'));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const workload = { credential_id: 'svid:spiffe://writ.dev/ci/deploy', spiffe_id: 'spiffe://writ.dev/ci/deploy', agent_id: null, pipeline_id: null };
  assert.deepEqual(res.body, { caller: { kind: 'workload', workload }, svid: { spiffe_id: 'spiffe://writ.dev/ci/deploy', method: 'x509-svid' } });
  // The token route's matching works unchanged on it.
  assert.equal(workloadMatches(workload, { spiffe_id: 'spiffe://writ.dev/ci/deploy', agent_id: 'a', pipeline_id: 'p', region: 'eu', env_tier: 'prod' } as never), true);
  assert.equal(workloadMatches(workload, { spiffe_id: 'spiffe://writ.dev/other', agent_id: 'a', pipeline_id: 'p', region: 'eu', env_tier: 'prod' } as never), false);
});

test('no client certificate and no credential: 401 SVID_MISSING, not a handshake error', async () => {
  const res = await call({});
  assert.equal(res.status, 401);
  assert.deepEqual([res.body.code, res.body.reason, res.body.detail], ['UNAUTHENTICATED', 'SVID_MISSING', 'authentication required']);
});

test('a certificate the bundle does not trust, or an expired one, is 401 SVID_INVALID whatever the header says', async () => {
  const rogue = await makeTestCa('rogue', clock.now());
  const leaf = await makeLeaf(rogue, clock.now(), { uris: ['spiffe://writ.dev/ci/deploy'] });
  const res = await call({ cert: leaf.cert.toString(), key: leaf.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, authorization: `Bearer ${adminToken}` });
  assert.deepEqual([res.status, res.body.reason], [401, 'SVID_INVALID']);

  const shortLived = await svid('spiffe://writ.dev/ci/deploy', 60);
  assert.equal((await call(shortLived)).status, 200);
  clock.advance(120_000);
  try {
    const late = await call(shortLived);
    assert.deepEqual([late.status, late.body.reason], [401, 'SVID_INVALID']);
  } finally {
    clock.advance(-120_000);
  }
});

test('without a certificate: a JWT-SVID bearer, the admin credential and an interim writ_wl_ credential still work', async () => {
  const { token } = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/agent/7', audience: ['writ-gateway'], ttlSeconds: 60 });
  const jwt = await call({ authorization: `Bearer ${token}` });
  assert.equal(jwt.status, 200, JSON.stringify(jwt.body));
  assert.deepEqual(jwt.body.svid, { spiffe_id: 'spiffe://writ.dev/agent/7', method: 'jwt-svid' });

  const wrongAud = await devCa.mintJwtSvid({ spiffeId: 'spiffe://writ.dev/agent/7', audience: ['other'], ttlSeconds: 60 });
  assert.deepEqual([(await call({ authorization: `Bearer ${wrongAud.token}` })).body.reason], ['SVID_INVALID']);

  const admin = await call({ authorization: `Bearer ${adminToken}` });
  assert.deepEqual([admin.status, admin.body.caller, admin.body.svid], [200, { kind: 'admin' }, null]);
  assert.equal((await call({ authorization: 'Bearer writ_admin_not-a-real-one' })).status, 401);

  const { workload, secret } = await issueWorkloadCredential({ store, clock, ids: new SequentialIdSource() }, { pipeline_id: 'deploy-main' }, 'admin');
  const wl = await call({ authorization: `Bearer ${secret}` });
  assert.deepEqual([wl.status, wl.body.caller], [200, { kind: 'workload', workload }]);
  assert.equal((await call({ authorization: 'Bearer writ_wl_forged' })).status, 401);
  assert.deepEqual((await call({ authorization: 'Basic eDp5' })).body.reason, 'SVID_MISSING');
});
