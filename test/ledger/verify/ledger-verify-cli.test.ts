/**
 * `writ ledger verify` through a commander program built like the CLI's (and
 * read back like `runCli` does), over a real $WRIT_HOME (embedded store) or a
 * scratch PostgreSQL database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { sql } from 'kysely';
import { ManualClock } from '../../../src/common/clock.ts';
import { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createContext, type GlobalOptions } from '../../../src/cli/context.ts';
import { EXIT, exitCodeFor } from '../../../src/cli/exit-codes.ts';
import { registerLedgerVerifyCommand } from '../../../src/cli/commands/ledger-verify.ts';
import { ledgerVerifierKey } from '../../../src/ledger/checkpoint-signing.ts';
import { LedgerSequencer } from '../../../src/ledger/sequencer.ts';
import { acquireHomeLock } from '../../../src/store/home-lock.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { createScratchDatabase, TEST_STORE_KIND } from '../../harness/test-store.ts';
import type { VerifyReport } from '../../../src/ledger/verify/verify-ledger.ts';

const ORIGIN = 'writ.test/cli-ledger';
const home = mkdtempSync(join(tmpdir(), 'writ-ledger-verify-'));
let env: NodeJS.ProcessEnv;
let scratch: { url: string; drop(): Promise<void> } | undefined;
let pinnedKey: string;
let latestCheckpoint: string;
let size = 0;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig({ env, cwd: home }));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

before(async () => {
  env = { WRIT_HOME: home };
  if (TEST_STORE_KIND === 'postgres') {
    scratch = await createScratchDatabase();
    env.WRIT_DATABASE_URL = scratch.url;
  }
  await withStore(async (store) => {
    const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
    const keyring = new Keyring({ store, provider: new LocalKeyProvider(randomBytes(32)), clock });
    const key = await keyring.ensureActiveKey('ledger');
    pinnedKey = ledgerVerifierKey(ORIGIN, key.publicJwk);
    const sequencer = new LedgerSequencer({ store, keyring, clock, origin: ORIGIN });
    for (const batch of [4, 7, 2, 9]) {
      await sequencer.enqueue(Array.from({ length: batch }, (_, i) => ({ stream_id: `s${i % 3}`, entry_type: 'system.note', payload: { message: `entry ${size + i}` } })));
      size += await sequencer.drainOnce();
    }
    await store.db.insertInto('writ_meta').values({ key: 'ledger_origin', value: ORIGIN }).execute();
    latestCheckpoint = (await store.db.selectFrom('ledger_checkpoints').select('note').orderBy('tree_size', 'desc').limit(1).executeTakeFirstOrThrow()).note;
  });
});

after(async () => {
  await scratch?.drop();
  rmSync(home, { recursive: true, force: true });
});

/** Runs `writ [--json] ledger verify …` and returns what it printed and how it ended. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; error: unknown; code: number }> {
  const program = new Command('writ').option('--json').option('--home <dir>').exitOverride();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  const ledger = program.command('ledger').exitOverride();
  const stdout = new Capture();
  const stderr = new Capture();
  let ctx: ReturnType<typeof createContext> | undefined;
  registerLedgerVerifyCommand(ledger, () => (ctx ??= createContext(program.opts<GlobalOptions>(), env)), { stdout, stderr, progress: false });
  for (const c of ledger.commands) c.exitOverride();
  let error: unknown;
  // As runCli does: a command that prints a report and still fails sets process.exitCode.
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'writ', ...args]);
  } catch (err) {
    error = err;
  }
  const requested = process.exitCode;
  process.exitCode = undefined;
  const code =
    error === undefined
      ? typeof requested === 'number' ? requested : EXIT.OK
      : error instanceof CommanderError ? EXIT.USAGE : isWritError(error) ? exitCodeFor(error.code) : EXIT.ERROR;
  return { stdout: stdout.text, stderr: stderr.text, error, code };
}

test('an untouched ledger verifies with the keyring’s keys, warning that they come from the audited database', async () => {
  const r = await run(['ledger', 'verify']);
  assert.equal(r.code, EXIT.OK, String(r.error));
  assert.match(r.stdout, new RegExp(`${size} entries, 4 checkpoints`));
  assert.match(r.stdout, /ledger verified: no problems/);
  assert.match(r.stderr, /warning: no --verifier-key given/);
});

test('--json prints the report; pinned keys and a trusted checkpoint raise no warning', async () => {
  const file = join(home, 'trusted-checkpoint.txt');
  writeFileSync(file, latestCheckpoint);
  const r = await run(['--json', 'ledger', 'verify', '--verifier-key', pinnedKey, '--trusted-checkpoint', file]);
  assert.equal(r.code, EXIT.OK, String(r.error));
  const report = JSON.parse(r.stdout) as VerifyReport;
  assert.deepEqual([report.ok, report.entries_checked, report.tree_size, report.trusted_checkpoint?.tree_size], [true, size, size, size]);
  assert.equal(r.stderr, '');
  const local = await run(['ledger', 'verify', '--json', '--from', '11', '--verifier-key', pinnedKey]);
  assert.equal((JSON.parse(local.stdout) as VerifyReport).started_at_seq, 11);
});

test('bad arguments: --from not a number, an unreadable checkpoint file, a malformed verifier key', async () => {
  assert.equal((await run(['ledger', 'verify', '--from', 'x'])).code, EXIT.USAGE);
  const missing = await run(['ledger', 'verify', '--trusted-checkpoint', join(home, 'nope.txt')]);
  assert.equal(missing.code, EXIT.USAGE);
  assert.match(String(missing.error), /cannot read the trusted checkpoint/);
  const bad = await run(['ledger', 'verify', '--verifier-key', 'not-a-key']);
  assert.equal(bad.code, EXIT.USAGE);
});

test('a key the log was not signed with fails verification (exit 8) at the first checkpoint', async () => {
  const other = ledgerVerifierKey(ORIGIN, { kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32, 9).toString('base64url') });
  const r = await run(['ledger', 'verify', '--verifier-key', other]);
  assert.equal(r.code, EXIT.VERIFY_FAILED);
  assert.match(r.stderr, /^ledger verification FAILED at checkpoint 4: checkpoint_signature/m);
});

test('the embedded store’s home lock held by a server: a clear error to stop it first', { skip: TEST_STORE_KIND === 'postgres' && 'PostgreSQL stores take no home lock' }, async () => {
  const lock = acquireHomeLock(home);
  try {
    const r = await run(['ledger', 'verify']);
    assert.equal(r.code, EXIT.UNAVAILABLE);
    assert.match(String(r.error), /stop the server first/);
  } finally {
    lock.release();
  }
});

test('a tampered ledger exits 8 and prints the first problem as one line; JSON keeps the full report', async () => {
  await withStore(async (store) => {
    await store.transaction(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update ledger_entries set entry_jcs = replace(entry_jcs, '"entry 5"', '"entry 6"') where seq = 5`.execute(trx);
    });
  });
  const r = await run(['ledger', 'verify', '--verifier-key', pinnedKey]);
  assert.equal(r.code, EXIT.VERIFY_FAILED);
  assert.equal(r.error, undefined);
  assert.equal(r.stderr, 'ledger verification FAILED at seq 5: edited (leaf hash does not match entry)\n');
  assert.match(r.stdout, /1 problem\(s\):\n {2}seq 5 +edited/);
  const j = await run(['--json', 'ledger', 'verify', '--verifier-key', pinnedKey]);
  assert.equal(j.code, EXIT.VERIFY_FAILED);
  const report = JSON.parse(j.stdout) as VerifyReport;
  assert.deepEqual(report.first_problem, { kind: 'edited', seq: 5, message: 'leaf hash does not match entry' });
});

test('without writ_meta.ledger_origin the first checkpoint’s origin is used, with a warning', async () => {
  await withStore((store) => store.db.deleteFrom('writ_meta').where('key', '=', 'ledger_origin').execute());
  const r = await run(['ledger', 'verify', '--verifier-key', pinnedKey, '--json']);
  assert.match(r.stderr, /writ_meta has no ledger_origin; using "writ\.test\/cli-ledger"/);
  assert.equal((JSON.parse(r.stdout) as VerifyReport).origin, ORIGIN);
});

test('a home without an embedded store is an error, not an empty ledger that verifies', { skip: TEST_STORE_KIND === 'postgres' && 'the PostgreSQL store is named by its URL' }, async () => {
  const empty = mkdtempSync(join(tmpdir(), 'writ-ledger-verify-empty-'));
  try {
    const r = await run(['--home', empty, 'ledger', 'verify']);
    assert.equal(r.code, EXIT.UNAVAILABLE);
    assert.match(String(r.error), /no embedded store/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

// Through the real `writ` binary in a child process: the test runner owns this process's stdout.
test('through bin/writ.js: the report on stdout and exit status 8 for the tampered ledger', () => {
  const bin = new URL('../../../bin/writ.js', import.meta.url).pathname;
  const res = spawnSync(process.execPath, [bin, '--json', 'ledger', 'verify', '--verifier-key', pinnedKey], {
    env: { ...env, PATH: process.env.PATH, WRIT_FROM_SOURCE: '1' },
    encoding: 'utf8',
  });
  assert.equal(res.status, EXIT.VERIFY_FAILED, res.stderr);
  assert.deepEqual((JSON.parse(res.stdout) as VerifyReport).first_problem?.seq, 5);
});
