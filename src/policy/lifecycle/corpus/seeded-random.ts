/**
 * A small seeded pseudo-random generator (mulberry32), so a corpus drawn "at random" is
 * the same on every machine and every run for the same seed: a decision diff or a lint
 * finding must be reproducible by whoever reviews it.
 *
 * @module
 */

/**
 * A deterministic source of numbers in [0, 1), and helpers over it.
 *
 * @example
 * ```ts
 * const r = seededRandom(7);
 * r.int(10);                 // the same integer in 0..9 on every run
 * r.pick(['a', 'b', 'c']);   // the same element on every run
 * ```
 */
export interface SeededRandom {
  next(): number;
  /** An integer in `0 .. n-1` (`n` ≥ 1). */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffled<T>(list: readonly T[]): T[];
}

/**
 * A generator seeded by an integer and, optionally, a string (e.g. an action scope), so
 * each stream is independent of how much another one consumed.
 *
 * @example
 * ```ts
 * seededRandom(1, 'promotion').int(100) === seededRandom(1, 'promotion').int(100); // true
 * ```
 */
export function seededRandom(seed: number, stream = ''): SeededRandom {
  // FNV-1a over the stream name, mixed with the seed.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let state = h >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(list: readonly T[]): T => list[int(list.length)]!,
    shuffled: <T>(list: readonly T[]): T[] => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
