/**
 * C2SP transparency log checkpoints (https://c2sp.org/tlog-checkpoint, v1.0.0).
 *
 * A checkpoint is a signed note (see `../crypto/signed-note.ts`) whose text is
 *
 * ```text
 * <origin>\n
 * <tree size, decimal>\n
 * <root hash, base64>\n
 * [<extension line>\n]...
 * ```
 *
 * Parsing is strict: one accepted text per checkpoint (decimal without leading
 * zeroes, canonical base64 of exactly 32 bytes, no empty lines). Every failure
 * is a {@link WritError} with code `CHECKPOINT_INVALID` and a fixed message; the
 * reason ({@link CheckpointRejectReason}) is the message of an `Error` in
 * `cause`, or the `NOTE_INVALID` error itself when the signed note was rejected.
 *
 * @example
 * ```ts
 * const note = signCheckpoint({ origin: 'writ.example/log', treeSize: 3n, rootHash }, signer);
 * const cp = verifyCheckpoint(note, vkey, 'writ.example/log');
 * cp.treeSize; // 3n
 * ```
 *
 * @module
 */
import { WritError } from '../errors/writ-error.ts';
import {
  decodeCanonicalBase64,
  encodeBase64,
  openNote,
  parseVerifierKey,
  signNote,
  type NoteSigner,
  type NoteVerifier,
} from '../crypto/signed-note.ts';

/**
 * Length in bytes of a checkpoint root hash (SHA-256, RFC 6962).
 *
 * @example
 * ```ts
 * rootHash.length === CHECKPOINT_ROOT_HASH_BYTES; // 32
 * ```
 */
export const CHECKPOINT_ROOT_HASH_BYTES = 32;

/**
 * Largest tree size accepted: 2^64 − 1, the range of the uint64 sizes used by
 * RFC 6962 and the reference implementations.
 *
 * @example
 * ```ts
 * parseCheckpointBody(`log\n${MAX_CHECKPOINT_TREE_SIZE + 1n}\n${root64}\n`); // throws
 * ```
 */
export const MAX_CHECKPOINT_TREE_SIZE = (1n << 64n) - 1n;

/**
 * Fixed message of every `CHECKPOINT_INVALID` error.
 *
 * @example
 * ```ts
 * assert.throws(() => verifyCheckpoint(note, vkey, origin), { message: CHECKPOINT_REJECTED_MESSAGE });
 * ```
 */
export const CHECKPOINT_REJECTED_MESSAGE = 'checkpoint rejected';

/**
 * Why a checkpoint was rejected; the message of the `Error` in a
 * `CHECKPOINT_INVALID` error's `cause` (except `note-rejected`, where `cause`
 * is the `NOTE_INVALID` error). Never shown to clients.
 *
 * @example
 * ```ts
 * const reason = (err.cause as Error).message as CheckpointRejectReason; // 'origin-mismatch'
 * ```
 */
export type CheckpointRejectReason =
  /** Text not ending in a newline, not well-formed, or holding control characters. */
  | 'malformed-text'
  /** Fewer than three lines. */
  | 'missing-lines'
  /** An empty line (empty origin or empty extension line). */
  | 'empty-line'
  /** Origin or extension line holding a newline or control character. */
  | 'invalid-line'
  /** Tree size not canonical decimal, negative, or too large. */
  | 'invalid-tree-size'
  /** Root hash not canonical base64 of exactly 32 bytes. */
  | 'invalid-root-hash'
  /** The origin differs from the expected one. */
  | 'origin-mismatch'
  /** The signed note was rejected; `cause` is the `NOTE_INVALID` error. */
  | 'note-rejected';

/**
 * A parsed checkpoint.
 *
 * @example
 * ```ts
 * const cp: Checkpoint = parseCheckpointBody('log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
 * cp.treeSize; // 0n
 * ```
 */
export interface Checkpoint {
  /** Log identity, first line. */
  readonly origin: string;
  /** Number of leaves. */
  readonly treeSize: bigint;
  /** RFC 6962 Merkle tree root at `treeSize`, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Extension lines (without newlines), in order; usually empty. */
  readonly extensions: readonly string[];
}

/**
 * Input to {@link formatCheckpointBody} and {@link signCheckpoint}.
 *
 * @example
 * ```ts
 * const input: CheckpointInput = { origin: 'writ.example/log', treeSize: 42, rootHash };
 * ```
 */
