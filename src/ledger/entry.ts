import { canonicalize } from '../crypto/jcs.ts';
import { hashLeaf } from './merkle/hashing.ts';

/**
 * One ledger entry as committed: exactly these six fields, canonicalised with
 * RFC 8785, are what its Merkle leaf hash covers (RFC 9162 §2.1.1:
 * leaf = SHA-256(0x00 ‖ JCS(entry))).
 *
 * @example
 * ```json
 * { "seq": 0, "stream_id": "system", "entry_type": "system.note", "payload": { "message": "hi" },
 *   "stream_prev": null, "recorded_at": "2026-01-01T00:00:00.000Z" }
 * ```
 */
export interface LedgerEntry {
  /** 0-based, gap-free position in the log. */
  seq: number;
  stream_id: string;
  entry_type: string;
  payload: Record<string, unknown>;
  /** `sha256:` + hex of the leaf hash of the previous entry of the same stream; null for a stream's first. */
  stream_prev: string | null;
  /** ISO 8601 with milliseconds, UTC. */
  recorded_at: string;
}

const encoder = new TextEncoder();

/**
 * Canonical bytes and leaf hash of an entry.
 *
 * @example
 * ```ts
 * const { jcs, leafHash } = encodeEntry(entry);
 * ```
 */
export function encodeEntry(entry: LedgerEntry): { jcs: string; leafHash: Uint8Array } {
  const jcs = canonicalize({
    seq: entry.seq,
    stream_id: entry.stream_id,
    entry_type: entry.entry_type,
    payload: entry.payload,
    stream_prev: entry.stream_prev,
    recorded_at: entry.recorded_at,
  });
  return { jcs, leafHash: leafHashOfJcs(jcs) };
}

/** Leaf hash of already-canonical entry text. */
export function leafHashOfJcs(jcs: string): Uint8Array {
  return hashLeaf(encoder.encode(jcs));
}

/** `sha256:`-prefixed lowercase hex of a 32-byte hash (the `stream_prev` form). */
export function hashRef(hash: Uint8Array): string {
  return `sha256:${Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex')}`;
}
