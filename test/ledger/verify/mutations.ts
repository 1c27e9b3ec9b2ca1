/**
 * Ledger mutations for the verification and tamper tests. Each one is computed
 * from a snapshot of an untouched ledger, applied with plain SQL inside a
 * transaction whose append-only triggers are off (see `mutated` in helpers.ts),
 * and states what the verifier must report first: the exact seq or checkpoint
 * tree size the mutation broke.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { encodeEntry, hashRef, type LedgerEntry } from '../../../src/ledger/entry.ts';
import { signCheckpoint } from '../../../src/ledger/checkpoint.ts';
import { MerkleFrontier } from '../../../src/ledger/merkle/frontier.ts';
import { signerFromKeyObject, type NoteSigner } from '../../../src/crypto/signed-note.ts';
import type { VerifyProblemKind } from '../../../src/ledger/verify/verify-ledger.ts';
import type { Database } from '../../../src/store/schema.ts';
import type { Store } from '../../../src/store/store.ts';

type Trx = Transaction<Database>;

/**
 * One stored entry row.
 *
 * @example
 * ```ts
 * const row: EntryRow = snap.entries[0]!;
 * ```
 */
export interface EntryRow {
  seq: number;
  stream_id: string;
  entry_type: string;
  entry_jcs: string;
  leaf_hash: Uint8Array;
  outbox_id: number | null;
  recorded_at: Date;
}

/**
 * One stored checkpoint row.
 *
 * @example
 * ```ts
 * const latest: CheckpointRow = snap.checkpoints.at(-1)!;
 * ```
 */
export interface CheckpointRow {
  tree_size: number;
  root_hash: Uint8Array;
  note: string;
  kid: string;
  created_at: Date;
}

/**
 * The untouched ledger the mutations are computed from.
 *
 * @example
 * ```ts
 * const snap: Snapshot = await snapshot(l.store, l.origin);
 * ```
 */
export interface Snapshot {
  origin: string;
  entries: EntryRow[];
  checkpoints: CheckpointRow[];
  /** Level ≥ 1 nodes. */
  nodes: Array<{ level: number; idx: number; hash: Uint8Array }>;
}

/**
 * What the verifier must report first.
 *
 * @example
 * ```ts
 * const e: Expectation = { kinds: ['edited'], seq: 42 };
 * ```
 */
export interface Expectation {
  kinds: readonly VerifyProblemKind[];
  seq?: number;
  tree_size?: number;
}

/**
 * A named mutation and its expected first problem.
 *
 * @example
 * ```ts
 * const m: Mutation = deleteRow(snap, 7); // m.expect: { kinds: ['missing'], seq: 7 }
 * ```
 */
export interface Mutation {
  name: string;
  apply(trx: Trx): Promise<unknown>;
  expect: Expectation;
}

/**
 * Reads the whole (small) ledger.
 *
 * @example
 * ```ts
 * const snap = await snapshot(l.store, l.origin);
 * ```
 */
export async function snapshot(store: Store, origin: string): Promise<Snapshot> {
  const entries = await store.db.selectFrom('ledger_entries').selectAll().orderBy('seq').execute();
  const checkpoints = await store.db.selectFrom('ledger_checkpoints').selectAll().orderBy('tree_size').execute();
  const nodes = await store.db.selectFrom('ledger_nodes').selectAll().orderBy('level').orderBy('idx').execute();
  return {
    origin,
    entries: entries.map((e) => ({ ...e, seq: Number(e.seq), outbox_id: e.outbox_id === null ? null : Number(e.outbox_id), recorded_at: new Date(e.recorded_at), leaf_hash: new Uint8Array(e.leaf_hash) })),
    checkpoints: checkpoints.map((c) => ({ ...c, tree_size: Number(c.tree_size), created_at: new Date(c.created_at), root_hash: new Uint8Array(c.root_hash) })),
    nodes: nodes.map((n) => ({ level: Number(n.level), idx: Number(n.idx), hash: new Uint8Array(n.hash) })),
  };
}

