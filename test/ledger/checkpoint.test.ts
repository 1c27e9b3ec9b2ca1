import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { isWritError } from '../../src/errors/writ-error.ts';
import {
  formatVerifierKey,
  parseVerifierKey,
  signNote,
  signerFromKeyObject,
  verifierFromPublicKey,
  type NoteSigner,
} from '../../src/crypto/signed-note.ts';
import {
  CHECKPOINT_REJECTED_MESSAGE,
  MAX_CHECKPOINT_TREE_SIZE,
  formatCheckpointBody,
  parseCheckpointBody,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointRejectReason,
} from '../../src/ledger/checkpoint.ts';

// ---------------------------------------------------------------------------
// Fixtures

interface WritCheckpointsFixture {
  key: { name: string; seedHex: string; verifierKey: string };
  signedCheckpoints: {
    description: string;
    origin: string;
    treeSize: string;
    rootHashHex: string;
    extensions: string[];
    body: string;
    note: string;
  }[];
  specExampleBodies: { body: string; origin: string; treeSize: string }[];
  bodyCases: {
    valid: { description: string; body: string; origin: string; treeSize: string; extensions: string[] }[];
    invalid: { description: string; body: string; reason: CheckpointRejectReason }[];
  };
}

interface TransparencyDevFixture {
  sumdbCheckpoint: {
    logVerifierKey: string;
    origin: string;
    treeSize: string;
    rootHashBase64: string;
    note: string;
    cosigners: { name: string; verifierKey: string; signatureLine: string }[];
  };
}

