import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WritError } from '../../errors/writ-error.ts';
import type { MasterKeySource } from '../../config/config.ts';

/** The 32-byte master key that wraps every private key at rest. Held only in memory. */
export interface MasterKey {
  readonly bytes: Buffer;
  /** Where it came from, for messages (never the key itself). */
  readonly origin: string;
  /** True when this call generated it (dev mode, first start). */
  readonly generated: boolean;
}

function decodeKey(raw: string, origin: string): Buffer {
  const text = raw.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && bytes.toString('base64') !== text)) {
    throw new WritError('MASTER_KEY_INVALID', `${origin}: expected 32 bytes as base64 (44 chars) or hex (64 chars)`);
  }
  return bytes;
}

/**
 * Loads the master key from `WRIT_MASTER_KEY` or a key file; in dev mode a missing
 * default key file is generated with 0600 permissions. A key file readable by group
 * or others is refused.
 *
 * @example
 * ```ts
 * const mk = loadMasterKey({ kind: 'file', path: '.writ/master.key', generateIfMissing: true });
 * mk.bytes.length; // 32
 * ```
 */
export function loadMasterKey(source: MasterKeySource, env: NodeJS.ProcessEnv = process.env): MasterKey {
  if (source.kind === 'env') {
    return { bytes: decodeKey(env.WRIT_MASTER_KEY ?? '', 'WRIT_MASTER_KEY'), origin: 'WRIT_MASTER_KEY', generated: false };
  }
  const { path } = source;
  if (!existsSync(path)) {
    if (!source.generateIfMissing) {
      throw new WritError('MASTER_KEY_MISSING', `WRIT_MASTER_KEY_FILE: no key file at ${path}`);
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600);
    return { bytes: decodeKey(readFileSync(path, 'utf8'), path), origin: path, generated: true };
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new WritError(
      'MASTER_KEY_INVALID',
      `WRIT_MASTER_KEY_FILE: ${path} has mode ${mode.toString(8)}; it must not be readable by group or others (chmod 600)`,
    );
  }
  return { bytes: decodeKey(readFileSync(path, 'utf8'), path), origin: path, generated: false };
}
