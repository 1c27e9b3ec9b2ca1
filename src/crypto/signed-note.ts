/**
 * C2SP signed notes (https://c2sp.org/signed-note, v1.0.0) with Ed25519 keys.
 *
 * A signed note is a UTF-8 text ending in a newline, a blank line, and one or
 * more signature lines `— <key name> <base64(key ID ‖ signature)>\n`. This
 * module formats and verifies them strictly:
 *
 * - Base64 is the standard alphabet with padding and must be canonical (the
 *   unused low bits of the last character are zero), so a signed note has
 *   exactly one encoding of each signature.
 * - Verifier keys use the `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`
 *   encoding popularised by golang.org/x/mod/sumdb/note.
 * - Every security failure is a {@link WritError} with code `NOTE_INVALID` and a
 *   fixed message; the reason is a {@link NoteRejectReason} carried as the
 *   message of an `Error` in `cause`.
 *
 * Writ never parses `PRIVATE+KEY+…` signer strings: private keys live encrypted
 * in the key store and reach this module as node `KeyObject`s via
 * {@link signerFromKeyObject}.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const signer = signerFromKeyObject('writ.example/log', privateKey);
 * const note = signNote('hello\n', [signer]);
 * const vkey = formatVerifierKey(signer.name, signer.publicKeyRaw);
 * openNote(note, [parseVerifierKey(vkey)]).text; // 'hello\n'
 * ```
 *
 * @module
 */