export interface CheckpointInput {
  /** Log identity; non-empty, no newline or control character. */
  readonly origin: string;
  /** Number of leaves: a bigint, or a non-negative safe integer. */
  readonly treeSize: bigint | number;
  /** 32-byte root hash. */
  readonly rootHash: Uint8Array;
  /** Optional extension lines; each non-empty, no newline or control character. */
  readonly extensions?: readonly string[] | undefined;
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const CONTROL = /[\u0000-\u001f]/;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function fail(reason: CheckpointRejectReason, cause?: unknown): never {
  throw new WritError('CHECKPOINT_INVALID', CHECKPOINT_REJECTED_MESSAGE, {
    cause: cause ?? new Error(reason),
  });
}

function checkLine(line: string): void {
  if (typeof line !== 'string' || line.length === 0) fail('empty-line');
  if (CONTROL.test(line) || LONE_SURROGATE.test(line)) fail('invalid-line');
}

function normaliseTreeSize(size: bigint | number): bigint {
  let n: bigint;
  if (typeof size === 'bigint') n = size;
  else if (typeof size === 'number' && Number.isSafeInteger(size)) n = BigInt(size);
  else return fail('invalid-tree-size');
  if (n < 0n || n > MAX_CHECKPOINT_TREE_SIZE) fail('invalid-tree-size');
  return n;
}

/**
 * Formats the note text of a checkpoint (c2sp.org/tlog-checkpoint §Note text):
 * origin, decimal tree size and base64 root hash, then any extension lines,
 * each ending in a newline.
 *
 * @throws WritError `CHECKPOINT_INVALID` when any field is out of range
 *
 * @example
 * ```ts
 * formatCheckpointBody({ origin: 'example.com/log', treeSize: 5n, rootHash: new Uint8Array(32) });
 * // 'example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'
 * ```
 */
export function formatCheckpointBody(cp: CheckpointInput): string {
  checkLine(cp.origin);
  const size = normaliseTreeSize(cp.treeSize);
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) {
    fail('invalid-root-hash');
  }
  const extensions = cp.extensions ?? [];
  if (!Array.isArray(extensions)) fail('invalid-line');
  for (const line of extensions) checkLine(line);
  return [cp.origin, size.toString(10), encodeBase64(cp.rootHash), ...extensions].join('\n') + '\n';
}

/**
 * Parses checkpoint note text strictly (c2sp.org/tlog-checkpoint §Note text):
 * at least three lines, all non-empty, each ending in a newline; tree size in
 * decimal with no leading zeroes (`0` for the empty tree) and at most
 * {@link MAX_CHECKPOINT_TREE_SIZE}; root hash in canonical base64 of exactly
 * 32 bytes; later lines returned as extensions. Does not check any signature.
 *
 * @throws WritError `CHECKPOINT_INVALID` for anything else
 *
 * @example
 * ```ts
 * const cp = parseCheckpointBody('go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n');
 * cp.origin;   // 'go.sum database tree'
 * cp.treeSize; // 6476701n
 * ```
 */
export function parseCheckpointBody(text: string): Checkpoint {
  if (
    typeof text !== 'string' ||
    !text.endsWith('\n') ||
    CONTROL_EXCEPT_NEWLINE.test(text) ||
    LONE_SURROGATE.test(text)
  ) {
    fail('malformed-text');
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) fail('missing-lines');
  for (const line of lines) checkLine(line);
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];

  if (!DECIMAL.test(sizeText)) fail('invalid-tree-size');
  const treeSize = BigInt(sizeText);
  if (treeSize > MAX_CHECKPOINT_TREE_SIZE) fail('invalid-tree-size');

  const rootHash = decodeCanonicalBase64(rootText);
  if (rootHash === undefined || rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) fail('invalid-root-hash');

  return Object.freeze({
    origin,
    treeSize,
    rootHash: new Uint8Array(rootHash),
    extensions: Object.freeze(extensions),
  });
}

/**
 * Signs a checkpoint and returns the encoded signed note
 * (c2sp.org/tlog-checkpoint §Signatures). The signer's key name SHOULD equal
 * the origin; this is not enforced.
 *
 * @throws WritError `CHECKPOINT_INVALID` for a bad checkpoint; `NOTE_INVALID`
 *   for a bad signer
 *
 * @example
 * ```ts
 * const note = signCheckpoint({ origin: 'writ.example/log', treeSize: 1n, rootHash }, signer);
 * // 'writ.example/log\n1\n<base64>\n\n— writ.example/log <base64>\n'
 * ```
 */
export function signCheckpoint(cp: CheckpointInput, signer: NoteSigner): string {
  return signNote(formatCheckpointBody(cp), [signer]);
}

/**
 * Verifies a signed checkpoint against one trusted log key and returns it
 * (c2sp.org/tlog-checkpoint §Note text, §Signatures; c2sp.org/signed-note
 * §Signatures). Signatures from other keys (e.g. witness cosignatures) are
 * ignored, but any signature line must be well formed.
 *
 * Rejects with `CHECKPOINT_INVALID` ({@link CHECKPOINT_REJECTED_MESSAGE}) a
 * note that {@link openNote} rejects (no valid signature by `verifierKey`, a
 * bad signature by it, malformed note), a body that
 * {@link parseCheckpointBody} rejects, or an origin other than
 * `expectedOrigin`.
 *
 * @param note - the encoded signed checkpoint, as bytes or a string
 * @param verifierKey - the log's verifier key string or a parsed verifier; a
 *   malformed key string throws `NOTE_INVALID`, as it is configuration, not input
 * @param expectedOrigin - the origin the caller trusts `verifierKey` for
 *
 * @example
 * ```ts
 * const cp = verifyCheckpoint(noteText, 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8', 'go.sum database tree');
 * cp.treeSize; // 6476701n
 * ```
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifierKey: string | NoteVerifier,
  expectedOrigin: string,
): Checkpoint {
  const verifier = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  let text: string;
  try {
    text = openNote(note, [verifier]).text;
  } catch (err) {
    return fail('note-rejected', err);
  }
  const cp = parseCheckpointBody(text);
  if (typeof expectedOrigin !== 'string' || cp.origin !== expectedOrigin) fail('origin-mismatch');
  return cp;
}
