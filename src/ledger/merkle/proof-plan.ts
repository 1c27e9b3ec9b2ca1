/**
 * Which subtrees an RFC 9162 proof consists of, and how to fetch them in one read.
 *
 * A proof is a list of subtree hashes `MTH(D[start:end])`. {@link planInclusion}
 * and {@link planConsistency} walk the recursive definitions of §2.1.3.1 and
 * §2.1.4.1 over index ranges only (no hashing), producing one
 * {@link ProofElementPlan} per proof element. A complete subtree is one stored
 * node; the right-edge subtree of a tree whose size is not a power of two is
 * incomplete and is rebuilt from its complete pieces ({@link rangeNodes}).
 * {@link fetchProof} asks a {@link SubtreeHashReader} for every needed node in a
 * single batch and assembles the hashes.
 *
 * @example
 * ```ts
 * const plan = planInclusion(2, 5);
 * // [{start:3,end:4,…}, {start:0,end:2,…}, {start:4,end:5,…}]
 * const proof = await fetchProof(store, plan);
 * ```
 *
 * @module
 */
import { WritError } from '../../errors/writ-error.ts';
import { hashChildren, isHash } from './hashing.ts';
import type { SubtreeHashReader } from './subtree-store.ts';
import { nodeKey, rangeNodes, splitPoint, type NodeId } from './tree-math.ts';

/**
 * One proof element: the subtree `D[start:end]` and the complete subtrees whose
 * right-to-left fold is its hash (one node when the subtree is complete).
 *
 * @example
 * ```ts
 * const el: ProofElementPlan = { start: 4, end: 7, nodes: rangeNodes(4, 7) };
 * ```
 */
export interface ProofElementPlan {
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly NodeId[];
}

function element(start: number, end: number): ProofElementPlan {
  return { start, end, nodes: rangeNodes(start, end) };
}

/**
 * The elements of the inclusion proof `PATH(m, D[n])` (RFC 9162 §2.1.3.1), in
 * proof order (from the leaf's sibling up to the root's child). Requires
 * `0 <= m < n`. At most ⌈log2 n⌉ elements; at most one of them is incomplete.
 *
 * @throws {WritError} `BAD_REQUEST` unless `0 <= m < n` (safe integers).
 *
 * @example
 * ```ts
 * planInclusion(0, 1); // []
 * planInclusion(5, 8).map((e) => [e.start, e.end]); // [[4,5],[6,8],[0,4]]
 * ```
 */
export function planInclusion(m: number, n: number): ProofElementPlan[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m >= n) {
    throw new WritError('BAD_REQUEST', 'merkle: leaf index out of range');
  }
  // PATH(m, D[lo:hi]) descends towards leaf m; each step contributes the
  // sibling subtree, which §2.1.3.1 appends *after* the deeper path.
  const topDown: ProofElementPlan[] = [];
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < lo + k) {
      topDown.push(element(lo + k, hi)); // PATH(m, D[0:k]) : MTH(D[k:n])
      hi = lo + k;
    } else {
      topDown.push(element(lo, lo + k)); // PATH(m - k, D[k:n]) : MTH(D[0:k])
      lo += k;
    }
  }
  return topDown.reverse();
}

/**
 * The elements of the consistency proof `PROOF(m, D[n])` (RFC 9162 §2.1.4.1), in
 * proof order. Requires `0 < m < n` (the proof between equal sizes, or from the
 * empty tree, is empty and needs no plan). At most ⌈log2 n⌉ + 1 elements; at most
 * one of them is incomplete.
 *
 * @throws {WritError} `BAD_REQUEST` unless `0 < m < n` (safe integers).
 *
 * @example
 * ```ts
 * planConsistency(3, 7).map((e) => [e.start, e.end]); // [[2,3],[3,4],[0,2],[4,7]]
 * planConsistency(4, 8).map((e) => [e.start, e.end]); // [[4,8]]
 * ```
 */
export function planConsistency(m: number, n: number): ProofElementPlan[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m <= 0 || m >= n) {
    throw new WritError('BAD_REQUEST', 'merkle: consistency sizes out of range');
  }
  // SUBPROOF(rel, D[lo:hi], b) with rel = m - lo.
  const topDown: ProofElementPlan[] = [];
  let lo = 0;
  let hi = n;
  let b = true;
  for (;;) {
    const size = hi - lo;
    const rel = m - lo;
    if (rel === size) {
      // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}.
      if (!b) topDown.push(element(lo, hi));
      break;
    }
    const k = splitPoint(size);
    if (rel <= k) {
      topDown.push(element(lo + k, hi)); // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
      hi = lo + k;
    } else {
      topDown.push(element(lo, lo + k)); // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
      lo += k;
      b = false;
    }
  }
  return topDown.reverse();
}

/**
 * The distinct node ids a plan needs, in first-use order.
 *
 * @example
 * ```ts
 * planNodeIds(planInclusion(2, 5)); // [{0,3},{1,0},{0,4}]
 * ```
 */
export function planNodeIds(plan: readonly ProofElementPlan[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const el of plan) {
    for (const id of el.nodes) {
      const key = nodeKey(id);
      if (!seen.has(key)) seen.set(key, { level: id.level, index: id.index });
    }
  }
  return [...seen.values()];
}

/**
 * Resolves a plan to proof hashes with exactly one `reader.getNodes` call (none
 * for an empty plan). Incomplete elements are folded right to left from their
 * complete pieces (RFC 9162 §2.1.1).
 *
 * @throws {WritError} `LEDGER_INTEGRITY` if the reader fails or answers with the
 *   wrong number of hashes or a hash that is not 32 bytes.
 *
 * @example
 * ```ts
 * const proof = await fetchProof(store, planConsistency(3, 7)); // 4 hashes
 * ```
 */
export async function fetchProof(
  reader: SubtreeHashReader,
  plan: readonly ProofElementPlan[],
): Promise<Uint8Array[]> {
  if (plan.length === 0) return [];
  const ids = planNodeIds(plan);
  let hashes: Uint8Array[];
  try {
    hashes = await reader.getNodes(ids);
  } catch (err) {
    throw new WritError('LEDGER_INTEGRITY', 'merkle: subtree read failed', { cause: err });
  }
  if (!Array.isArray(hashes) || hashes.length !== ids.length || !hashes.every(isHash)) {
    throw new WritError('LEDGER_INTEGRITY', 'merkle: subtree reader returned a malformed response');
  }
  const byKey = new Map<string, Uint8Array>();
  ids.forEach((id, i) => byKey.set(nodeKey(id), hashes[i]!));
  return plan.map((el) => {
    const parts = el.nodes.map((id) => byKey.get(nodeKey(id))!);
    let acc = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) acc = hashChildren(parts[i]!, acc);
    return Uint8Array.from(acc);
  });
}