function loadFixture<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/signed-note/${file}`, import.meta.url), 'utf8')) as T;
}

const writ = loadFixture<WritCheckpointsFixture>('writ-checkpoints.json');
const sumdb = loadFixture<TransparencyDevFixture>('transparency-dev-formats.json').sumdbCheckpoint;

const PKCS8_ED25519_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const fixtureSigner = signerFromKeyObject(
  writ.key.name,
  createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_SEED_PREFIX, Buffer.from(writ.key.seedHex, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  }),
);

const ROOT = new Uint8Array(32).fill(0x5a);

function freshSigner(name: string): NoteSigner {
  return signerFromKeyObject(name, generateKeyPairSync('ed25519').privateKey);
}

function causeOf(err: unknown): unknown {
  return isWritError(err) ? err.cause : undefined;
}

/** Asserts `fn` throws CHECKPOINT_INVALID with the fixed message and cause reason `reason`. */
function assertCheckpointRejected(fn: () => unknown, reason: CheckpointRejectReason, noteReason?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isWritError(err, 'CHECKPOINT_INVALID'), `expected CHECKPOINT_INVALID, got ${String(err)}`);
    assert.equal(err.message, CHECKPOINT_REJECTED_MESSAGE);
    const cause = causeOf(err);
    if (reason === 'note-rejected') {
      assert.ok(isWritError(cause, 'NOTE_INVALID'), 'cause is the note error');
      if (noteReason !== undefined) assert.equal((cause.cause as Error).message, noteReason);
    } else {
      assert.ok(cause instanceof Error);
      assert.equal(cause.message, reason);
    }
    return true;
  });
}

// ---------------------------------------------------------------------------
// Fixed vectors

test('signCheckpoint reproduces the independently generated Writ vectors byte for byte', () => {
  assert.equal(formatVerifierKey(fixtureSigner.name, fixtureSigner.publicKeyRaw), writ.key.verifierKey);
  for (const v of writ.signedCheckpoints) {
    const input = {
      origin: v.origin,
      treeSize: BigInt(v.treeSize),
      rootHash: new Uint8Array(Buffer.from(v.rootHashHex, 'hex')),
      extensions: v.extensions,
    };
    assert.equal(formatCheckpointBody(input), v.body, v.description);
    assert.equal(signCheckpoint(input, fixtureSigner), v.note, v.description);
    const cp = verifyCheckpoint(v.note, writ.key.verifierKey, v.origin);
    assert.equal(cp.origin, v.origin);
    assert.equal(cp.treeSize, BigInt(v.treeSize));
    assert.equal(Buffer.from(cp.rootHash).toString('hex'), v.rootHashHex);
    assert.deepEqual(cp.extensions, v.extensions);
  }
});

test('verifyCheckpoint accepts the real sum.golang.org checkpoint, with or without witness cosignatures', () => {
  const cp = verifyCheckpoint(sumdb.note, sumdb.logVerifierKey, sumdb.origin);
  assert.equal(cp.origin, 'go.sum database tree');
  assert.equal(cp.treeSize, 6476701n);
  assert.equal(Buffer.from(cp.rootHash).toString('base64'), sumdb.rootHashBase64);
  assert.deepEqual(cp.extensions, []);

  const cosigned = sumdb.note + sumdb.cosigners.map((c) => c.signatureLine).join('');
  assert.equal(verifyCheckpoint(new TextEncoder().encode(cosigned), sumdb.logVerifierKey, sumdb.origin).treeSize, 6476701n);
  // A witness key alone is a valid verifier of the same text.
  assert.equal(verifyCheckpoint(cosigned, sumdb.cosigners[0]!.verifierKey, sumdb.origin).treeSize, 6476701n);
  // ... but not of the log-only note.
  assertCheckpointRejected(
    () => verifyCheckpoint(sumdb.note, sumdb.cosigners[0]!.verifierKey, sumdb.origin),
    'note-rejected',
    'no-verified-signature',
  );
});

test('verifyCheckpoint rejects the sum.golang.org checkpoint under another origin', () => {
  for (const origin of ['Go rocks but I might have the wrong ID', 'sum.golang.org', 'go.sum database tree ', '']) {
    assertCheckpointRejected(() => verifyCheckpoint(sumdb.note, sumdb.logVerifierKey, origin), 'origin-mismatch');
  }
});

test('parseCheckpointBody accepts the spec example and the valid body cases', () => {
  for (const e of writ.specExampleBodies) {
    const cp = parseCheckpointBody(e.body);
    assert.equal(cp.origin, e.origin);
    assert.equal(cp.treeSize, BigInt(e.treeSize));
    assert.equal(formatCheckpointBody(cp), e.body);
  }
  for (const c of writ.bodyCases.valid) {
    const cp = parseCheckpointBody(c.body);
    assert.equal(cp.origin, c.origin, c.description);
    assert.equal(cp.treeSize, BigInt(c.treeSize), c.description);
    assert.equal(cp.rootHash.length, 32);
    assert.deepEqual(cp.extensions, c.extensions, c.description);
    assert.equal(formatCheckpointBody(cp), c.body, `${c.description}: canonical`);
    assert.ok(Object.isFrozen(cp) && Object.isFrozen(cp.extensions));
  }
});

test('parseCheckpointBody rejects the invalid body cases', async (t) => {
  for (const c of writ.bodyCases.invalid) {
    await t.test(c.description, () => {
      assertCheckpointRejected(() => parseCheckpointBody(c.body), c.reason);
    });
  }
});

// ---------------------------------------------------------------------------
// Formatting

test('formatCheckpointBody takes bigint or safe-integer sizes alike', () => {
  const a = formatCheckpointBody({ origin: 'log', treeSize: 42, rootHash: ROOT });
  const b = formatCheckpointBody({ origin: 'log', treeSize: 42n, rootHash: ROOT, extensions: [] });
  assert.equal(a, b);
  assert.equal(a, `log\n42\n${Buffer.from(ROOT).toString('base64')}\n`);
  assert.equal(
    formatCheckpointBody({ origin: 'log', treeSize: MAX_CHECKPOINT_TREE_SIZE, rootHash: ROOT }).split('\n')[1],
    '18446744073709551615',
  );
});

test('formatCheckpointBody rejects out-of-range fields', () => {
  const ok = { origin: 'log', treeSize: 1n, rootHash: ROOT };
  const cases: [Parameters<typeof formatCheckpointBody>[0], CheckpointRejectReason][] = [
    [{ ...ok, origin: '' }, 'empty-line'],
    [{ ...ok, origin: 'a\nb' }, 'invalid-line'],
    [{ ...ok, origin: 'a\rb' }, 'invalid-line'],
    [{ ...ok, origin: 'a\ud800' }, 'invalid-line'],
    [{ ...ok, treeSize: -1n }, 'invalid-tree-size'],
    [{ ...ok, treeSize: -1 }, 'invalid-tree-size'],
    [{ ...ok, treeSize: 1.5 }, 'invalid-tree-size'],
    [{ ...ok, treeSize: Number.NaN }, 'invalid-tree-size'],
    [{ ...ok, treeSize: 2 ** 53 }, 'invalid-tree-size'],
    [{ ...ok, treeSize: MAX_CHECKPOINT_TREE_SIZE + 1n }, 'invalid-tree-size'],
    [{ ...ok, rootHash: new Uint8Array(31) }, 'invalid-root-hash'],
    [{ ...ok, rootHash: new Uint8Array(33) }, 'invalid-root-hash'],
    [{ ...ok, extensions: [''] }, 'empty-line'],
    [{ ...ok, extensions: ['a', 'b\nc'] }, 'invalid-line'],
  ];
  for (const [input, reason] of cases) {
    assertCheckpointRejected(() => formatCheckpointBody(input), reason);
    assertCheckpointRejected(() => signCheckpoint(input, fixtureSigner), reason);
  }
});

// ---------------------------------------------------------------------------
// Verification

test('verifyCheckpoint accepts a parsed verifier as well as a key string', () => {
  const signer = freshSigner('writ.example/log');
  const note = signCheckpoint({ origin: 'writ.example/log', treeSize: 3n, rootHash: ROOT }, signer);
  const vkey = formatVerifierKey(signer.name, signer.publicKeyRaw);
  assert.deepEqual(verifyCheckpoint(note, vkey, 'writ.example/log'), verifyCheckpoint(note, parseVerifierKey(vkey), 'writ.example/log'));
});

test('verifyCheckpoint rejects another key, a bad signature and a malformed note', () => {
  const signer = freshSigner('writ.example/log');
  const other = freshSigner('writ.example/log');
  const vkey = formatVerifierKey(signer.name, signer.publicKeyRaw);
  const note = signCheckpoint({ origin: 'writ.example/log', treeSize: 9n, rootHash: ROOT }, signer);

  const byOther = signCheckpoint({ origin: 'writ.example/log', treeSize: 9n, rootHash: ROOT }, other);
  assertCheckpointRejected(() => verifyCheckpoint(byOther, vkey, 'writ.example/log'), 'note-rejected', 'no-verified-signature');

  const forged = note.replace('\n9\n', '\n8\n');
  assertCheckpointRejected(() => verifyCheckpoint(forged, vkey, 'writ.example/log'), 'note-rejected', 'invalid-signature');

  const bodyOnly = note.slice(0, note.indexOf('\n\n') + 1);
  assertCheckpointRejected(() => verifyCheckpoint(bodyOnly, vkey, 'writ.example/log'), 'note-rejected', 'missing-signature-block');
});

test('verifyCheckpoint rejects validly signed notes whose bodies are not checkpoints', () => {
  const signer = freshSigner('writ.example/log');
  const v = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  const R = Buffer.from(ROOT).toString('base64');
  const bodies: [string, CheckpointRejectReason][] = [
    ["if this is a valid checkpoint then I'll eat my hat\n", 'missing-lines'],
    [`writ.example/log\n01\n${R}\n`, 'invalid-tree-size'],
    [`writ.example/log\n1\nYmFuYW5hcw==\n`, 'invalid-root-hash'],
    [`writ.example/log\n1\n${R}\n\nextension after blank\n`, 'empty-line'],
    [`\n1\n${R}\n`, 'empty-line'],
  ];
  for (const [body, reason] of bodies) {
    const note = signNote(body, [signer]);
    assertCheckpointRejected(() => verifyCheckpoint(note, v, 'writ.example/log'), reason);
  }
});

test('a malformed verifier key string is a configuration error (NOTE_INVALID), not a checkpoint rejection', () => {
  assert.throws(() => verifyCheckpoint(sumdb.note, 'sum.golang.org+033de0ae', sumdb.origin), { code: 'NOTE_INVALID' });
});

// ---------------------------------------------------------------------------
// Properties

const lineArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
  .map((s) => s.replace(/[\u0000-\u001f]/g, ''))
  .filter((s) => s.length > 0);

const checkpointArb = fc.record({
  origin: lineArb,
  treeSize: fc.bigInt({ min: 0n, max: MAX_CHECKPOINT_TREE_SIZE }),
  rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  extensions: fc.array(lineArb, { maxLength: 3 }),
});

interface ExpectedCheckpoint {
  origin: string;
  treeSize: bigint;
  rootHash: Uint8Array;
  extensions: string[];
}

function sameCheckpoint(actual: Checkpoint, expected: ExpectedCheckpoint): void {
  assert.equal(actual.origin, expected.origin);
  assert.equal(actual.treeSize, expected.treeSize);
  assert.deepEqual(actual.rootHash, expected.rootHash);
  assert.deepEqual([...actual.extensions], expected.extensions);
}

test('property: parseCheckpointBody(formatCheckpointBody(cp)) round-trips', () => {
  fc.assert(
    fc.property(checkpointArb, (cp) => {
      const body = formatCheckpointBody(cp);
      const parsed = parseCheckpointBody(body);
      sameCheckpoint(parsed, cp);
      assert.equal(formatCheckpointBody(parsed), body);
    }),
    { numRuns: 500 },
  );
});

test('property: verifyCheckpoint(signCheckpoint(cp)) round-trips', () => {
  const signer = freshSigner('writ.example/log');
  const vkey = formatVerifierKey(signer.name, signer.publicKeyRaw);
  fc.assert(
    fc.property(checkpointArb, (cp) => {
      sameCheckpoint(verifyCheckpoint(signCheckpoint(cp, signer), vkey, cp.origin), cp);
    }),
    { numRuns: 200 },
  );
});

test('property: any single-byte change to a log-signed checkpoint fails verification', () => {
  const signer = freshSigner('writ.example/log');
  const verifier = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  fc.assert(
    fc.property(checkpointArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (cp, at, delta) => {
      const bytes = Buffer.from(signCheckpoint(cp, signer), 'utf8');
      const i = at % bytes.length;
      bytes[i] = (bytes[i]! + delta) & 0xff;
      assert.throws(() => verifyCheckpoint(bytes, verifier, cp.origin), { code: 'CHECKPOINT_INVALID' });
    }),
    { numRuns: 1000 },
  );
});

test('property: every single-byte change to a fixed signed checkpoint fails verification (exhaustive positions)', () => {
  const v = writ.signedCheckpoints[2]!;
  const original = Buffer.from(v.note, 'utf8');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 255 }), (delta) => {
      for (let i = 0; i < original.length; i++) {
        const bytes = Buffer.from(original);
        bytes[i] = (bytes[i]! + delta) & 0xff;
        assert.throws(() => verifyCheckpoint(bytes, writ.key.verifierKey, v.origin), { code: 'CHECKPOINT_INVALID' }, `byte ${i}`);
      }
    }),
    { numRuns: 20 },
  );
});

test('property: deleting any one byte of a log-signed checkpoint fails verification', () => {
  const signer = freshSigner('writ.example/log');
  const verifier = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  fc.assert(
    fc.property(checkpointArb, fc.nat(), (cp, at) => {
      const bytes = Buffer.from(signCheckpoint(cp, signer), 'utf8');
      const i = at % bytes.length;
      const cut = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      assert.throws(() => verifyCheckpoint(cut, verifier, cp.origin), { code: 'CHECKPOINT_INVALID' });
    }),
    { numRuns: 500 },
  );
});
