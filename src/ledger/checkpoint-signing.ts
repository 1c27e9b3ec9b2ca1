import type { Signer } from '../crypto/keyring/key-provider.ts';
import type { PublicJwk } from '../crypto/keyring/key-provider.ts';
import { encodeBase64, keyIdFor, verifierFromPublicKey, type NoteVerifier, formatVerifierKey } from '../crypto/signed-note.ts';
import { formatCheckpointBody } from './checkpoint.ts';

/** Raw Ed25519 public key bytes of an OKP JWK. */
export function ed25519RawFromJwk(jwk: PublicJwk): Uint8Array {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new Error('ledger keys must be Ed25519');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

/**
 * Signs a checkpoint with a keyring signer (which may sign asynchronously, e.g. in
 * a KMS) and returns the C2SP signed note: body, blank line, one signature line
 * `— <origin> base64(keyID ‖ signature)` (c2sp.org/signed-note §Signatures).
 *
 * @example
 * ```ts
 * const note = await signCheckpointAsync(signer, jwk, 'writ/abc', 10, root);
 * ```
 */
export async function signCheckpointAsync(
  signer: Signer,
  publicJwk: PublicJwk,
  origin: string,
  treeSize: number,
  rootHash: Uint8Array,
): Promise<string> {
  const body = formatCheckpointBody({ origin, treeSize, rootHash });
  const sig = await signer.sign(new TextEncoder().encode(body));
  const keyId = keyIdFor(origin, ed25519RawFromJwk(publicJwk));
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, keyId >>> 0, false);
  const blob = new Uint8Array(4 + sig.length);
  blob.set(prefix, 0);
  blob.set(sig, 4);
  return `${body}\n\u2014 ${origin} ${encodeBase64(blob)}\n`;
}

/** The note verifier for a ledger key under a log origin. */
export function ledgerNoteVerifier(origin: string, publicJwk: PublicJwk): NoteVerifier {
  return verifierFromPublicKey(origin, ed25519RawFromJwk(publicJwk));
}

/** The C2SP verifier key string (`origin+keyid+base64`) auditors pin. */
export function ledgerVerifierKey(origin: string, publicJwk: PublicJwk): string {
  return formatVerifierKey(origin, ed25519RawFromJwk(publicJwk));
}
