import type { Signer } from '../keyring/key-provider.ts';

const b64u = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

/**
 * Signs a JWS in compact serialisation (RFC 7515 §7.1) with a keyring signer: the
 * header's `alg` and `kid` are the signer's, so a header can never name another key.
 * The signer returns JWS-format signatures (Ed25519 raw; ES256 as R‖S, RFC 7518 §3.4).
 *
 * @example
 * ```ts
 * const jws = await signCompactJws(await keyring.activeSigner('token'), { typ: 'writ-attestation+jwt' }, claims);
 * ```
 */
export async function signCompactJws(signer: Signer, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const protectedHeader = b64u(JSON.stringify({ ...header, alg: signer.alg, kid: signer.kid }));
  const body = b64u(JSON.stringify(payload));
  const signingInput = `${protectedHeader}.${body}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  return `${signingInput}.${b64u(signature)}`;
}