import {
  createHash,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { WritError } from '../errors/writ-error.ts';

/**
 * Signature type identifier byte of Ed25519 notes (c2sp.org/signed-note §Signature types).
 *
 * @example
 * ```ts
 * const encodedKey = new Uint8Array([SIG_TYPE_ED25519, ...publicKeyRaw]);
 * ```
 */
export const SIG_TYPE_ED25519 = 0x01;

/**
 * Maximum number of signature lines {@link openNote} accepts. The spec requires
 * at least 16 (c2sp.org/signed-note §Format); 100 matches golang.org/x/mod.
 *
 * @example
 * ```ts
 * if (lines.length > MAX_NOTE_SIGNATURES) throw new Error('too many');
 * ```
 */
export const MAX_NOTE_SIGNATURES = 100;

/**
 * Fixed message of every `NOTE_INVALID` error raised while opening a note.
 *
 * @example
 * ```ts
 * assert.throws(() => openNote(bad, verifiers), { code: 'NOTE_INVALID', message: NOTE_REJECTED_MESSAGE });
 * ```
 */
export const NOTE_REJECTED_MESSAGE = 'signed note rejected';

/**
 * Why a note, key or signing request was rejected; the message of the `Error`
 * in a `NOTE_INVALID` error's `cause`. Never shown to clients.
 *
 * @example
 * ```ts
 * const reason = (err.cause as Error).message as NoteRejectReason; // 'invalid-signature'
 * ```
 */
export type NoteRejectReason =
  /** Bytes are not UTF-8, or a string holds an unpaired surrogate. */
  | 'not-utf8'
  /** An ASCII control character other than newline. */
  | 'control-character'
  /** No blank line separating text from signatures. */
  | 'missing-signature-block'
  /** Signature block empty or not ending in a newline. */
  | 'unterminated-signature-block'
  /** A line of the signature block is not `— <name> <base64>`. */
  | 'malformed-signature-line'
  /** More than {@link MAX_NOTE_SIGNATURES} signature lines. */
  | 'too-many-signatures'
  /** Two signature lines with the same key name and key ID. */
  | 'duplicate-signature'
  /** Name and key ID match a known key but the signature does not verify. */
  | 'invalid-signature'
  /** No signature from a known key. */
  | 'no-verified-signature'
  /** Two different verifier keys share a name and key ID. */
  | 'ambiguous-verifier'
  /** Key name empty or holding whitespace, `+` or a control character. */
  | 'invalid-key-name'
  /** Verifier key string not of the form `<name>+<hex id>+<base64 key>`. */
  | 'malformed-verifier-key'
  /** Verifier key for a signature type other than Ed25519. */
  | 'unsupported-key-type'
  /** Key ID in a verifier key string does not match the key. */
  | 'key-id-mismatch'
  /** Not an Ed25519 key of the expected kind or size. */
  | 'invalid-key'
  /** Note text empty, not newline-terminated, or holding control characters. */
  | 'invalid-text'
  /** No signers, a signer with a bad name or key ID, or two for the same key. */
  | 'invalid-signers';

/**
 * A key that can verify note signatures: its name, 32-bit key ID and a check.
 * Build one with {@link parseVerifierKey} or {@link verifierFromPublicKey}.
 *
 * @example
 * ```ts
 * const v: NoteVerifier = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 * v.keyId.toString(16); // 'c74f20a3'
 * ```
 */
export interface NoteVerifier {
  /** Key name as it appears in signature lines. */
  readonly name: string;
  /** Key ID as an unsigned 32-bit integer (big-endian in the encoding). */
  readonly keyId: number;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKeyRaw: Uint8Array;
  /** True when `signature` (without the key ID prefix) is valid for `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * A key that can sign notes. Build one with {@link signerFromKeyObject}.
 *
 * @example
 * ```ts
 * const signer: NoteSigner = signerFromKeyObject('writ.example/log', privateKey);
 * const sig = signer.sign(new TextEncoder().encode('hello\n')); // 64 bytes
 * ```
 */
export interface NoteSigner {
  /** Key name written in the signature line. */
  readonly name: string;
  /** Key ID as an unsigned 32-bit integer. */
  readonly keyId: number;
  /** Raw 32-byte Ed25519 public key, for publishing the verifier key. */
  readonly publicKeyRaw: Uint8Array;
  /** Signs `message` (the note text's UTF-8 bytes); returns the bare signature. */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * One signature line of an opened note.
 *
 * @example
 * ```ts
 * const [sig] = openNote(note, verifiers).verifiedSignatures;
 * `— ${sig.name} ${sig.base64}\n`; // the original line
 * ```
 */
export interface NoteSignature {
  /** Key name from the line. */
  readonly name: string;
  /** Key ID from the first four bytes of the decoded signature. */
  readonly keyId: number;
  /** The signature bytes after the key ID. */
  readonly signature: Uint8Array;
  /** The base64 text of the line (key ID and signature), as written. */
  readonly base64: string;
}

/**
 * Result of {@link openNote}: the text and its signatures, split by whether
 * they came from a known key (and verified) or from an unknown key.
 *
 * @example
 * ```ts
 * const { text, verifiedSignatures } = openNote(note, verifiers);
 * ```
 */
export interface OpenedNote {
  /** The note text, including its final newline, excluding the blank line. */
  readonly text: string;
  /** Signatures from known keys; all verified. Never empty. */
  readonly verifiedSignatures: readonly NoteSignature[];
  /** Signatures from keys not in the verifier list; not checked. */
  readonly unverifiedSignatures: readonly NoteSignature[];
}

const SIG_PREFIX = '\u2014 ';
const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const KEY_ID_BYTES = 4;

// \p{White_Space} is the Unicode White_Space property (what the spec calls
// "Unicode spaces"); also refuse '+' and every ASCII control character.
const BAD_NAME_CHAR = /[\p{White_Space}+\u0000-\u001f]/u;
// With the u flag a surrogate range only matches unpaired surrogates.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID_HEX = /^[0-9a-f]{8}$/;

const utf8 = new TextEncoder();
// fatal: invalid UTF-8 throws; ignoreBOM: a leading U+FEFF is kept, not eaten.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fail(reason: NoteRejectReason, message: string = NOTE_REJECTED_MESSAGE): never {
  throw new WritError('NOTE_INVALID', message, { cause: new Error(reason) });
}

/**
 * Decodes standard, padded base64 (RFC 4648 §4) and accepts only the canonical
 * encoding: correct padding and zero unused bits. Returns `undefined` for
 * anything else. Used wherever c2sp.org/signed-note and c2sp.org/tlog-checkpoint
 * say "base64" (§Conventions), so each value has exactly one accepted text.
 *
 * @example
 * ```ts
 * decodeCanonicalBase64('aGk=');  // Uint8Array [0x68, 0x69]
 * decodeCanonicalBase64('aGl=');  // undefined (non-zero unused bits)
 * decodeCanonicalBase64('aGk');   // undefined (missing padding)
 * ```
 */
export function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  if (!BASE64_SHAPE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes); // a copy, never a view of Buffer's shared pool
}

/**
 * Encodes bytes as standard, padded base64 (RFC 4648 §4).
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([0x68, 0x69])); // 'aGk='
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * True when `name` is a valid key name: non-empty, well-formed Unicode, and free
 * of Unicode whitespace, `+` and ASCII control characters
 * (c2sp.org/signed-note §Format).
 *
 * @example
 * ```ts
 * isValidKeyName('example.com/log'); // true
 * isValidKeyName('a+b');             // false
 * isValidKeyName('two words');       // false
 * ```
 */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !BAD_NAME_CHAR.test(name) && !LONE_SURROGATE.test(name);
}

