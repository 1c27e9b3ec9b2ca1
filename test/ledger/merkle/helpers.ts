// Shared builders for the Merkle tests (not a test file itself).
import { hashLeaf } from '../../../src/ledger/merkle/hashing.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { MemorySubtreeStore, type SubtreeHashReader } from '../../../src/ledger/merkle/subtree-store.ts';
import type { NodeId } from '../../../src/ledger/merkle/tree-math.ts';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Leaf hashes of n distinct synthetic entries ("entry 0", "entry 1", ...). */
export function syntheticLeaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => hashLeaf(utf8(`entry ${i}`)));
}

/** A frontier and an in-memory store fed with `leafHashes`. */
export function buildStore(leafHashes: readonly Uint8Array[]): { store: MemorySubtreeStore; frontier: MerkleFrontier } {
  const store = new MemorySubtreeStore();
  const frontier = new MerkleFrontier();
  for (const h of leafHashes) store.put(frontier.append(h));
  return { store, frontier };
}

/** Wraps a reader and records every batch of ids it is asked for. */
export class RecordingReader implements SubtreeHashReader {
  readonly calls: NodeId[][] = [];
  constructor(private readonly inner: SubtreeHashReader) {}

  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    this.calls.push(ids.map((id) => ({ ...id })));
    return this.inner.getNodes(ids);
  }
}

/** A copy of `b` with bit `bit` (0 = least significant of byte 0) flipped. */
export function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[Math.floor(bit / 8)]! ^= 1 << (bit % 8);
  return out;
}
