import { parseVerifierKey } from '../crypto/signed-note.ts';
import { WritError } from '../errors/writ-error.ts';
import { verifyCheckpoint } from '../ledger/checkpoint.ts';
import { verifyInclusion } from '../ledger/merkle/verify-inclusion.ts';
import type { WritClient } from './client.ts';

/**
 * The root of a signed checkpoint, checked against a pinned verifier key, or else
 * against the keys the server publishes (`/v1/ledger/keys`).
 *
 * @throws {WritError} `CHECKPOINT_INVALID` when no key verifies it.
 *
 * @example
 * ```ts
 * const root = await checkpointRoot(client, note, opts.verifierKey);
 * ```
 */
export async function checkpointRoot(client: WritClient, note: string, pinnedKey?: string): Promise<Uint8Array> {
  const keys = await client.get<{ origin: string; verifier_keys: Array<{ verifier_key: string }> }>('/v1/ledger/keys');
  const candidates = pinnedKey ? [pinnedKey] : keys.verifier_keys.map((k) => k.verifier_key);
  for (const key of candidates) {
    try {
      return verifyCheckpoint(note, parseVerifierKey(key), keys.origin).rootHash;
    } catch {
      // try the next published key
    }
  }
  throw new WritError('CHECKPOINT_INVALID', 'checkpoint rejected');
}

/**
 * Verifies that `leafHash` is entry `seq` of the tree the signed checkpoint commits to.
 *
 * @throws {WritError} `CHECKPOINT_INVALID` or `PROOF_INVALID`.
 *
 * @example
 * ```ts
 * await verifyCommitProof(client, { seq, leafHash, treeSize, note, proof }, pinned);
 * ```
 */
export async function verifyCommitProof(
  client: WritClient,
  c: { seq: number; leafHash: Uint8Array; treeSize: number; note: string; proof: readonly string[] },
  pinnedKey?: string,
): Promise<void> {
  const root = await checkpointRoot(client, c.note, pinnedKey);
  const ok = verifyInclusion(c.leafHash, c.seq, c.treeSize, c.proof.map((h) => new Uint8Array(Buffer.from(h, 'base64'))), root);
  if (!ok) throw new WritError('PROOF_INVALID', 'inclusion proof does not verify');
}