function requireKeyName(name: string): void {
  if (typeof name !== 'string' || !isValidKeyName(name)) fail('invalid-key-name', 'invalid note key name');
}

function requireEd25519PublicKey(raw: Uint8Array): void {
  if (!(raw instanceof Uint8Array) || raw.length !== ED25519_PUBLIC_KEY_BYTES) {
    fail('invalid-key', 'invalid note key');
  }
}

/**
 * Key ID of an Ed25519 note key: the first four bytes, big-endian, of
 * SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)
 * (c2sp.org/signed-note §Ed25519 signatures).
 *
 * @param name - key name (validated with {@link isValidKeyName})
 * @param publicKeyRaw - raw 32-byte Ed25519 public key
 * @returns the key ID as an unsigned 32-bit integer
 * @throws WritError `NOTE_INVALID` for a bad name or key length
 *
 * @example
 * ```ts
 * keyIdFor('PeterNeumann', pub).toString(16).padStart(8, '0'); // 'c74f20a3'
 * ```
 */
export function keyIdFor(name: string, publicKeyRaw: Uint8Array): number {
  requireKeyName(name);
  requireEd25519PublicKey(publicKeyRaw);
  const digest = createHash('sha256')
    .update(utf8.encode(name))
    .update(new Uint8Array([0x0a, SIG_TYPE_ED25519]))
    .update(publicKeyRaw)
    .digest();
  return digest.readUInt32BE(0);
}

/**
 * Formats a key ID as eight lowercase hex digits, as in verifier key strings
 * (the golang.org/x/mod/sumdb/note encoding; the C2SP spec defines the key ID,
 * §Signatures, but no text form of keys).
 *
 * @example
 * ```ts
 * formatKeyId(0xc74f20a3); // 'c74f20a3'
 * formatKeyId(0x1);        // '00000001'
 * ```
 */
export function formatKeyId(keyId: number): string {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) {
    fail('invalid-key', 'invalid note key');
  }
  return keyId.toString(16).padStart(8, '0');
}

function rawPublicKeyOf(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== 'ed25519') fail('invalid-key', 'invalid note key');
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') fail('invalid-key', 'invalid note key');
  const raw = new Uint8Array(Buffer.from(jwk.x, 'base64url'));
  requireEd25519PublicKey(raw);
  return raw;
}

function publicKeyObjectOf(raw: Uint8Array): KeyObject {
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
  } catch (err) {
    throw new WritError('NOTE_INVALID', 'invalid note key', { cause: err });
  }
}

