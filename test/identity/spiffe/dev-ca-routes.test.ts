import assert from 'node:assert/strict';
import { randomBytes, X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { WritClient } from '../../../src/cli/client.ts';
import { registerSvidCommands } from '../../../src/cli/commands/svid.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { createOutput } from '../../../src/cli/output.ts';
import { ManualClock } from '../../../src/common/clock.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { devCaRoutes } from '../../../src/identity/spiffe/dev-ca-routes.ts';
import { createSpiffeRuntime, type SpiffeRuntime } from '../../../src/identity/spiffe/spiffe-runtime.ts';
import { issueAdminCredential } from '../../../src/server/auth/admin-credential.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import type { Store } from '../../../src/store/store.ts';
import { ecKeyPair, openSpiffeStore } from './helpers.ts';

let store: Store;
let spiffe: SpiffeRuntime;
let app: FastifyInstance;
let prodApp: FastifyInstance;
let addr: string;
let adminToken: string;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const home = mkdtempSync(join(tmpdir(), 'writ-svid-'));

async function build(mode: 'dev' | 'production'): Promise<FastifyInstance> {
  const a = Fastify();
  a.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(a);
  await a.register(async (scope) => devCaRoutes(scope, { store, mode, spiffe }));
  return a;
}

before(async () => {
  store = await openSpiffeStore();
  spiffe = await createSpiffeRuntime({
    config: { mode: 'dev', spiffe: { audience: 'writ-gateway', trustDomains: [], devCa: true, devTrustDomain: 'writ.dev' } },
    store,
    clock,
    keyProvider: new LocalKeyProvider(randomBytes(32)),
  });
  app = await build('dev');
  prodApp = await build('production');
  adminToken = await issueAdminCredential(store, home, clock);
  addr = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app?.close();
  await prodApp?.close();
  await store?.close();
});

const auth = () => ({ authorization: `Bearer ${adminToken}` });

test('GET /v1/spiffe/bundles is public and publishes the dev CA and its JWT key', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/spiffe/bundles' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.audience, 'writ-gateway');
  const [td] = body.trust_domains;
  assert.deepEqual([td.name, td.dev, td.x509_authorities.length, td.jwt_authorities.length], ['writ.dev', true, 1, 1]);
  assert.equal(new X509Certificate(td.x509_authorities[0].pem).fingerprint256, td.x509_authorities[0].fingerprint256);
  assert.deepEqual(Object.keys(td.jwt_authorities[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  assert.ok(!('d' in td.jwt_authorities[0]));
});

test('POST /v1/dev/svids: admin only; JWT-SVID and X.509-SVID (for the caller\'s public key) verify', async () => {
  const anonymous = await app.inject({ method: 'POST', url: '/v1/dev/svids', payload: { kind: 'jwt', spiffe_id: 'spiffe://writ.dev/a' } });
  assert.equal(anonymous.statusCode, 401);

  const jwt = await app.inject({ method: 'POST', url: '/v1/dev/svids', headers: auth(), payload: { kind: 'jwt', spiffe_id: 'spiffe://writ.dev/ci/deploy' } });
  assert.equal(jwt.statusCode, 200, jwt.body);
  assert.deepEqual([jwt.json().audience, jwt.json().dev_mode, jwt.json().expires_at], [['writ-gateway'], true, '2026-06-01T00:05:00.000Z']);
  const who = await spiffe.authenticator.authenticate({ authorization: `Bearer ${jwt.json().token}` }, { audience: 'writ-gateway', now: clock.now() });
  assert.deepEqual(who, { ok: true, spiffe_id: 'spiffe://writ.dev/ci/deploy', method: 'jwt-svid' });

  const { publicKey } = ecKeyPair();
  const x509 = await app.inject({
    method: 'POST', url: '/v1/dev/svids', headers: auth(),
    payload: { kind: 'x509', spiffe_id: 'spiffe://writ.dev/ci/deploy', public_key_pem: publicKey.export({ format: 'pem', type: 'spki' }), ttl_seconds: 120 },
  });
  assert.equal(x509.statusCode, 200, x509.body);
  assert.ok(!('private_key_pem' in x509.json()));
  const cert = new X509Certificate(x509.json().certificate_pem);
  assert.ok(cert.publicKey.equals(publicKey));
  const r = await spiffe.authenticator.authenticate({ peerCertificateChain: [new Uint8Array(cert.raw)] }, { audience: 'writ-gateway', now: clock.now() });
  assert.deepEqual(r, { ok: true, spiffe_id: 'spiffe://writ.dev/ci/deploy', method: 'x509-svid' });
});

test('POST /v1/dev/svids refuses bad input with reasons, and refuses outside dev mode', async () => {
  const post = (a: FastifyInstance, payload: object) => a.inject({ method: 'POST', url: '/v1/dev/svids', headers: auth(), payload });
  const reason = async (payload: object) => {
    const res = await post(app, payload);
    return [res.statusCode, res.json().reason];
  };
  assert.deepEqual(await reason({ kind: 'x509', spiffe_id: 'spiffe://writ.dev/a' }), [400, 'PUBLIC_KEY']);
  assert.deepEqual(await reason({ kind: 'x509', spiffe_id: 'spiffe://writ.dev/a', public_key_pem: 'nope' }), [400, 'PUBLIC_KEY']);
  assert.deepEqual(await reason({ kind: 'jwt', spiffe_id: 'spiffe://writ.dev/a/../b' }), [400, 'DOT_SEGMENT']);
  assert.deepEqual(await reason({ kind: 'jwt', spiffe_id: 'spiffe://acme.example/a' }), [400, 'TRUST_DOMAIN_MISMATCH']);
  assert.deepEqual(await reason({ kind: 'x509', spiffe_id: 'spiffe://writ.dev/a', public_key_pem: ecKeyPair().publicKey.export({ format: 'pem', type: 'spki' }), ip_addresses: ['nope'] }), [400, 'IP_ADDRESS']);
  assert.equal((await post(app, { kind: 'jwt', spiffe_id: 'spiffe://writ.dev/a', ttl_seconds: 0 })).statusCode, 400);
  assert.equal((await post(app, { kind: 'jwt', spiffe_id: 'spiffe://writ.dev/a', extra: 1 })).statusCode, 400);

  const prod = await post(prodApp, { kind: 'jwt', spiffe_id: 'spiffe://writ.dev/a' });
  assert.deepEqual([prod.statusCode, prod.json().code, prod.json().reason], [403, 'FORBIDDEN', 'DEV_MODE_ONLY']);
});

async function run(json: boolean, ...args: string[]): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const ctx: CliContext = {
    out: createOutput(json, sink, new Writable({ write: (_c, _e, cb) => cb() })),
    env: {},
    config: () => loadConfig({ env: { WRIT_HOME: home }, cwd: home }),
    client: () => new WritClient({ addr, home, token: adminToken }),
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerSvidCommands(program, () => ctx);
  await program.parseAsync(['node', 'writ', ...args]);
  return text;
}

test('writ svid mint: X.509 files (0600) whose key matches the certificate; --jwt prints a token; bundles', async () => {
  const out = join(home, 'svid');
  const res = JSON.parse(await run(true, 'svid', 'mint', '--spiffe-id', 'spiffe://writ.dev/cli', '--out-dir', out, '--ttl', '600'));
  assert.equal(res.spiffe_id, 'spiffe://writ.dev/cli');
  for (const f of ['svid.pem', 'svid.key', 'bundle.pem']) assert.equal(statSync(join(out, f)).mode & 0o777, 0o600, f);
  const cert = new X509Certificate(readFileSync(join(out, 'svid.pem')));
  assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(join(out, 'svid.key')))));
  assert.ok(cert.checkIssued(new X509Certificate(readFileSync(join(out, 'bundle.pem')))));

  const token = (await run(false, 'svid', 'mint', '--spiffe-id', 'spiffe://writ.dev/cli', '--jwt', '--audience', 'writ-gateway', 'other')).trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
  assert.deepEqual([claims.sub, claims.aud], ['spiffe://writ.dev/cli', ['writ-gateway', 'other']]);

  assert.match(await run(false, 'svid', 'bundles'), /^audience writ-gateway\nwrit\.dev \(dev CA\): 1 X\.509 authority, 1 JWT key\(s\)$/m);
  await assert.rejects(run(false, 'svid', 'mint', '--spiffe-id', 'spiffe://writ.dev/cli', '--ttl', '0'), /whole seconds/);
});