/**
 * A seeded PRNG (mulberry32): `next()` in [0, 1), `int(n)` in [0, n).
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.int(10); // the same every run with seed 42
 * ```
 */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/**
 * An attacker's note signer under the log's origin (a key the verifier does not trust).
 *
 * @example
 * ```ts
 * const forged = signCheckpoint({ origin, treeSize: 3, rootHash }, attackerSigner(origin));
 * ```
 */
export function attackerSigner(origin: string): NoteSigner {
  return signerFromKeyObject(origin, generateKeyPairSync('ed25519').privateKey);
}

/**
 * Smallest checkpoint size greater than `seq` (the first checkpoint covering it).
 *
 * @example
 * ```ts
 * checkpointCovering(snap, 3); // 4 when checkpoints are at 3, 4, 9, …
 * ```
 */
export function checkpointCovering(snap: Snapshot, seq: number): number {
  const cp = snap.checkpoints.find((c) => c.tree_size > seq);
  if (!cp) throw new Error(`no checkpoint covers seq ${seq}`);
  return cp.tree_size;
}

const parse = (e: EntryRow) => JSON.parse(e.entry_jcs) as LedgerEntry;

/** The `"payload":{…}` span of an entry text: [start of `{`, end after `}`). */
function payloadSpan(jcs: string): [number, number] {
  const start = jcs.indexOf('"payload":') + '"payload":'.length;
  const end = jcs.indexOf(',"recorded_at":');
  return [start, end];
}

async function setEntryText(trx: Trx, seq: number, jcs: string): Promise<void> {
  await trx.updateTable('ledger_entries').set({ entry_jcs: jcs }).where('seq', '=', seq).execute();
}

/** Moves every entry with seq ≥ from by `delta` (two steps: the primary key is checked per row). */
async function shiftSeqs(trx: Trx, from: number, delta: number): Promise<void> {
  await sql`update ledger_entries set seq = seq + 1000000000 where seq >= ${from}`.execute(trx);
  await sql`update ledger_entries set seq = seq - 1000000000 + ${delta} where seq >= 1000000000`.execute(trx);
}

/**
 * Edits one byte of entry `k`'s payload: a letter of a string (still valid
 * JSON) or a structural character (no longer JSON).
 *
 * @example
 * ```ts
 * const m = editPayloadByte(snap, 12, new Rng(1), false); // expects 'edited' at 12
 * ```
 */