/**
 * Encodes a verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`,
 * the text form operators configure to trust a note signer. The encoding is
 * golang.org/x/mod/sumdb/note's; name, key ID and type byte follow
 * c2sp.org/signed-note §Format and §Ed25519 signatures.
 *
 * @param name - key name
 * @param publicKey - raw 32-byte Ed25519 public key, or an Ed25519 `KeyObject`
 *   (public, or private from which the public key is derived)
 * @throws WritError `NOTE_INVALID` for a bad name or key
 *
 * @example
 * ```ts
 * formatVerifierKey('PeterNeumann', pub);
 * // 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
 * ```
 */
export function formatVerifierKey(name: string, publicKey: Uint8Array | KeyObject): string {
  const raw = publicKey instanceof Uint8Array ? publicKey : rawPublicKeyOf(publicKey);
  const keyId = keyIdFor(name, raw);
  const encoded = new Uint8Array(1 + ED25519_PUBLIC_KEY_BYTES);
  encoded[0] = SIG_TYPE_ED25519;
  encoded.set(raw, 1);
  return `${name}+${formatKeyId(keyId)}+${encodeBase64(encoded)}`;
}

function makeVerifier(name: string, keyId: number, raw: Uint8Array): NoteVerifier {
  const keyObject = publicKeyObjectOf(raw);
  const publicKeyRaw = new Uint8Array(raw);
  return Object.freeze({
    name,
    keyId,
    get publicKeyRaw(): Uint8Array {
      return new Uint8Array(publicKeyRaw);
    },
    verify(message: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
      try {
        return cryptoVerify(null, message, keyObject, signature);
      } catch {
        return false;
      }
    },
  });
}

/**
 * Parses a verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`
 * (the golang.org/x/mod/sumdb/note encoding; key ID per c2sp.org/signed-note
 * §Ed25519 signatures). Strict: the key ID must be eight lowercase hex digits and match the key, the
 * base64 must be canonical, and only Ed25519 (type `0x01`, 32-byte key) is
 * accepted.
 *
 * @throws WritError `NOTE_INVALID` ('invalid note verifier key') otherwise
 *
 * @example
 * ```ts
 * const v = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 * v.name;  // 'PeterNeumann'
 * v.keyId; // 0xc74f20a3
 * ```
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const message = 'invalid note verifier key';
  if (typeof vkey !== 'string') fail('malformed-verifier-key', message);
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) fail('malformed-verifier-key', message);
  const name = vkey.slice(0, first);
  const hex = vkey.slice(first + 1, second);
  const key64 = vkey.slice(second + 1);
  if (!isValidKeyName(name)) fail('invalid-key-name', message);
  if (!KEY_ID_HEX.test(hex)) fail('malformed-verifier-key', message);
  const key = decodeCanonicalBase64(key64);
  if (key === undefined || key.length === 0) fail('malformed-verifier-key', message);
  if (key[0] !== SIG_TYPE_ED25519) fail('unsupported-key-type', message);
  const raw = key.subarray(1);
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) fail('invalid-key', message);
  const keyId = keyIdFor(name, raw);
  if (keyId !== Number.parseInt(hex, 16)) fail('key-id-mismatch', message);
  return makeVerifier(name, keyId, raw);
}

/**
 * Builds a verifier directly from a public key, skipping the string encoding.
 *
 * @param name - key name
 * @param publicKey - raw 32-byte Ed25519 public key or an Ed25519 `KeyObject`
 * @throws WritError `NOTE_INVALID` for a bad name or key
 *
 * @example
 * ```ts
 * const verifier = verifierFromPublicKey('writ.example/log', publicKey);
 * openNote(note, [verifier]);
 * ```
 */
export function verifierFromPublicKey(name: string, publicKey: Uint8Array | KeyObject): NoteVerifier {
  const raw = publicKey instanceof Uint8Array ? publicKey : rawPublicKeyOf(publicKey);
  return makeVerifier(name, keyIdFor(name, raw), raw);
}

