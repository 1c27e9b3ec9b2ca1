/** Signature algorithms a Writ key can have (JOSE names). */
export type KeyAlgorithm = 'EdDSA' | 'ES256';

/** A public key as a JWK (OKP/Ed25519 or EC/P-256). */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
  [k: string]: unknown;
}

/**
 * Signs bytes with one private key without exposing it. Signatures are in JOSE
 * form: raw 64-byte Ed25519, or IEEE P1363 r‖s for ES256.
 */
export interface Signer {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** What a provider returns for a new key. */
export interface CreatedKey {
  publicJwk: PublicJwk;
  /** Opaque to everyone but the provider; never plaintext key material. */
  privateRef: string;
}

/**
 * Where private keys live. The local provider keeps them encrypted under the master
 * key in the store; a KMS or HSM provider would keep only a reference.
 *
 * @example
 * ```ts
 * const created = await provider.createKey('EdDSA', (jwk) => thumbprint(jwk));
 * const signer = await provider.signer(created.kid, 'EdDSA', created.privateRef);
 * ```
 */
export interface KeyProvider {
  readonly name: string;
  /** Creates a key pair; `kidFor` names it from its public JWK. */
  createKey(alg: KeyAlgorithm, kidFor: (jwk: PublicJwk) => Promise<string>): Promise<CreatedKey & { kid: string }>;
  /** A signer for a key this provider created. */
  signer(kid: string, alg: KeyAlgorithm, privateRef: string): Promise<Signer>;
}
