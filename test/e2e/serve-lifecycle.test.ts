/**
 * The foundation's acceptance path, end to end: a real `writ serve` (in-process,
 * on a loopback port) over a real $WRIT_HOME, driven by the real CLI as a child
 * process; restart keeps every key; a second server on the same home is refused;
 * and no private key material is in plaintext anywhere but the master key file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/load-config.ts';
import { runServer, type RunningServer } from '../../src/server/run-server.ts';
import { createLogger } from '../../src/server/logger.ts';
import { openPrivateKey } from '../../src/crypto/keyring/envelope.ts';
import { loadMasterKey } from '../../src/crypto/keyring/master-key.ts';
import { isWritError } from '../../src/errors/writ-error.ts';
import { LogCapture } from '../harness/test-server.ts';
import { createScratchDatabase, TEST_STORE_KIND } from '../harness/test-store.ts';
import { openPostgresStore, openPgliteStore } from '../../src/store/open-store.ts';

const root = new URL('../..', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'writ-e2e-'));
const logs = new LogCapture();
let scratch: { url: string; drop(): Promise<void> } | undefined;
let env: NodeJS.ProcessEnv;
let server: RunningServer | undefined;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/writ.js'), ...args], { env: { ...env, WRIT_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function start(): Promise<RunningServer> {
  const config = loadConfig({ env, cwd: home });
  const s = await runServer({ ...config, listen: { host: '127.0.0.1', port: 0 } }, { logger: createLogger('debug', logs) });
  env.WRIT_ADDR = s.url;
  return s;
}

before(async () => {
  env = { PATH: process.env.PATH, HOME: process.env.HOME, WRIT_HOME: home };
  if (TEST_STORE_KIND === 'postgres') {
    scratch = await createScratchDatabase();
    env.WRIT_DATABASE_URL = scratch.url;
  }
  server = await start();
});

after(async () => {
  await server?.stop();
  await scratch?.drop();
});

test('readyz answers 200 and the JWKS lists one token key', async () => {
  const ready = await fetch(`${server!.url}/readyz`);
  assert.equal(ready.status, 200);
  const jwks = (await (await fetch(`${server!.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
  assert.equal(jwks.keys.length, 1);
});

test('`writ keys rotate` adds a key and the JWKS then lists both', async () => {
  const before = (await (await fetch(`${server!.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  const res = await cli(['keys', 'rotate', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout) as { created: { kid: string }; retired: { kid: string } };
  assert.equal(out.retired.kid, before.keys[0]?.kid);
  const after = (await (await fetch(`${server!.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  assert.deepEqual(new Set(after.keys.map((k) => k.kid)), new Set([out.created.kid, out.retired.kid]));
});

test('`writ keys list` shows every key; wrong credentials exit 5 with a fixed message', async () => {
  const res = await cli(['keys', 'list', '--json']);
  assert.equal(res.code, 0, res.stderr);
  assert.equal((JSON.parse(res.stdout) as { keys: unknown[] }).keys.length, 3); // 2 token + 1 ledger
  const bad = await cli(['keys', 'list']);
  assert.equal(bad.code, 0);
  const denied = await new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/writ.js'), 'keys', 'list'], { env: { ...env, WRIT_ADMIN_TOKEN: 'writ_admin_forged' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
  assert.equal(denied.code, 5);
  assert.match(denied.stderr, /^writ: authentication required \[UNAUTHENTICATED\]\n$/);
});

test('`writ ledger checkpoint | tail | show | proof` read the ledger; the proof verifies locally', async () => {
  const cp = await cli(['ledger', 'checkpoint', '--json']);
  assert.equal(cp.code, 0, cp.stderr);
  assert.match((JSON.parse(cp.stdout) as { note: string }).note, /^writ\.local\/ledger\/[0-9a-f]{12}\n\d+\n/);
  const tail = await cli(['ledger', 'tail', '--json']);
  assert.equal(tail.code, 0, tail.stderr);
  const types = (JSON.parse(tail.stdout) as { entries: Array<{ entry_type: string }> }).entries.map((e) => e.entry_type);
  assert.ok(types.includes('key.rotated'));
  const keys = (await (await fetch(`${server!.url}/v1/ledger/keys`)).json()) as { verifier_keys: Array<{ verifier_key: string }> };
  const proof = await cli(['ledger', 'proof', '0', '--json', '--verifier-key', keys.verifier_keys[0]!.verifier_key]);
  assert.equal(proof.code, 0, proof.stderr);
  assert.equal((JSON.parse(proof.stdout) as { verified: boolean }).verified, true);
  const bad = await cli(['ledger', 'proof', '0', '--verifier-key', 'other+01020304+AcJdkEDnKQNYlR4C9TXbx98yD8z7lgYIWJHt/M7K9QbA']);
  assert.equal(bad.code, 8);
  assert.match(bad.stderr, /checkpoint rejected/);
  const missing = await cli(['ledger', 'show', '999999']);
  assert.equal(missing.code, 6);
});

test('a second server on the same embedded $WRIT_HOME exits non-zero with a clear message', { skip: TEST_STORE_KIND === 'postgres' && 'the home lock guards the embedded store only' }, async () => {
  const res = await cli(['serve', '--listen', '127.0.0.1:0']);
  assert.equal(res.code, 4);
  assert.match(res.stderr, /is in use by another writ process \(pid \d+\)/);
  assert.ok(!res.stderr.includes('    at '), 'no stack trace without --debug');
});

test('stopping and starting again keeps every key', async () => {
  const before = (await (await fetch(`${server!.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  await server!.stop();
  server = await start();
  const after = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  assert.deepEqual(after.keys.map((k) => k.kid).sort(), before.keys.map((k) => k.kid).sort());
  const res = await cli(['keys', 'list', '--json']);
  assert.equal((JSON.parse(res.stdout) as { keys: unknown[] }).keys.length, 3);
});

function forms(bytes: Buffer): string[] {
  return [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test('no private key material in plaintext in the database, $WRIT_HOME files or logs', async () => {
  await server!.stop();
  server = undefined;
  const config = loadConfig({ env, cwd: home });
  const master = loadMasterKey(config.masterKey, env);
  const store = config.databaseUrl ? await openPostgresStore(config.databaseUrl) : await openPgliteStore({ dataDir: join(home, 'data') });
  let dbText: string;
  let secrets: Buffer[];
  try {
    const rows = await store.db.selectFrom('keyring_keys').select(['kid', 'private_ref']).execute();
    assert.equal(rows.length, 3);
    // The private parts, recovered with the master key: PKCS#8 DER and, for Ed25519, the 32-byte seed.
    secrets = rows.flatMap((r) => {
      const der = openPrivateKey(master.bytes, r.kid, r.private_ref);
      return [der, der.subarray(der.length - 32)];
    });
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(store.db);
    const dumps: string[] = [];
    for (const { tablename } of tables.rows) {
      const r = await sql<{ j: unknown }>`select row_to_json(t) as j from ${sql.table(tablename)} t`.execute(store.db);
      dumps.push(JSON.stringify(r.rows));
    }
    dbText = dumps.join('\n');
  } finally {
    await store.close();
  }
  const logText = logs.text();
  assert.ok(logText.length > 0);
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      assert.ok(!dbText.includes(form), 'private key in a database row');
      assert.ok(!logText.includes(form), 'private key in the logs');
    }
  }
  // Every file under $WRIT_HOME, the embedded database's own files included, byte for byte.
  const masterPath = config.masterKey.kind === 'file' ? config.masterKey.path : '';
  const files = walk(home).filter((f) => f !== masterPath);
  assert.ok(files.some((f) => f.endsWith('admin.token')));
  if (!config.databaseUrl) assert.ok(files.length > 10, 'the embedded database files are scanned too');
  for (const file of files) {
    const content = readFileSync(file);
    for (const secret of secrets) {
      assert.equal(content.indexOf(secret), -1, `raw private key bytes in ${file}`);
      for (const form of forms(secret)) assert.equal(content.indexOf(form), -1, `encoded private key in ${file}`);
    }
  }
});

test('a wrong master key is refused at start instead of minting new keys', async () => {
  const bad = { ...env, WRIT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
  const config = loadConfig({ env: bad, cwd: home });
  await assert.rejects(runServer({ ...config, listen: { host: '127.0.0.1', port: 0 } }, { logger: createLogger('silent') }), (e) => isWritError(e, 'MASTER_KEY_INVALID'));
});