export function editPayloadByte(snap: Snapshot, k: number, rng: Rng, validJson: boolean): Mutation {
  const jcs = snap.entries[k]!.entry_jcs;
  const [a, b] = payloadSpan(jcs);
  const candidates: number[] = [];
  for (let i = a; i < b; i++) {
    const c = jcs[i]!;
    if (validJson ? /[a-z]/.test(c) : /[{}:,"]/.test(c)) candidates.push(i);
  }
  const at = rng.pick(candidates);
  const old = jcs[at]!;
  let repl = validJson ? String.fromCharCode(97 + rng.int(26)) : '#';
  if (repl === old) repl = old === 'z' ? 'y' : String.fromCharCode(old.charCodeAt(0) + 1);
  const edited = jcs.slice(0, at) + repl + jcs.slice(at + 1);
  let parses = true;
  try {
    JSON.parse(edited);
  } catch {
    parses = false;
  }
  if (parses !== validJson) throw new Error(`edit of ${k} at ${at} did not give ${validJson ? 'valid' : 'invalid'} JSON`);
  return {
    name: `edit payload byte of ${k} at ${at} (${validJson ? 'valid' : 'invalid'} JSON)`,
    apply: (trx) => setEntryText(trx, k, edited),
    expect: { kinds: ['edited'], seq: k },
  };
}

/**
 * Deletes entry `k`. The last entry's deletion shows as the last checkpoint being beyond the log.
 *
 * @example
 * ```ts
 * deleteRow(snap, 7).expect; // { kinds: ['missing'], seq: 7 }
 * ```
 */
export function deleteRow(snap: Snapshot, k: number): Mutation {
  const n = snap.entries.length;
  return {
    name: `delete entry ${k}`,
    apply: (trx) => trx.deleteFrom('ledger_entries').where('seq', '=', k).execute(),
    expect: k === n - 1 ? { kinds: ['checkpoint_beyond_log'], tree_size: checkpointCovering(snap, k) } : { kinds: ['missing'], seq: k },
  };
}

/**
 * Deletes entry `k` and renumbers the later ones down (no gap in seq).
 *
 * @example
 * ```ts
 * deleteAndRenumber(snap, 7).expect; // { kinds: ['missing'], seq: 7 }
 * ```
 */
export function deleteAndRenumber(_snap: Snapshot, k: number): Mutation {
  return {
    name: `delete entry ${k} and renumber`,
    async apply(trx) {
      await trx.deleteFrom('ledger_entries').where('seq', '=', k).execute();
      await shiftSeqs(trx, k + 1, -1);
    },
    expect: { kinds: ['missing'], seq: k },
  };
}

/** A forged, self-consistent entry for position `seq`: valid text, leaf and stream chain (as of `seq`). */
function forgedEntry(snap: Snapshot, seq: number, note: string): { row: Omit<EntryRow, 'outbox_id'> & { outbox_id: null }; leaf: Uint8Array } {
  const before = snap.entries.slice(0, seq);
  const stream = before.length > 0 ? before[before.length - 1]!.stream_id : 'stream-0';
  const prevRow = [...before].reverse().find((e) => e.stream_id === stream);
  const recordedAt = (before[before.length - 1] ?? snap.entries[0]!).recorded_at;
  const entry: LedgerEntry = {
    seq,
    stream_id: stream,
    entry_type: 'system.note',
    payload: { message: note },
    stream_prev: prevRow ? hashRef(prevRow.leaf_hash) : null,
    recorded_at: recordedAt.toISOString(),
  };
  const { jcs, leafHash } = encodeEntry(entry);
  return { row: { seq, stream_id: stream, entry_type: 'system.note', entry_jcs: jcs, leaf_hash: leafHash, outbox_id: null, recorded_at: recordedAt }, leaf: leafHash };
}

/**
 * Appends a forged but self-consistent entry after the last one (no checkpoint covers it).
 *
 * @example
 * ```ts
 * insertAtEnd(snap).expect; // { kinds: ['inserted'], seq: snap.entries.length }
 * ```
 */
export function insertAtEnd(snap: Snapshot): Mutation {
  const n = snap.entries.length;
  const { row } = forgedEntry(snap, n, 'forged entry appended at the end');
  return {
    name: 'insert a forged entry at the end',
    apply: (trx) => trx.insertInto('ledger_entries').values(row).execute(),
    expect: { kinds: ['inserted'], seq: n },
  };
}

/**
 * Inserts a forged entry at seq `k`, renumbering entries ≥ k up by one.
 *
 * @example
 * ```ts
 * insertMiddle(snap, 15).expect; // { kinds: ['inserted'], seq: 15 }
 * ```
 */
export function insertMiddle(snap: Snapshot, k: number): Mutation {
  const { row } = forgedEntry(snap, k, `forged entry inserted at ${k}`);
  return {
    name: `insert a forged entry at ${k} (renumbering)`,
    async apply(trx) {
      await shiftSeqs(trx, k, 1);
      await trx.insertInto('ledger_entries').values(row).execute();
    },
    expect: { kinds: ['inserted'], seq: k },
  };
}

/**
 * Swaps the contents (text, leaf hash, stream, type) of entries k < m.
 *
 * @example
 * ```ts
 * swapRows(snap, 2, 30).expect.seq; // 2
 * ```
 */
export function swapRows(snap: Snapshot, k: number, m: number): Mutation {
  const a = snap.entries[k]!;
  const b = snap.entries[m]!;
  const set = (trx: Trx, seq: number, e: EntryRow) =>
    trx.updateTable('ledger_entries').set({ entry_jcs: e.entry_jcs, leaf_hash: e.leaf_hash, stream_id: e.stream_id, entry_type: e.entry_type }).where('seq', '=', seq).execute();
  return {
    name: `swap entries ${k} and ${m}`,
    async apply(trx) {
      await set(trx, k, b);
      await set(trx, m, a);
    },
    expect: { kinds: ['reordered', 'stream_chain_broken'], seq: Math.min(k, m) },
  };
}

/**
 * Deletes entries from seq `t` on, keeping checkpoints and nodes: the first checkpoint past `t` is beyond the log.
 *
 * @example
 * ```ts
 * truncateEntries(snap, 5).expect; // { kinds: ['checkpoint_beyond_log'], tree_size: 9 } with checkpoints at 4, 9, …
 * ```
 */
export function truncateEntries(snap: Snapshot, t: number): Mutation {
  return {
    name: `truncate entries from ${t}`,
    apply: (trx) => trx.deleteFrom('ledger_entries').where('seq', '>=', t).execute(),
    expect: { kinds: ['checkpoint_beyond_log'], tree_size: checkpointCovering(snap, t) },
  };
}

/**
 * Deletes entries from `t` on together with the checkpoints past `t` and the
 * nodes completed by those entries: a consistent shorter log that only the
 * trusted checkpoint (of size `trustedSize`) reveals.
 *
 * @example
 * ```ts
 * truncateAll(snap, 25, 40).expect; // { kinds: ['checkpoint_beyond_log'], tree_size: 40 }
 * ```
 */
export function truncateAll(_snap: Snapshot, t: number, trustedSize: number): Mutation {
  return {
    name: `truncate entries, checkpoints and nodes from ${t}`,
    async apply(trx) {
      await trx.deleteFrom('ledger_entries').where('seq', '>=', t).execute();
      await trx.deleteFrom('ledger_checkpoints').where('tree_size', '>', t).execute();
      await sql`delete from ledger_nodes where (idx + 1) * (2::numeric ^ level) > ${t}`.execute(trx);
    },
    expect: { kinds: ['checkpoint_beyond_log'], tree_size: trustedSize },
  };
}

function replaceSignatureLine(note: string, line: string): string {
  const split = note.lastIndexOf('\n\n');
  return `${note.slice(0, split + 2)}${line}\n`;
}

/**
 * Replaces checkpoint `size`'s signature by a valid signature of the same text by another key.
 *
 * @example
 * ```ts
 * resignCheckpointOtherKey(snap, 19, attackerSigner(origin)).expect; // { kinds: ['checkpoint_signature'], tree_size: 19 }
 * ```
 */
export function resignCheckpointOtherKey(snap: Snapshot, size: number, attacker: NoteSigner): Mutation {
  const cp = snap.checkpoints.find((c) => c.tree_size === size)!;
  const body = cp.note.slice(0, cp.note.lastIndexOf('\n\n') + 1);
  const forged = signCheckpoint({ origin: snap.origin, treeSize: size, rootHash: cp.root_hash }, attacker);
  if (!forged.startsWith(body)) throw new Error('checkpoint body differs');
  return {
    name: `re-sign checkpoint ${size} with another key`,
    apply: (trx) => trx.updateTable('ledger_checkpoints').set({ note: forged }).where('tree_size', '=', size).execute(),
    expect: { kinds: ['checkpoint_signature'], tree_size: size },
  };
}

/**
 * Replaces checkpoint `size`'s signature by random bytes (keeping the real key id, or not).
 *
 * @example
 * ```ts
 * randomCheckpointSignature(snap, 19, true).expect.tree_size; // 19
 * ```
 */
export function randomCheckpointSignature(snap: Snapshot, size: number, keepKeyId: boolean): Mutation {
  const cp = snap.checkpoints.find((c) => c.tree_size === size)!;
  const lastLine = cp.note.slice(cp.note.lastIndexOf('\n\n') + 2, -1);
  const b64 = lastLine.slice(lastLine.lastIndexOf(' ') + 1);
  const blob = Buffer.from(b64, 'base64');
  const fake = randomBytes(blob.length);
  if (keepKeyId) blob.copy(fake, 0, 0, 4);
  const note = replaceSignatureLine(cp.note, `${lastLine.slice(0, lastLine.lastIndexOf(' '))} ${fake.toString('base64')}`);
  return {
    name: `random signature bytes on checkpoint ${size}${keepKeyId ? ' (real key id)' : ''}`,
    apply: (trx) => trx.updateTable('ledger_checkpoints').set({ note }).where('tree_size', '=', size).execute(),
    expect: { kinds: ['checkpoint_signature'], tree_size: size },
  };
}

/**
 * Forks the log at `k`: every entry from `k` on is rewritten (new payloads,
 * valid texts, leaf hashes and stream chains), the nodes are recomputed and
 * every checkpoint past `k` is re-signed over the new roots by `signer`.
 * `expect`: what must be reported first (an untrusted signer's first
 * re-signed checkpoint; a compromised real key only the trusted checkpoint).
 *
 * @example
 * ```ts
 * const m = forkAt(snap, 12, attackerSigning, { kinds: ['checkpoint_signature'], tree_size: checkpointCovering(snap, 12) });
 * ```
 */
export function forkAt(
  snap: Snapshot,
  k: number,
  signer: { sign(origin: string, size: number, root: Uint8Array): Promise<string> | string; kid: string },
  expect: Expectation,
): Mutation {
  const heads = new Map<string, string>();
  const rows: EntryRow[] = [];
  const frontier = new MerkleFrontier();
  const nodes: Array<{ level: number; idx: number; hash: Uint8Array }> = [];
  const roots = new Map<number, Uint8Array>();
  for (const e of snap.entries) {
    let row = e;
    if (e.seq >= k) {
      const old = parse(e);
      const entry: LedgerEntry = { ...old, payload: { message: `rewritten history ${e.seq}` }, stream_prev: heads.get(e.stream_id) ?? null };
      const { jcs, leafHash } = encodeEntry(entry);
      row = { ...e, entry_jcs: jcs, leaf_hash: leafHash };
      rows.push(row);
    }
    heads.set(e.stream_id, hashRef(row.leaf_hash));
    for (const n of frontier.append(row.leaf_hash)) if (n.level > 0 && (n.index + 1) * 2 ** n.level > k) nodes.push({ level: n.level, idx: n.index, hash: n.hash });
    roots.set(frontier.size, frontier.root());
  }
  return {
    name: `fork from ${k}`,
    async apply(trx) {
      await trx.deleteFrom('ledger_entries').where('seq', '>=', k).execute();
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto('ledger_entries').values(rows.slice(i, i + 200)).execute();
      await sql`delete from ledger_nodes where (idx + 1) * (2::numeric ^ level) > ${k}`.execute(trx);
      for (let i = 0; i < nodes.length; i += 500) await trx.insertInto('ledger_nodes').values(nodes.slice(i, i + 500)).execute();
      for (const cp of snap.checkpoints) {
        if (cp.tree_size <= k) continue;
        const root = roots.get(cp.tree_size)!;
        const note = await signer.sign(snap.origin, cp.tree_size, root);
        await trx.updateTable('ledger_checkpoints').set({ note, root_hash: root, kid: signer.kid }).where('tree_size', '=', cp.tree_size).execute();
      }
    },
    expect,
  };
}