/**
 * Builds a note signer from an Ed25519 private `KeyObject` (as decrypted from
 * the key store). The key ID is derived from the public key
 * (c2sp.org/signed-note §Ed25519 signatures).
 *
 * @throws WritError `NOTE_INVALID` ('invalid note signer') for a bad name or a
 *   key that is not an Ed25519 private key
 *
 * @example
 * ```ts
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const signer = signerFromKeyObject('writ.example/log', privateKey);
 * signNote('hello\n', [signer]);
 * ```
 */
export function signerFromKeyObject(name: string, privateKey: KeyObject): NoteSigner {
  const message = 'invalid note signer';
  if (typeof name !== 'string' || !isValidKeyName(name)) fail('invalid-key-name', message);
  if (
    privateKey === null ||
    typeof privateKey !== 'object' ||
    privateKey.type !== 'private' ||
    privateKey.asymmetricKeyType !== 'ed25519'
  ) {
    fail('invalid-key', message);
  }
  const publicKeyRaw = rawPublicKeyOf(privateKey);
  const keyId = keyIdFor(name, publicKeyRaw);
  return Object.freeze({
    name,
    keyId,
    get publicKeyRaw(): Uint8Array {
      return new Uint8Array(publicKeyRaw);
    },
    sign(msg: Uint8Array): Uint8Array {
      return new Uint8Array(cryptoSign(null, msg, privateKey));
    },
  });
}

/**
 * True when `text` may be the text of a note: non-empty, ending in a newline,
 * well-formed Unicode, with no ASCII control character other than newline
 * (c2sp.org/signed-note §Format).
 *
 * @example
 * ```ts
 * isValidNoteText('hello\n');   // true
 * isValidNoteText('hello');     // false
 * isValidNoteText('a\r\nb\n');  // false
 * ```
 */
export function isValidNoteText(text: string): boolean {
  return (
    typeof text === 'string' &&
    text.endsWith('\n') &&
    !CONTROL_EXCEPT_NEWLINE.test(text) &&
    !LONE_SURROGATE.test(text)
  );
}

