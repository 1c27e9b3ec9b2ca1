import { createPrivateKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import type { CreatedKey, KeyAlgorithm, KeyProvider, PublicJwk, Signer } from './key-provider.ts';
import { openPrivateKey, sealPrivateKey } from './envelope.ts';

function signWith(alg: KeyAlgorithm, key: KeyObject, data: Uint8Array): Uint8Array {
  return alg === 'EdDSA'
    ? new Uint8Array(nodeSign(null, data, key))
    : new Uint8Array(nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
}

/**
 * The default key provider: keys are generated with node:crypto and their PKCS#8
 * private part is stored only as an AES-256-GCM envelope under the master key.
 *
 * @example
 * ```ts
 * const provider = new LocalKeyProvider(masterKey.bytes);
 * ```
 */
export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local';
  readonly #masterKey: Buffer;

  constructor(masterKey: Buffer) {
    this.#masterKey = masterKey;
  }

  async createKey(alg: KeyAlgorithm, kidFor: (jwk: PublicJwk) => Promise<string>): Promise<CreatedKey & { kid: string }> {
    const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pair.publicKey.export({ format: 'jwk' }) as PublicJwk;
    const publicJwk: PublicJwk =
      alg === 'EdDSA'
        ? { kty: 'OKP', crv: 'Ed25519', x: jwk.x }
        : { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y as string };
    const kid = await kidFor(publicJwk);
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    try {
      return { kid, publicJwk, privateRef: sealPrivateKey(this.#masterKey, kid, der) };
    } finally {
      der.fill(0);
    }
  }

  async signer(kid: string, alg: KeyAlgorithm, privateRef: string): Promise<Signer> {
    const der = openPrivateKey(this.#masterKey, kid, privateRef);
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    return { kid, alg, sign: async (data) => signWith(alg, key, data) };
  }
}
