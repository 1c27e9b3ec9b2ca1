import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { WritError } from '../../errors/writ-error.ts';

const VERSION = 'v1';
const INFO = 'writ keyring private-key wrapping v1';

function wrappingKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), INFO, 32));
}

/**
 * Encrypts private key bytes under the master key with AES-256-GCM. The `kid` is
 * bound as additional authenticated data, so an envelope moved to another key row
 * does not decrypt. Format: `v1.<iv>.<ciphertext>.<tag>` (base64url).
 *
 * @example
 * ```ts
 * const env = sealPrivateKey(master, 'kid-1', pkcs8Der);
 * openPrivateKey(master, 'kid-1', env).equals(pkcs8Der); // true
 * ```
 */
export function sealPrivateKey(masterKey: Buffer, kid: string, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(masterKey), iv);
  cipher.setAAD(Buffer.from(`writ-key:${kid}`));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/**
 * Decrypts an envelope made by {@link sealPrivateKey}. Any tampering, a wrong master
 * key or a wrong kid fails with the fixed message `key decryption failed`.
 *
 * @example
 * ```ts
 * openPrivateKey(master, 'kid-1', envelope); // Buffer with the PKCS#8 DER
 * ```
 */
export function openPrivateKey(masterKey: Buffer, kid: string, envelope: string): Buffer {
  const parts = envelope.split('.');
  try {
    if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('format');
    const [, iv, ct, tag] = parts as [string, string, string, string];
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey(masterKey), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`writ-key:${kid}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
  } catch (err) {
    throw new WritError('KEY_DECRYPT_FAILED', 'key decryption failed', { cause: err });
  }
}