/**
 * Signs `text` with each signer and returns the encoded note: the text, a blank
 * line, and one signature line per signer in the given order
 * (c2sp.org/signed-note §Format, §Signatures). Ed25519 is deterministic, so the
 * same text and keys always give the same note.
 *
 * @param text - note text; must satisfy {@link isValidNoteText}
 * @param signers - one to {@link MAX_NOTE_SIGNATURES} signers, no two with the
 *   same name and key ID
 * @throws WritError `NOTE_INVALID` ('invalid note text' / 'invalid note signer')
 *
 * @example
 * ```ts
 * signNote('hello\n', [signer]);
 * // 'hello\n\n— writ.example/log <base64>\n'
 * ```
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!isValidNoteText(text)) fail('invalid-text', 'invalid note text');
  if (!Array.isArray(signers) || signers.length === 0 || signers.length > MAX_NOTE_SIGNATURES) {
    fail('invalid-signers', 'invalid note signer');
  }
  const message = utf8.encode(text);
  const seen = new Set<string>();
  let out = `${text}\n`;
  for (const signer of signers) {
    const { name, keyId } = signer;
    if (typeof name !== 'string' || !isValidKeyName(name)) fail('invalid-key-name', 'invalid note signer');
    if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) {
      fail('invalid-signers', 'invalid note signer');
    }
    const id = `${name}\n${keyId}`;
    if (seen.has(id)) fail('invalid-signers', 'invalid note signer');
    seen.add(id);
    const signature = signer.sign(message);
    if (!(signature instanceof Uint8Array) || signature.length === 0) {
      fail('invalid-signers', 'invalid note signer');
    }
    const payload = new Uint8Array(KEY_ID_BYTES + signature.length);
    new DataView(payload.buffer).setUint32(0, keyId, false);
    payload.set(signature, KEY_ID_BYTES);
    out += `${SIG_PREFIX}${name} ${encodeBase64(payload)}\n`;
  }
  return out;
}

function toNoteString(note: Uint8Array | string): string {
  if (typeof note === 'string') {
    if (LONE_SURROGATE.test(note)) fail('not-utf8');
    return note;
  }
  if (!(note instanceof Uint8Array)) fail('not-utf8');
  try {
    return strictUtf8.decode(note);
  } catch {
    return fail('not-utf8');
  }
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) fail('malformed-signature-line');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) fail('malformed-signature-line');
  const name = rest.slice(0, space);
  const base64 = rest.slice(space + 1);
  if (!isValidKeyName(name)) fail('malformed-signature-line');
  const decoded = decodeCanonicalBase64(base64);
  if (decoded === undefined || decoded.length <= KEY_ID_BYTES) fail('malformed-signature-line');
  const keyId = new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength).getUint32(0, false);
  return Object.freeze({ name, keyId, signature: decoded.slice(KEY_ID_BYTES), base64 });
}

/**
 * Parses a signed note and verifies its signatures against `verifiers`
 * (c2sp.org/signed-note §Format, §Signatures).
 *
 * Rejects, with `NOTE_INVALID` and the fixed message
 * {@link NOTE_REJECTED_MESSAGE}, a note that:
 * - is not UTF-8 or holds an ASCII control character other than newline;
 * - has no blank line before the signatures (so also any text not ending in a
 *   newline), an empty signature block, or one not ending in a newline;
 * - has a signature line not of the form `— <name> <canonical base64>` with at
 *   least one byte of signature after the 4-byte key ID;
 * - has more than {@link MAX_NOTE_SIGNATURES} signature lines;
 * - has two signature lines with the same key name and key ID (this includes
 *   exact duplicate lines; stricter than golang.org/x/mod, which drops them);
 * - has a line whose name and key ID match a verifier but whose signature does
 *   not verify (an error, not an unknown signature);
 * - has no verified signature from a known key.
 *
 * Signatures whose (name, key ID) is not among `verifiers` are ignored and
 * returned as unverified, even when the name or the ID alone matches.
 *
 * @param note - the encoded note, as bytes (strict UTF-8) or a string
 * @param verifiers - trusted keys; entries with the same name and key ID must
 *   be the same key
 *
 * @example
 * ```ts
 * const { text, verifiedSignatures } = openNote(noteBytes, [parseVerifierKey(vkey)]);
 * ```
 */
export function openNote(note: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const id = `${v.name}\n${v.keyId}`;
    const prior = known.get(id);
    if (prior !== undefined && Buffer.compare(prior.publicKeyRaw, v.publicKeyRaw) !== 0) {
      fail('ambiguous-verifier');
    }
    known.set(id, v);
  }

  const all = toNoteString(note);
  if (CONTROL_EXCEPT_NEWLINE.test(all)) fail('control-character');

  const split = all.lastIndexOf('\n\n');
  if (split < 0) fail('missing-signature-block');
  const text = all.slice(0, split + 1);
  const block = all.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) fail('unterminated-signature-block');

  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) fail('too-many-signatures');
  const signatures = lines.map(parseSignatureLine);

  const seen = new Set<string>();
  for (const sig of signatures) {
    const id = `${sig.name}\n${sig.keyId}`;
    if (seen.has(id)) fail('duplicate-signature');
    seen.add(id);
  }

  const message = utf8.encode(text);
  const verifiedSignatures: NoteSignature[] = [];
  const unverifiedSignatures: NoteSignature[] = [];
  for (const sig of signatures) {
    const verifier = known.get(`${sig.name}\n${sig.keyId}`);
    if (verifier === undefined) {
      unverifiedSignatures.push(sig);
      continue;
    }
    if (!verifier.verify(message, sig.signature)) fail('invalid-signature');
    verifiedSignatures.push(sig);
  }
  if (verifiedSignatures.length === 0) fail('no-verified-signature');

  return Object.freeze({
    text,
    verifiedSignatures: Object.freeze(verifiedSignatures),
    unverifiedSignatures: Object.freeze(unverifiedSignatures),
  });
}
