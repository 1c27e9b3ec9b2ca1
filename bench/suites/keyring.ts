import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { LocalKeyProvider } from '../../src/crypto/keyring/local-key-provider.ts';
import { calculateJwkThumbprint } from 'jose';
import { opsPerSecond, throughput, type BenchSuite } from '../result.ts';

/** Signing through the keyring's provider vs raw node:crypto Ed25519 (the floor). */
export const keyringSuite: BenchSuite = {
  name: 'keyring',
  async run(ctx) {
    const ms = ctx.quick ? 300 : 2000;
    const provider = new LocalKeyProvider(randomBytes(32));
    const created = await provider.createKey('EdDSA', (jwk) => calculateJwkThumbprint(jwk, 'sha256'));
    const signer = await provider.signer(created.kid, 'EdDSA', created.privateRef);
    const data = randomBytes(256);
    const { privateKey } = generateKeyPairSync('ed25519');
    const floor = await opsPerSecond(() => sign(null, data, privateKey), ms);
    const value = await opsPerSecond(() => signer.sign(data), ms);
    return [throughput('keyring.sign.ed25519', 'none', value, 'signatures/s', 'node:crypto ed25519 sign', floor)];
  },
};
