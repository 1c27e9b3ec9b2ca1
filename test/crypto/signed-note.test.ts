import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { isWritError } from '../../src/errors/writ-error.ts';
import {
  MAX_NOTE_SIGNATURES,
  NOTE_REJECTED_MESSAGE,
  decodeCanonicalBase64,
  encodeBase64,
  formatKeyId,
  formatVerifierKey,
  isValidKeyName,
  isValidNoteText,
  keyIdFor,
  openNote,
  parseVerifierKey,
  signNote,
  signerFromKeyObject,
  verifierFromPublicKey,
  type NoteRejectReason,
  type NoteSigner,
  type NoteVerifier,
} from '../../src/crypto/signed-note.ts';

// ---------------------------------------------------------------------------
// Fixtures

interface OpenCase {
  description: string;
  note?: string;
  noteBase64?: string;
  verifiers: string[];
  expect: { verified: string[]; unverified: string[] } | { reason: NoteRejectReason };
  deviation?: string;
}

interface GoFixture {
  keys: Record<string, { name: string; keyIdHex: string; verifierKey: string; signerKey?: string }>;
  badVerifierKeys: { description: string; verifierKey: string }[];
  text: string;
  signatureLines: Record<string, string>;
  signed: { signers: string[]; note: string };
  openCases: OpenCase[];
}

interface TransparencyDevFixture {
  keyPairs: { name: string; verifierKey: string; signerKey: string }[];
  sumdbCheckpoint: {
    logVerifierKey: string;
    note: string;
    cosigners: { name: string; verifierKey: string; signatureLine: string }[];
  };
}

