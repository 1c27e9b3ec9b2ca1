/**
 * Allocation-lean RFC 9162 hashing for the verifier's hot loop. Same hashes as
 * `../merkle/hashing.ts` and the same tree as `MerkleFrontier` (the tests check
 * both against them), but built for throughput: one-shot `crypto.hash` calls
 * instead of a `Hash` object and copies per hash, and a frontier that reports finalised nodes into per-level arrays instead of
 * allocating node objects.
 *
 * @module
 */
import * as nodeCrypto from 'node:crypto';

type OneShot = (algorithm: string, data: Uint8Array | string, outputEncoding: 'buffer') => Buffer;

// `crypto.hash` exists from Node 20.12 / 21.7; fall back to createHash before.
const oneShot: OneShot | undefined = (nodeCrypto as unknown as { hash?: OneShot }).hash;

function sha256(data: Uint8Array): Buffer {
  return oneShot ? oneShot('sha256', data, 'buffer') : nodeCrypto.createHash('sha256').update(data).digest();
}

/**
 * Computes leaf hashes SHA-256(0x00 ‖ UTF-8(text)) with one native call per
 * leaf (the text is UTF-8 encoded by the hash itself, as `TextEncoder` would).
 *
 * @example
 * ```ts
 * const leaves = new LeafHasher();
 * const h = leaves.hash('{"entry_type":"system.note",…}'); // equals leafHashOfJcs(text)
 * ```
 */
export class LeafHasher {
  /**
   * Leaf hash of `text`; a new 32-byte Buffer.
   *
   * @example
   * ```ts
   * new LeafHasher().hash('').toString('hex'); // '6e340b9c…' (hash of 0x00)
   * ```
   */
  hash(text: string): Buffer {
    return oneShot ? oneShot('sha256', `\u0000${text}`, 'buffer') : nodeCrypto.createHash('sha256').update(LEAF_PREFIX).update(text, 'utf8').digest();
  }
}

const LEAF_PREFIX = new Uint8Array([0x00]);

/**
 * The nodes finalised while a page of leaves was appended: per level ≥ 1, the
 * index of the first one and their hashes in index order (contiguous).
 *
 * @example
 * ```ts
 * const page = frontier.takeFinalised();
 * page.first[1]; // index of the first level-1 node completed in this page
 * page.hashes[1]?.[0]; // its hash
 * ```
 */
export interface FinalisedNodes {
  /** `first[level]`: index of the first node of that level in this batch. */
  first: number[];
  /** `hashes[level]`: hashes of that level's nodes, consecutive indices from `first[level]`. */
  hashes: Buffer[][];
}

/**
 * Append-only compact range `[0, size)` like `MerkleFrontier`, tuned for
 * verification: appends take Buffers without copying, and — when recording is
 * on — the finalised level ≥ 1 nodes are collected per level until
 * {@link takeFinalised}.
 *
 * @example
 * ```ts
 * const f = new VerifyFrontier(true);
 * for (const leaf of leaves) f.append(leaf);
 * f.root(); // equals new MerkleFrontier() fed the same leaves
 * const nodes = f.takeFinalised(); // compare with the stored nodes
 * ```
 */
export class VerifyFrontier {
  #size = 0;
  readonly #peaks: Buffer[] = [];
  readonly #node = Buffer.alloc(65);
  readonly #record: boolean;
  #first: number[] = [];
  #hashes: Buffer[][] = [];

  /**
   * @param record collect finalised nodes for {@link takeFinalised}.
   *
   * @example
   * ```ts
   * const f = new VerifyFrontier(false);
   * ```
   */
  constructor(record = false) {
    this.#record = record;
    this.#node[0] = 0x01;
  }

  /**
   * A frontier restored from the peaks of `[0, size)` (largest first, as
   * `rangeNodes(0, size)` lists them). The caller must have authenticated them
   * (e.g. folded them into a signed root).
   *
   * @example
   * ```ts
   * const f = VerifyFrontier.fromPeaks(6, [h0123, h45], true);
   * ```
   */
  static fromPeaks(size: number, peaks: readonly Uint8Array[], record = false): VerifyFrontier {
    const f = new VerifyFrontier(record);
    f.#size = size;
    for (const p of peaks) f.#peaks.push(Buffer.from(p));
    return f;
  }

  /**
   * Number of leaves.
   *
   * @example
   * ```ts
   * new VerifyFrontier().size; // 0
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * Interior node hash SHA-256(0x01 ‖ left ‖ right).
   *
   * @example
   * ```ts
   * f.hashChildren(a, b); // equals hashChildren(a, b) from ../merkle/hashing.ts
   * ```
   */
  hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
    const n = this.#node;
    n.set(left, 1);
    n.set(right, 33);
    return sha256(n);
  }

  /**
   * Appends one 32-byte leaf hash (kept by reference: do not mutate it).
   *
   * @example
   * ```ts
   * f.append(leafHasher.hash(entryJcs));
   * ```
   */
  append(leaf: Buffer): void {
    let node = leaf;
    let index = this.#size;
    let level = 0;
    // Binary-counter carry (arithmetic, not bitwise: indices exceed 2^31).
    while (index % 2 === 1) {
      const left = this.#peaks.pop() as Buffer;
      node = this.hashChildren(left, node);
      level += 1;
      index = (index - 1) / 2;
      if (this.#record) {
        let list = this.#hashes[level];
        if (list === undefined || list.length === 0) {
          list = [];
          this.#hashes[level] = list;
          this.#first[level] = index;
        }
        list.push(node);
      }
    }
    this.#peaks.push(node);
    this.#size += 1;
  }

  /**
   * `MTH(D[size])`: the peaks folded right to left; SHA-256("") when empty.
   *
   * @example
   * ```ts
   * new VerifyFrontier().root().toString('hex'); // 'e3b0c442…'
   * ```
   */
  root(): Buffer {
    const p = this.#peaks;
    if (p.length === 0) return sha256(new Uint8Array(0));
    let acc = p[p.length - 1]!;
    for (let i = p.length - 2; i >= 0; i--) acc = this.hashChildren(p[i]!, acc);
    return acc === p[p.length - 1] ? Buffer.from(acc) : acc;
  }

  /**
   * The nodes finalised since the last call (recording frontiers only); resets the collection.
   *
   * @example
   * ```ts
   * const { first, hashes } = f.takeFinalised();
   * ```
   */
  takeFinalised(): FinalisedNodes {
    const out = { first: this.#first, hashes: this.#hashes };
    this.#first = [];
    this.#hashes = [];
    return out;
  }
}

/**
 * SHA-256 of the concatenation of `parts` (a page digest, as
 * `LedgerReadSource.leafHashDigest` computes it in the database).
 *
 * @example
 * ```ts
 * concatDigest([leaf0, leaf1]).equals(Buffer.from(storedDigest)); // the page's leaf hashes agree
 * ```
 */
export function concatDigest(parts: readonly Uint8Array[]): Buffer {
  return sha256(Buffer.concat(parts));
}

/**
 * Folds complete-subtree hashes that tile `[0, size)` (largest first) into the root.
 *
 * @example
 * ```ts
 * foldPeaks([h0123, h45]); // MTH of 6 leaves
 * ```
 */
export function foldPeaks(peaks: readonly Uint8Array[]): Buffer {
  return VerifyFrontier.fromPeaks(0, peaks).root();
}
