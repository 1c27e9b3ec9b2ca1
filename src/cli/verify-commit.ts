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

/** An authorization's status as `GET /v1/authorizations/{id}` reports it. */
export interface AuthorizationStatusWire {
  authorization_id: string;
  verdict: 'ALLOW' | 'DENY';
  state: 'pending' | 'committed' | 'compensated' | 'denied';
  denial_code: string | null;
  commit: { seq: number; leaf_hash: string; checkpoint: { tree_size: number; note: string }; inclusion_proof: string[] } | null;
}

/**
 * Polls an authorization until it leaves `pending` or `timeoutMs` passes; returns the
 * last status seen (undefined when none came back).
 *
 * @example
 * ```ts
 * const st = await waitForCommit(client, id, 30_000);
 * if (st?.state === 'committed') await verifyAuthorizationCommit(client, st.commit!, pinned);
 * ```
 */
export async function waitForCommit(client: WritClient, authorizationId: string, timeoutMs: number): Promise<AuthorizationStatusWire | undefined> {
  const deadline = Date.now() + timeoutMs;
  let st: AuthorizationStatusWire | undefined;
  while (Date.now() < deadline) {
    st = await client.get<AuthorizationStatusWire>(`/v1/authorizations/${encodeURIComponent(authorizationId)}`);
    if (st.state !== 'pending') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return st;
}

/**
 * Verifies an authorization's commit (its leaf in the tree of the signed checkpoint).
 *
 * @throws {WritError} `CHECKPOINT_INVALID` or `PROOF_INVALID`.
 *
 * @example
 * ```ts
 * await verifyAuthorizationCommit(client, st.commit, opts.verifierKey);
 * ```
 */
export function verifyAuthorizationCommit(client: WritClient, commit: NonNullable<AuthorizationStatusWire['commit']>, pinnedKey?: string): Promise<void> {
  return verifyCommitProof(
    client,
    { seq: commit.seq, leafHash: new Uint8Array(Buffer.from(commit.leaf_hash.replace(/^sha256:/, ''), 'hex')), treeSize: commit.checkpoint.tree_size, note: commit.checkpoint.note, proof: commit.inclusion_proof },
    pinnedKey,
  );
}