function loadFixture<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/signed-note/${file}`, import.meta.url), 'utf8')) as T;
}

const go = loadFixture<GoFixture>('go-sumdb-note.json');
const td = loadFixture<TransparencyDevFixture>('transparency-dev-formats.json');

// Writ never parses `PRIVATE+KEY+…` strings in production; this test-only helper
// turns one into a KeyObject so the fixed vectors can be reproduced.
const PKCS8_ED25519_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function parseTestSignerKey(skey: string): { name: string; keyIdHex: string; privateKey: KeyObject } {
  const m = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(skey);
  assert.ok(m, `bad test signer key ${skey}`);
  const [, name, keyIdHex, key64] = m as unknown as [string, string, string, string];
  const key = Buffer.from(key64, 'base64');
  assert.equal(key.length, 33);
  assert.equal(key[0], 0x01);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_SEED_PREFIX, key.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  return { name, keyIdHex, privateKey };
}

function signerFromTestKey(skey: string): NoteSigner {
  const { name, privateKey } = parseTestSignerKey(skey);
  return signerFromKeyObject(name, privateKey);
}

function reasonOf(err: unknown): string | undefined {
  return isWritError(err) && err.cause instanceof Error ? err.cause.message : undefined;
}

/** Asserts `fn` throws NOTE_INVALID with `message` and cause reason `reason`. */
function assertNoteRejected(fn: () => unknown, reason: NoteRejectReason, message = NOTE_REJECTED_MESSAGE): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isWritError(err, 'NOTE_INVALID'), `expected NOTE_INVALID, got ${String(err)}`);
    assert.equal(err.message, message);
    assert.equal(reasonOf(err), reason);
    return true;
  });
}

function freshSigner(name: string): NoteSigner {
  return signerFromKeyObject(name, generateKeyPairSync('ed25519').privateKey);
}

const peterVerifier = parseVerifierKey(go.keys.PeterNeumann!.verifierKey);
const verifiersByName = new Map<string, NoteVerifier>(
  Object.values(go.keys).map((k) => [k.name, parseVerifierKey(k.verifierKey)]),
);

// ---------------------------------------------------------------------------
// Keys

test('verifier keys from golang.org/x/mod and transparency-dev parse, and their key IDs match', () => {
  const all = [
    ...Object.values(go.keys).map((k) => ({ name: k.name, vkey: k.verifierKey, hex: k.keyIdHex })),
    ...td.keyPairs.map((k) => ({ name: k.name, vkey: k.verifierKey, hex: k.verifierKey.split('+')[1]! })),
    { name: 'sum.golang.org', vkey: td.sumdbCheckpoint.logVerifierKey, hex: '033de0ae' },
    ...td.sumdbCheckpoint.cosigners.map((c) => ({ name: c.name, vkey: c.verifierKey, hex: c.verifierKey.split('+')[1]! })),
  ];
  for (const { name, vkey, hex } of all) {
    const v = parseVerifierKey(vkey);
    assert.equal(v.name, name);
    assert.equal(formatKeyId(v.keyId), hex);
    assert.equal(v.publicKeyRaw.length, 32);
    assert.equal(keyIdFor(name, v.publicKeyRaw), v.keyId);
    assert.equal(formatVerifierKey(name, v.publicKeyRaw), vkey, 'format reproduces the key string');
  }
});

test('signer keys derive the published verifier keys and key IDs', () => {
  const pairs = [
    { signerKey: go.keys.PeterNeumann!.signerKey!, verifierKey: go.keys.PeterNeumann!.verifierKey },
    ...td.keyPairs,
  ];
  for (const { signerKey, verifierKey } of pairs) {
    const { name, keyIdHex, privateKey } = parseTestSignerKey(signerKey);
    const signer = signerFromKeyObject(name, privateKey);
    assert.equal(signer.name, name);
    assert.equal(formatKeyId(signer.keyId), keyIdHex);
    assert.equal(formatVerifierKey(name, signer.publicKeyRaw), verifierKey);
    assert.equal(formatVerifierKey(name, privateKey), verifierKey, 'private KeyObject accepted');
  }
});

test('parseVerifierKey rejects every proper substring and every single-character bump of a valid key', () => {
  const vkey = go.keys.PeterNeumann!.verifierKey;
  for (let i = 0; i <= vkey.length; i++) {
    for (let j = i + 1; j <= vkey.length; j++) {
      if (i === 0 && j === vkey.length) continue;
      assert.throws(() => parseVerifierKey(vkey.slice(i, j)), { code: 'NOTE_INVALID' }, vkey.slice(i, j));
    }
  }
  for (let i = 0; i < vkey.length; i++) {
    const bumped = vkey.slice(0, i) + String.fromCharCode(vkey.charCodeAt(i) + 1) + vkey.slice(i + 1);
    assert.throws(() => parseVerifierKey(bumped), { code: 'NOTE_INVALID' }, bumped);
  }
});

test('parseVerifierKey rejects wrong key length, unknown algorithm and non-canonical forms', () => {
  const [wrongLength, unknownAlg] = go.badVerifierKeys;
  // x/mod rejects this for its length; Writ already rejects its non-canonical base64 tail ("EY==").
  assert.equal(reasonOf(catchErr(() => parseVerifierKey(wrongLength!.verifierKey))), 'malformed-verifier-key');
  const long = encodeBase64(new Uint8Array([0x01, ...peterVerifier.publicKeyRaw, 0x00]));
  assert.equal(reasonOf(catchErr(() => parseVerifierKey(`PeterNeumann+c74f20a3+${long}`))), 'invalid-key');
  assert.equal(reasonOf(catchErr(() => parseVerifierKey(unknownAlg!.verifierKey))), 'unsupported-key-type');

  const vkey = go.keys.PeterNeumann!.verifierKey;
  const cases: [string, NoteRejectReason][] = [
    [vkey.replace('c74f20a3', 'C74F20A3'), 'malformed-verifier-key'], // upper-case hex
    [vkey.replace('c74f20a3', 'c74f20a4'), 'key-id-mismatch'],
    [vkey.replace('c74f20a3', '0c74f20a3'), 'malformed-verifier-key'],
    [vkey.replace('PeterNeumann', 'Peter Neumann'), 'invalid-key-name'],
    [vkey.replace('PeterNeumann', ''), 'invalid-key-name'],
    [`${vkey}=`, 'malformed-verifier-key'],
    [vkey.replace('TW', 'TW '), 'malformed-verifier-key'],
    ['', 'malformed-verifier-key'],
    ['PeterNeumann', 'malformed-verifier-key'],
    ['PeterNeumann+c74f20a3', 'malformed-verifier-key'],
  ];
  for (const [bad, reason] of cases) {
    assertNoteRejected(() => parseVerifierKey(bad), reason, 'invalid note verifier key');
  }
});

test('keyIdFor and formatVerifierKey reject bad names and key sizes', () => {
  const raw = peterVerifier.publicKeyRaw;
  for (const name of ['', 'a+b', 'a b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u0085b', 'a\u0001b', 'a\ud800b']) {
    assertNoteRejected(() => keyIdFor(name, raw), 'invalid-key-name', 'invalid note key name');
    assertNoteRejected(() => formatVerifierKey(name, raw), 'invalid-key-name', 'invalid note key name');
  }
  assertNoteRejected(() => keyIdFor('x', raw.subarray(0, 31)), 'invalid-key', 'invalid note key');
  assertNoteRejected(() => keyIdFor('x', new Uint8Array(33)), 'invalid-key', 'invalid note key');
  assertNoteRejected(() => formatVerifierKey('x', generateKeyPairSync('x25519').publicKey), 'invalid-key', 'invalid note key');
});

test('isValidKeyName follows the spec: non-empty, no Unicode spaces, no plus', () => {
  for (const ok of ['PeterNeumann', 'example.com/log42', 'sum.golang.org', 'Señor-1', 'a\u200bb', '—']) {
    assert.ok(isValidKeyName(ok), ok);
  }
  for (const bad of ['', '+', 'a+', ' ', 'a\nb', 'a\u3000b', 'a\u2028b', 'a\u1680b', '\u0000']) {
    assert.ok(!isValidKeyName(bad), JSON.stringify(bad));
  }
});

test('signerFromKeyObject rejects public keys, other key types and bad names', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  assertNoteRejected(() => signerFromKeyObject('x', publicKey), 'invalid-key', 'invalid note signer');
  assertNoteRejected(
    () => signerFromKeyObject('x', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    'invalid-key',
    'invalid note signer',
  );
  assertNoteRejected(() => signerFromKeyObject('a b', privateKey), 'invalid-key-name', 'invalid note signer');
  assertNoteRejected(() => signerFromKeyObject('a+b', privateKey), 'invalid-key-name', 'invalid note signer');
  const signer = signerFromKeyObject('writ.example/log', privateKey);
  assert.equal(formatVerifierKey(signer.name, publicKey), formatVerifierKey(signer.name, signer.publicKeyRaw));
});

test('verifierFromPublicKey matches parseVerifierKey(formatVerifierKey(...))', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const a = verifierFromPublicKey('writ.example/log', publicKey);
  const b = parseVerifierKey(formatVerifierKey('writ.example/log', publicKey));
  assert.equal(a.keyId, b.keyId);
  assert.deepEqual(a.publicKeyRaw, b.publicKeyRaw);
  const note = signNote('x\n', [signerFromKeyObject('writ.example/log', privateKey)]);
  assert.equal(openNote(note, [a]).verifiedSignatures.length, 1);
  assert.equal(openNote(note, [b]).verifiedSignatures.length, 1);
});

// ---------------------------------------------------------------------------
// Signing

test('signNote reproduces the golang.org/x/mod signed note byte for byte', () => {
  const signer = signerFromTestKey(go.keys.PeterNeumann!.signerKey!);
  assert.equal(signNote(go.text, [signer]), go.signed.note);
  assert.equal(signNote(go.text, [signer]), go.signed.note, 'deterministic');
  const opened = openNote(go.signed.note, [peterVerifier]);
  assert.equal(opened.text, go.text);
});

test('signNote emits one line per signer, in order, and each verifies', () => {
  const signers = [freshSigner('a.example/one'), freshSigner('b.example/two'), freshSigner('c.example/three')];
  const note = signNote('body\n', signers);
  const lines = note.split('\n');
  assert.equal(lines[1], '');
  assert.deepEqual(
    lines.slice(2, 5).map((l) => l.split(' ')[1]),
    signers.map((s) => s.name),
  );
  const verifiers = signers.map((s) => verifierFromPublicKey(s.name, s.publicKeyRaw));
  const opened = openNote(note, verifiers);
  assert.deepEqual(
    opened.verifiedSignatures.map((s) => s.name),
    signers.map((s) => s.name),
  );
  const partial = openNote(note, [verifiers[1]!]);
  assert.deepEqual(partial.verifiedSignatures.map((s) => s.name), ['b.example/two']);
  assert.deepEqual(partial.unverifiedSignatures.map((s) => s.name), ['a.example/one', 'c.example/three']);
});

test('signNote rejects bad text and bad signer lists', () => {
  const signer = freshSigner('s');
  for (const text of ['', 'abc', 'a\r\nb\n', 'a\u0000\n', 'tab\there\n', 'lone \ud800\n']) {
    assertNoteRejected(() => signNote(text, [signer]), 'invalid-text', 'invalid note text');
    assert.ok(!isValidNoteText(text));
  }
  assertNoteRejected(() => signNote('x\n', []), 'invalid-signers', 'invalid note signer');
  assertNoteRejected(() => signNote('x\n', [signer, signer]), 'invalid-signers', 'invalid note signer');
  const many = Array.from({ length: MAX_NOTE_SIGNATURES + 1 }, (_, i) => ({ ...signer, name: `s${i}` }));
  assertNoteRejected(() => signNote('x\n', many), 'invalid-signers', 'invalid note signer');
  const badName: NoteSigner = { name: 'a b', keyId: 1, publicKeyRaw: new Uint8Array(32), sign: () => new Uint8Array(64) };
  assertNoteRejected(() => signNote('x\n', [badName]), 'invalid-key-name', 'invalid note signer');
  const badId: NoteSigner = { ...badName, name: 'ok', keyId: 2 ** 32 };
  assertNoteRejected(() => signNote('x\n', [badId]), 'invalid-signers', 'invalid note signer');
  const emptySig: NoteSigner = { ...badName, name: 'ok', sign: () => new Uint8Array(0) };
  assertNoteRejected(() => signNote('x\n', [emptySig]), 'invalid-signers', 'invalid note signer');
});

test('texts with blank lines, a trailing blank line or a BOM round-trip', () => {
  const signer = freshSigner('writ.example/log');
  const verifier = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  for (const text of ['\n', 'a\n\nb\n', 'ends blank\n\n', '\n\n\n', '\ufeffbom\n', 'Ognuno sta solo — ed è subito sera.\n']) {
    const note = signNote(text, [signer]);
    assert.equal(openNote(note, [verifier]).text, text, JSON.stringify(text));
    assert.equal(openNote(Buffer.from(note, 'utf8'), [verifier]).text, text, 'bytes input');
  }
});

// ---------------------------------------------------------------------------
// Opening

test('openNote on the golang.org/x/mod TestOpen cases', async (t) => {
  for (const c of go.openCases) {
    await t.test(c.description, () => {
      const note = c.note ?? new Uint8Array(Buffer.from(c.noteBase64!, 'base64'));
      const verifiers = c.verifiers.map((n) => verifiersByName.get(n)!);
      if ('reason' in c.expect) {
        assertNoteRejected(() => openNote(note, verifiers), c.expect.reason);
        return;
      }
      const opened = openNote(note, verifiers);
      assert.equal(opened.text, go.text);
      assert.deepEqual(opened.verifiedSignatures.map((s) => s.name), c.expect.verified);
      assert.deepEqual(opened.unverifiedSignatures.map((s) => s.name), c.expect.unverified);
    });
  }
});

test('openNote returns the signature fields of each line', () => {
  const note = go.text + '\n' + go.signatureLines.PeterNeumann! + go.signatureLines.EnochRoot!;
  const opened = openNote(new TextEncoder().encode(note), [peterVerifier]);
  const [peter] = opened.verifiedSignatures;
  const [enoch] = opened.unverifiedSignatures;
  assert.ok(peter && enoch);
  assert.equal(peter.keyId, 0xc74f20a3);
  assert.equal(enoch.keyId, 0xaf0cfe78);
  assert.equal(peter.signature.length, 64);
  assert.equal(`\u2014 ${peter.name} ${peter.base64}\n`, go.signatureLines.PeterNeumann);
  assert.ok(Object.isFrozen(opened));
});

test('openNote verifies the sum.golang.org checkpoint and its witness cosignatures', () => {
  const { note, logVerifierKey, cosigners } = td.sumdbCheckpoint;
  const log = parseVerifierKey(logVerifierKey);
  assert.equal(openNote(note, [log]).verifiedSignatures.length, 1);
  const cosigned = note + cosigners.map((c) => c.signatureLine).join('');
  const all = [log, ...cosigners.map((c) => parseVerifierKey(c.verifierKey))];
  const opened = openNote(cosigned, all);
  assert.deepEqual(opened.verifiedSignatures.map((s) => s.name), ['sum.golang.org', 'monkeys', 'bananas', 'witness']);
  // Cosigners alone suffice when the log key is not trusted.
  assert.equal(openNote(cosigned, all.slice(1)).unverifiedSignatures.length, 1);
  // A witness signature line moved to another name is simply unknown.
  const renamed = note + cosigners[2]!.signatureLine.replace('witness', 'random1');
  assert.deepEqual(openNote(renamed, all).unverifiedSignatures.map((s) => s.name), ['random1']);
});

test('a signature sharing only the name or only the key ID with a known key is ignored', () => {
  const text = go.text;
  const peterLine = go.signatureLines.PeterNeumann!;
  const payload = decodeCanonicalBase64(peterLine.trimEnd().split(' ')[2]!)!;
  // Same name, other key ID.
  const otherId = new Uint8Array(payload);
  otherId[3] = otherId[3]! ^ 1;
  const sameName = `\u2014 PeterNeumann ${encodeBase64(otherId)}\n`;
  // Same key ID, other name.
  const sameId = peterLine.replace('PeterNeumann', 'PeterNeumann2');
  const opened = openNote(text + '\n' + peterLine + sameName + sameId, [peterVerifier]);
  assert.equal(opened.verifiedSignatures.length, 1);
  assert.equal(opened.unverifiedSignatures.length, 2);
  assertNoteRejected(() => openNote(text + '\n' + sameName + sameId, [peterVerifier]), 'no-verified-signature');
});

test('a known key with a bad signature rejects the note even when another known key verifies', () => {
  const a = freshSigner('a');
  const b = freshSigner('b');
  const va = verifierFromPublicKey(a.name, a.publicKeyRaw);
  const vb = verifierFromPublicKey(b.name, b.publicKeyRaw);
  const good = signNote('hello\n', [a, b]);
  const lines = good.split('\n');
  const bLine = lines[3]!;
  const payload = decodeCanonicalBase64(bLine.split(' ')[2]!)!;
  payload[10] = payload[10]! ^ 0x40;
  lines[3] = `\u2014 b ${encodeBase64(payload)}`;
  const tampered = lines.join('\n');
  assertNoteRejected(() => openNote(tampered, [va, vb]), 'invalid-signature');
  // With only `a` trusted, the broken `b` line is an unknown signature.
  assert.equal(openNote(tampered, [va]).unverifiedSignatures.length, 1);
});

test('openNote accepts exactly 100 signature lines and rejects 101', () => {
  const signer = freshSigner('log');
  const verifier = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  const note = signNote('t\n', [signer]);
  const filler = (i: number): string => `\u2014 other${i} ${encodeBase64(new Uint8Array(68).fill(i))}\n`;
  const ninetyNine = Array.from({ length: 99 }, (_, i) => filler(i)).join('');
  assert.equal(openNote(note + ninetyNine, [verifier]).unverifiedSignatures.length, 99);
  assertNoteRejected(() => openNote(note + ninetyNine + filler(99), [verifier]), 'too-many-signatures');
});

test('openNote rejects malformed signature lines (and short signatures from known keys)', () => {
  const text = go.text + '\n';
  const line = go.signatureLines.PeterNeumann!;
  const b64 = line.trimEnd().split(' ')[2]!;
  const cases: [string, NoteRejectReason][] = [
    [line.replace('\u2014 ', '-- '), 'malformed-signature-line'],
    [line.replace('\u2014 ', '\u2014'), 'malformed-signature-line'],
    [line.replace('\u2014 ', '\u2014  '), 'malformed-signature-line'],
    [line.replace('\u2014', '\u2013'), 'malformed-signature-line'],
    [line.replace(' x08', '  x08'), 'malformed-signature-line'],
    [line.replace('AM=\n', 'AN=\n'), 'malformed-signature-line'], // non-canonical trailing bits
    [line.replace('AM=\n', 'AM\n'), 'malformed-signature-line'], // missing padding
    [line.replace('AM=\n', 'AM= \n'), 'malformed-signature-line'],
    [`\u2014 PeterNeumann\n`, 'malformed-signature-line'],
    [`\u2014 PeterNeumann \n`, 'malformed-signature-line'],
    // Six bytes (key ID + 2) is a well-formed line from the known key whose signature is wrong.
    [`\u2014 PeterNeumann ${b64.slice(0, 8)}\n`, 'invalid-signature'],
    [`\u2014 PeterNeumann AAAAAA==\n`, 'malformed-signature-line'], // 4 bytes: no signature
    [`\u2014  ${b64}\n`, 'malformed-signature-line'], // empty name
    [`\u2014 a+b ${b64}\n`, 'malformed-signature-line'],
    [`${line}\n`, 'unterminated-signature-block'], // blank line after signatures: it becomes the split
    [line.replace('\n', '\r\n'), 'control-character'],
  ];
  for (const [sigBlock, reason] of cases) {
    assertNoteRejected(() => openNote(text + sigBlock, [peterVerifier]), reason);
  }
});

test('openNote rejects exact duplicate lines even from unknown keys', () => {
  const note = go.text + '\n' + go.signatureLines.PeterNeumann! + go.signatureLines.EnochRoot!.repeat(2);
  assertNoteRejected(() => openNote(note, [peterVerifier]), 'duplicate-signature');
});

test('openNote rejects conflicting verifiers with the same name and key ID', () => {
  const impostor: NoteVerifier = {
    name: peterVerifier.name,
    keyId: peterVerifier.keyId,
    publicKeyRaw: new Uint8Array(32).fill(7),
    verify: () => true,
  };
  assertNoteRejected(() => openNote(go.signed.note, [peterVerifier, impostor]), 'ambiguous-verifier');
  assert.equal(openNote(go.signed.note, [peterVerifier, parseVerifierKey(go.keys.PeterNeumann!.verifierKey)]).text, go.text);
});

test('openNote rejects strings with unpaired surrogates and bytes with invalid UTF-8', () => {
  const signer = freshSigner('s');
  const v = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  const note = signNote('ok\n', [signer]);
  assertNoteRejected(() => openNote(`\ud800${note}`, [v]), 'not-utf8');
  for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8], [0xe2, 0x80]]) {
    const bytes = Buffer.concat([Buffer.from('ok'), Buffer.from(bad), Buffer.from(note.slice(2))]);
    assertNoteRejected(() => openNote(bytes, [v]), 'not-utf8');
  }
});

test('rejection messages are fixed; the reason lives only in cause', () => {
  const errs = [
    catchErr(() => openNote('x', [peterVerifier])),
    catchErr(() => openNote(go.text + '\n' + go.signatureLines.EnochRoot!, [peterVerifier])),
    catchErr(() => openNote(go.text.replace('If', 'if') + '\n' + go.signatureLines.PeterNeumann!, [peterVerifier])),
  ];
  assert.deepEqual(errs.map((e) => (e as Error).message), Array(3).fill(NOTE_REJECTED_MESSAGE));
  assert.deepEqual(errs.map(reasonOf), ['missing-signature-block', 'no-verified-signature', 'invalid-signature']);
  for (const e of errs) assert.ok(isWritError(e) && e.status === 400);
});

test('decodeCanonicalBase64 accepts only canonical padded standard base64', () => {
  assert.deepEqual(decodeCanonicalBase64(''), new Uint8Array(0));
  assert.deepEqual(decodeCanonicalBase64('aGk='), new Uint8Array([0x68, 0x69]));
  assert.deepEqual(decodeCanonicalBase64('+/8='), new Uint8Array([0xfb, 0xff]));
  for (const bad of ['aGl=', 'aGk', 'aGk==', 'aG==', '-_8=', 'aGk=\n', ' aGk=', 'a===', '====']) {
    assert.equal(decodeCanonicalBase64(bad), undefined, bad);
  }
});

// ---------------------------------------------------------------------------
// Properties

const textArb = fc
  .array(fc.string({ unit: 'grapheme', maxLength: 20 }), { minLength: 1, maxLength: 5 })
  .map((lines) => lines.map((l) => l.replace(/[\u0000-\u001f]/g, '')).join('\n') + '\n');

const nameArb = fc
  .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 })
  .filter((s) => isValidKeyName(s));

test('property: signNote then openNote round-trips text and names', () => {
  const keys = Array.from({ length: 3 }, () => generateKeyPairSync('ed25519').privateKey);
  fc.assert(
    fc.property(textArb, fc.uniqueArray(nameArb, { minLength: 1, maxLength: 3 }), (text, names) => {
      const signers = names.map((n, i) => signerFromKeyObject(n, keys[i]!));
      const note = signNote(text, signers);
      const opened = openNote(new TextEncoder().encode(note), signers.map((s) => verifierFromPublicKey(s.name, s.publicKeyRaw)));
      assert.equal(opened.text, text);
      assert.deepEqual(opened.verifiedSignatures.map((s) => s.name), names);
    }),
    { numRuns: 200 },
  );
});

test('property: any single-byte change to a signed note is rejected', () => {
  const signer = freshSigner('writ.example/log');
  const verifier = verifierFromPublicKey(signer.name, signer.publicKeyRaw);
  fc.assert(
    fc.property(textArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (text, at, delta) => {
      const bytes = Buffer.from(signNote(text, [signer]), 'utf8');
      const i = at % bytes.length;
      bytes[i] = (bytes[i]! + delta) & 0xff;
      assert.throws(() => openNote(bytes, [verifier]), { code: 'NOTE_INVALID' });
    }),
    { numRuns: 500 },
  );
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}
