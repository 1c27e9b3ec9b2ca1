import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadMasterKey } from '../../src/crypto/keyring/master-key.ts';
import { isWritError } from '../../src/errors/writ-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'writ-mk-'));

test('dev mode generates a 32-byte master key file with 0600 and reuses it', () => {
  const path = join(dir, 'home', 'master.key');
  const a = loadMasterKey({ kind: 'file', path, generateIfMissing: true });
  assert.equal(a.generated, true);
  assert.equal(a.bytes.length, 32);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const b = loadMasterKey({ kind: 'file', path, generateIfMissing: true });
  assert.equal(b.generated, false);
  assert.ok(a.bytes.equals(b.bytes));
});

test('a missing key file is an error when generation is off (production)', () => {
  assert.throws(() => loadMasterKey({ kind: 'file', path: join(dir, 'none.key'), generateIfMissing: false }), (e) => isWritError(e, 'MASTER_KEY_MISSING'));
});

test('a key file readable by others is refused', () => {
  const path = join(dir, 'open.key');
  writeFileSync(path, randomBytes(32).toString('base64'));
  chmodSync(path, 0o644);
  assert.throws(() => loadMasterKey({ kind: 'file', path, generateIfMissing: false }), /chmod 600/);
});

test('WRIT_MASTER_KEY accepts base64 or hex of exactly 32 bytes', () => {
  const k = randomBytes(32);
  assert.ok(loadMasterKey({ kind: 'env' }, { WRIT_MASTER_KEY: k.toString('base64') }).bytes.equals(k));
  assert.ok(loadMasterKey({ kind: 'env' }, { WRIT_MASTER_KEY: k.toString('hex') }).bytes.equals(k));
  assert.throws(() => loadMasterKey({ kind: 'env' }, { WRIT_MASTER_KEY: randomBytes(16).toString('base64') }), (e) => isWritError(e, 'MASTER_KEY_INVALID'));
  assert.throws(() => loadMasterKey({ kind: 'env' }, { WRIT_MASTER_KEY: 'not base64!!' }), (e) => isWritError(e, 'MASTER_KEY_INVALID'));
});
