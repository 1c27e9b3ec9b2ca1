/**
 * Index arithmetic of the RFC 9162 §2.1.1 Merkle tree: node ids of complete
 * subtrees, the split point `k`, and the decomposition of a leaf range into
 * complete subtrees.
 *
 * Sizes and indices are JavaScript numbers restricted to safe integers
 * (0 ..= 2^53 - 1); every computation uses arithmetic, never the 32-bit
 * bitwise operators.
 *
 * @example
 * ```ts
 * splitPoint(5);     // 4: MTH(D[5]) = HASH(0x01 || MTH(D[0:4]) || MTH(D[4:5]))
 * rangeNodes(0, 7);  // [{level:2,index:0},{level:1,index:2},{level:0,index:6}]
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';

/**
 * A complete (perfect) subtree of the log: the one that covers leaves
 * `[index * 2^level, (index + 1) * 2^level)`. Level 0 nodes are leaf hashes.
 *
 * @example
 * ```ts
 * const id: NodeId = { level: 2, index: 1 }; // covers leaves 4, 5, 6, 7
 * ```
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * A complete subtree together with its hash.
 *
 * @example
 * ```ts
 * const n: HashedNode = { level: 0, index: 3, hash: hashLeaf(data) };
 * ```
 */
export interface HashedNode extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * True for a safe non-negative integer: a valid tree size or leaf index.
 *
 * @example
 * ```ts
 * isTreeSize(0);            // true
 * isTreeSize(2 ** 53);      // false (not a safe integer)
 * isTreeSize(-1);           // false
 * ```
 */
export function isTreeSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * `n` as a number when it is a safe non-negative integer (number or bigint),
 * otherwise `undefined`. Used by verifiers, which take untrusted sizes.
 *
 * @example
 * ```ts
 * toTreeSize(7n);                          // 7
 * toTreeSize(18446744073709551615n);       // undefined
 * toTreeSize(1.5);                         // undefined
 * ```
 */
export function toTreeSize(n: number | bigint): number | undefined {
  if (typeof n === 'bigint') {
    return n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
  }
  return isTreeSize(n) ? n : undefined;
}

/**
 * True when `n` is a power of two (1, 2, 4, ...).
 *
 * @example
 * ```ts
 * isPowerOfTwo(8); // true
 * isPowerOfTwo(6); // false
 * isPowerOfTwo(0); // false
 * ```
 */
export function isPowerOfTwo(n: number): boolean {
  if (!isTreeSize(n) || n === 0) return false;
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/**
 * The largest power of two that is `<= n` (`n >= 1`): the size of the first
 * complete subtree of `D[n]` (RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * highestPowerOfTwoAtMost(7); // 4
 * highestPowerOfTwoAtMost(8); // 8
 * ```
 */
export function highestPowerOfTwoAtMost(n: number): number {
  if (!isTreeSize(n) || n < 1) throw new WritError('INTERNAL', 'merkle: size out of range');
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * RFC 9162 §2.1.1 split point: the largest power of two strictly smaller than
 * `n` (`n >= 2`), so that `MTH(D_n) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`.
 *
 * @example
 * ```ts
 * splitPoint(2); // 1
 * splitPoint(8); // 4
 * splitPoint(9); // 8
 * ```
 */
export function splitPoint(n: number): number {
  if (!isTreeSize(n) || n < 2) throw new WritError('INTERNAL', 'merkle: size out of range');
  return highestPowerOfTwoAtMost(n - 1);
}

/**
 * The leaf range `[start, end)` covered by a complete subtree, i.e. the node is
 * `MTH(D[start:end])` in the notation of RFC 9162 §2.1.1.
 *
 * @example
 * ```ts
 * nodeRange({ level: 2, index: 1 }); // { start: 4, end: 8 }
 * ```
 */
export function nodeRange(id: NodeId): { start: number; end: number } {
  const width = 2 ** id.level;
  return { start: id.index * width, end: (id.index + 1) * width };
}

/**
 * Stable string key of a node id, for maps and sets (`"level/index"`).
 *
 * @example
 * ```ts
 * nodeKey({ level: 3, index: 5 }); // '3/5'
 * ```
 */
export function nodeKey(id: NodeId): string {
  return `${id.level}/${id.index}`;
}

/**
 * The complete subtrees that make up the RFC 9162 §2.1.1 subtree `D[start:end]`,
 * largest (leftmost) first. The range must be *aligned* the way every subtree in
 * the §2.1.1 recursion is: `start` is a multiple of the largest power of two
 * `<= end - start`. Then the sizes are the binary digits of `end - start` and
 * `MTH(D[start:end])` is the right-to-left fold of their hashes with
 * `hashChildren(left, acc)` — a single node when the range is complete.
 *
 * At most ⌊log2(end - start)⌋ + 1 nodes.
 *
 * @throws {WritError} `INTERNAL` for an empty or unaligned range.
 *
 * @example
 * ```ts
 * rangeNodes(4, 7); // [{ level: 1, index: 2 }, { level: 0, index: 6 }]
 * rangeNodes(8, 16); // [{ level: 3, index: 1 }]
 * ```
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  if (!isTreeSize(start) || !isTreeSize(end) || end <= start) {
    throw new WritError('INTERNAL', 'merkle: empty or invalid leaf range');
  }
  if (start % highestPowerOfTwoAtMost(end - start) !== 0) {
    throw new WritError('INTERNAL', 'merkle: leaf range is not aligned');
  }
  const out: NodeId[] = [];
  let lo = start;
  let width = highestPowerOfTwoAtMost(end - start);
  let level = 0;
  for (let w = width; w > 1; w /= 2) level += 1;
  while (lo < end) {
    if (lo + width <= end) {
      out.push({ level, index: lo / width });
      lo += width;
    }
    width /= 2;
    level -= 1;
  }
  return out;
}
