import { randomBytes } from 'node:crypto';

/**
 * Injected identifier and randomness source, so tests can make ids deterministic.
 *
 * @example
 * ```ts
 * const ids = cryptoIdSource;
 * ids.newId('key'); // 'key_6f1c…' (prefix + 128 random bits, base32-ish hex)
 * ```
 */
export interface IdSource {
  /** A new unique id with the given prefix, e.g. `key_…`. Carries ≥ 128 random bits. */
  newId(prefix: string): string;
  /** `n` random bytes. */
  randomBytes(n: number): Uint8Array;
}

/** The default id source backed by node:crypto's CSPRNG. */
export const cryptoIdSource: IdSource = {
  newId: (prefix) => `${prefix}_${randomBytes(16).toString('hex')}`,
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
};

/** A deterministic id source for tests: ids count up, bytes come from a simple counter. */
export class SequentialIdSource implements IdSource {
  #next = 0;

  newId(prefix: string): string {
    this.#next += 1;
    return `${prefix}_${this.#next.toString(16).padStart(32, '0')}`;
  }

  randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.#next = (this.#next * 1103515245 + 12345) >>> 0;
      out[i] = this.#next & 0xff;
    }
    return out;
  }
}
