/**
 * Offline verification of a Writ ledger: recomputes everything the database
 * claims — every leaf hash from the entry text, the per-stream hash chains, the
 * Merkle tree, every stored subtree hash — and checks every checkpoint's
 * signature and root, optionally against a trusted checkpoint kept outside the
 * database. Nothing the source says is trusted.
 *
 * Streaming and bounded: entries, checkpoints and stored nodes are read in
 * keyset pages and compared as the tree is rebuilt, so memory stays O(page +
 * log n) for any log size. When the source offers page digests, the stored
 * leaf and subtree hashes of a page are compared as one SHA-256 over their
 * concatenation, computed by the database; the rows are read only for a page
 * whose digest differs, to pinpoint the difference. (A digest is a claim of
 * the source like any row: it can only point the verifier at stored hashes,
 * never vouch for an entry, whose leaf is always recomputed and checked
 * against the signed roots.)
 *
 * @example
 * ```ts
 * const report = await verifyLedger(new StoreLedgerSource(store.db), {
 *   origin: 'writ/abc',
 *   verifiers: [parseVerifierKey(pinnedKey)],
 *   trustedCheckpoint: readFileSync('checkpoint.txt', 'utf8'),
 * });
 * if (!report.ok) console.error(report.first_problem);
 * ```
 *
 * @module
 */
import { openNote, type NoteVerifier } from '../../crypto/signed-note.ts';
import { isWritError } from '../../errors/writ-error.ts';
import { parseCheckpointBody } from '../checkpoint.ts';
import { rangeNodes } from '../merkle/tree-math.ts';
import type { LedgerReadSource, PageDigest, SourceCheckpoint, SourceEntry, SourceNode } from './ledger-source.ts';
import { LeafHasher, VerifyFrontier, concatDigest, foldPeaks, type FinalisedNodes } from './verify-hashing.ts';

/**
 * What is wrong with the ledger (stable strings):
 * - `edited`: an entry's text does not hash to its committed leaf hash;
 * - `missing`: a gap in seq (deleted entries, possibly with later ones renumbered);
 * - `inserted`: an entry that should not be there (renumbered-in, or appended without any checkpoint covering it);
 * - `reordered`: an entry sits at a seq other than its own (e.g. two rows swapped);
 * - `stream_chain_broken`: `stream_prev` is not the leaf hash of the stream's previous entry;
 * - `malformed_entry`: the entry text is not exactly the six canonical fields, or disagrees with its row;
 * - `node_mismatch`: a stored subtree hash differs from the recomputed one, is missing, or lies beyond the log;
 * - `checkpoint_signature`: a checkpoint not validly signed by a trusted key for the origin (forged or replaced);
 * - `checkpoint_root_mismatch`: a validly signed checkpoint whose root is not the recomputed root at its size;
 * - `checkpoint_beyond_log`: a checkpoint (stored or trusted) larger than the log (truncation);
 * - `fork`: the trusted checkpoint's root is not the recomputed root at its size.
 *
 * @example
 * ```ts
 * const kind: VerifyProblemKind = 'edited';
 * ```
 */
export type VerifyProblemKind =
  | 'edited'
  | 'missing'
  | 'inserted'
  | 'reordered'
  | 'stream_chain_broken'
  | 'malformed_entry'
  | 'node_mismatch'
  | 'checkpoint_signature'
  | 'checkpoint_root_mismatch'
  | 'checkpoint_beyond_log'
  | 'fork';

/**
 * One problem found. Entry problems carry `seq`; checkpoint problems carry
 * `tree_size` (and `seq` where the log's end matters); node problems carry
 * `level`/`index` and `seq` = the first leaf the subtree covers.
 *
 * @example
 * ```ts
 * const p: VerifyProblem = { kind: 'edited', seq: 42, message: 'leaf hash does not match entry' };
 * ```
 */
export interface VerifyProblem {
  kind: VerifyProblemKind;
  seq?: number;
  tree_size?: number;
  level?: number;
  index?: number;
  message: string;
}

/**
 * Options of {@link verifyLedger}.
 *
 * @example
 * ```ts
 * const options: VerifyLedgerOptions = { origin: 'writ/abc', verifiers: [verifier], fromSeq: 1_000_000 };
 * ```
 */
export interface VerifyLedgerOptions {
  /** The log origin checkpoints must name. */
  origin: string;
  /** Trusted ledger keys (note verifiers named after the origin). */
  verifiers: readonly NoteVerifier[];
  /** A signed checkpoint held outside the database (e.g. published or witnessed earlier). */
  trustedCheckpoint?: string | undefined;
  /**
   * Verify from here: the tree is seeded from the latest validly signed
   * checkpoint at or below it whose stored peaks fold to its signed root (so
   * slightly earlier entries are checked too); without one, or when the source
   * cannot supply peaks, the whole log is recomputed from 0. Stream chains
   * are checked from each stream's first entry at or after the start (its
   * link to an earlier entry is not: that entry's hash is outside the
   * recomputed range, though covered by the seeding checkpoint's root).
   */
  fromSeq?: number | undefined;
  /** Called after every page: entries done, and the total when the source knows it. */
  onProgress?: ((done: number, total?: number) => void) | undefined;
  /** Entries per read (default 5,000). */
  pageSize?: number | undefined;
  /** Problems listed in the report (default 100); `problem_count` counts all. */
  maxProblems?: number | undefined;
}

/**
 * The outcome of {@link verifyLedger}.
 *
 * @example
 * ```ts
 * // { ok: false, entries_checked: 300, first_problem: { kind: 'edited', seq: 42, message: '…' }, … }
 * if (!report.ok) console.log(report.first_problem?.kind);
 * ```
 */
export interface VerifyReport {
  ok: boolean;
  origin: string;
  /** The requested start. */
  from_seq: number;
  /** Where recomputation started: 0, or the seeding checkpoint's size (≤ from_seq). */
  started_at_seq: number;
  entries_checked: number;
  /** Validly signed checkpoints whose root was compared with the recomputed one. */
  checkpoints_checked: number;
  /** Stored subtree hashes compared. */
  nodes_checked: number;
  /** Leaves in the recomputed tree. */
  tree_size: number;
  /** Hex root of the recomputed tree; null for an empty log. */
  root_hash: string | null;
  /** The trusted checkpoint, when one was given and verified. */
  trusted_checkpoint: { tree_size: number; root_hash: string } | null;
  /** The earliest problem in log order; null when ok. */
  first_problem: VerifyProblem | null;
  /** Up to `maxProblems` problems in log order. */
  problems: VerifyProblem[];
  /** Every problem found (cascades included). */
  problem_count: number;
}

/** Sort ranks at equal positions: entries, then nodes, then stored checkpoints, then the trusted one. */
const RANK_ENTRY = 0;
const RANK_NODE = 1;
const RANK_CHECKPOINT = 2;
const RANK_TRUSTED = 3;
/** Position of problems that are consequences of the log's end (extra nodes). */
const POS_AFTER_ALL = Number.MAX_SAFE_INTEGER;

interface Ranked {
  p: VerifyProblem;
  pos: number;
  rank: number;
  n: number;
}

/** At one position, the more specific finding first (a swapped row is `reordered` before its broken chain). */
const KIND_ORDER: Readonly<Record<VerifyProblemKind, number>> = {
  edited: 0,
  missing: 1,
  inserted: 2,
  reordered: 3,
  malformed_entry: 4,
  stream_chain_broken: 5,
  node_mismatch: 6,
  checkpoint_signature: 7,
  checkpoint_root_mismatch: 8,
  checkpoint_beyond_log: 9,
  fork: 10,
};

function compareRanked(a: Ranked, b: Ranked): number {
  return (
    a.pos - b.pos ||
    a.rank - b.rank ||
    (a.p.tree_size ?? 0) - (b.p.tree_size ?? 0) ||
    KIND_ORDER[a.p.kind] - KIND_ORDER[b.p.kind] ||
    a.n - b.n
  );
}

/** Keeps the `cap` earliest problems (by log position) out of any number. */
class ProblemLog {
  readonly #cap: number;
  #items: Ranked[] = [];
  #count = 0;

  constructor(cap: number) {
    this.#cap = Math.max(1, cap);
  }

  get count(): number {
    return this.#count;
  }

  add(p: VerifyProblem, pos: number, rank: number): void {
    this.#items.push({ p, pos, rank, n: this.#count });
    this.#count += 1;
    if (this.#items.length >= this.#cap * 10) this.#compact();
  }

  #compact(): void {
    this.#items.sort(compareRanked);
    this.#items.length = Math.min(this.#items.length, this.#cap);
  }

  list(): VerifyProblem[] {
    this.#compact();
    return this.#items.map((r) => r.p);
  }
}

type NoteCheck =
  | { ok: true; size: number; root: Buffer }
  | { ok: false; reason: string; size: number | undefined };

function reasonOf(err: unknown): string {
  const cause = isWritError(err) && err.cause instanceof Error ? err.cause.message : undefined;
  switch (cause) {
    case 'no-verified-signature':
      return 'not signed by a trusted ledger key';
    case 'invalid-signature':
      return 'signature does not verify';
    case undefined:
      return 'note rejected';
    default:
      return `malformed note (${cause})`;
  }
}

/** The size a note claims, read without trusting it (for locating a bad checkpoint). */
function claimedSize(note: string): number | undefined {
  try {
    const split = note.lastIndexOf('\n\n');
    const cp = parseCheckpointBody(split < 0 ? note : note.slice(0, split + 1));
    return cp.treeSize <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cp.treeSize) : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies a checkpoint note: a trusted key's signature, strict body, the expected origin. */
function checkNote(note: string, verifiers: readonly NoteVerifier[], origin: string): NoteCheck {
  let text: string;
  try {
    text = openNote(note, verifiers).text;
  } catch (err) {
    return { ok: false, reason: reasonOf(err), size: claimedSize(note) };
  }
  let body;
  try {
    body = parseCheckpointBody(text);
  } catch {
    return { ok: false, reason: 'signed text is not a checkpoint', size: undefined };
  }
  const size = body.treeSize <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(body.treeSize) : undefined;
  if (body.origin !== origin) return { ok: false, reason: `origin "${body.origin}" is not "${origin}"`, size };
  if (size === undefined) return { ok: false, reason: 'tree size out of range', size };
  return { ok: true, size, root: Buffer.from(body.rootHash) };
}

/** Reads checkpoints in order, keeping only a page or two in memory. */
class CheckpointCursor {
  readonly #pages: AsyncIterator<SourceCheckpoint[]>;
  #buf: SourceCheckpoint[] = [];
  #head = 0;
  #exhausted = false;
  /** Largest row tree_size seen so far. */
  maxSize = -1;

  constructor(source: LedgerReadSource, from: number, pageSize: number) {
    if (source.checkpointPages) {
      this.#pages = source.checkpointPages(from, pageSize)[Symbol.asyncIterator]();
    } else {
      let done = false;
      this.#pages = {
        async next() {
          if (done) return { done: true, value: undefined };
          done = true;
          const all = await source.checkpoints();
          return { done: false, value: all.filter((c) => c.tree_size >= from) };
        },
      };
    }
  }

  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Ensures every checkpoint of size ≤ `size` is buffered, plus one beyond it when it exists. */
  async fillThrough(size: number): Promise<void> {
    while (!this.#exhausted && (this.#head >= this.#buf.length || this.#buf[this.#buf.length - 1]!.tree_size <= size)) {
      await this.loadPage();
    }
  }

  /** Reads one more page; false when there are no more. */
  async loadPage(): Promise<boolean> {
    if (this.#exhausted) return false;
    const r = await this.#pages.next();
    if (r.done) {
      this.#exhausted = true;
      return false;
    }
    if (this.#head > 0) {
      this.#buf = this.#buf.slice(this.#head);
      this.#head = 0;
    }
    for (const c of r.value) {
      this.#buf.push(c);
      if (c.tree_size > this.maxSize) this.maxSize = c.tree_size;
    }
    return true;
  }

  /** Size of the next unconsumed buffered checkpoint, or -1. */
  nextSize(): number {
    return this.#head < this.#buf.length ? this.#buf[this.#head]!.tree_size : -1;
  }

  take(): SourceCheckpoint | undefined {
    return this.#head < this.#buf.length ? this.#buf[this.#head++] : undefined;
  }
}

const ENTRY_KEYS = ['entry_type', 'payload', 'recorded_at', 'seq', 'stream_id', 'stream_prev'] as const;
const STREAM_PREV = /^sha256:[0-9a-f]{64}$/;
const RECORDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIELDS_PROBLEM = `entry fields are not exactly ${ENTRY_KEYS.join(', ')} in canonical order`;

/**
 * Why a parsed entry is not a well-formed ledger entry for its row, or
 * undefined. `knownTime` is a recorded_at already found well formed (entries
 * of a batch share it), to skip the pattern test.
 */
function shapeProblem(e: Record<string, unknown>, row: SourceEntry, knownTime: string): string | undefined {
  let i = 0;
  for (const key in e) {
    if (i >= 6 || key !== ENTRY_KEYS[i]) return FIELDS_PROBLEM;
    i += 1;
  }
  if (i !== 6) return FIELDS_PROBLEM;
  if (typeof e.stream_id !== 'string' || e.stream_id !== row.stream_id) return 'entry stream_id does not match its row';
  if (typeof e.entry_type !== 'string' || e.entry_type !== row.entry_type) return 'entry entry_type does not match its row';
  const payload = e.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'entry payload is not an object';
  const prev = e.stream_prev;
  if (prev !== null && typeof prev !== 'string') return 'entry stream_prev is not null or a sha256 reference';
  const at = e.recorded_at;
  if (typeof at !== 'string' || (at !== knownTime && !RECORDED_AT.test(at))) return 'entry recorded_at is not an ISO 8601 UTC timestamp';
  return undefined;
}

interface StreamHead {
  leaf: Uint8Array;
  seq: number;
}

interface PendingShift {
  row: number;
  claimed: number;
}

/** A page read ahead, with the digests / stored nodes asked for it. */
interface PreparedPage {
  page: SourceEntry[];
  /** Tree positions of the page's leaves: [from, to). */
  from: number;
  to: number;
  leafDigest: Promise<PageDigest> | undefined;
  nodeDigest: Promise<PageDigest> | undefined;
  storedNodes: Promise<SourceNode[]> | undefined;
}

function ignore(): void {}

/** True when a store's page digest equals the digest of `mine` (same count, same bytes). */
function digestMatches(d: PageDigest, mine: readonly Buffer[]): boolean {
  return d.count === mine.length && concatDigest(mine).equals(d.digest);
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** `ref === 'sha256:' + hex(hash)`, without building the string. */
function refEquals(ref: string, hash: Uint8Array): boolean {
  if (ref.length !== 71 || !ref.startsWith('sha256:')) return false;
  for (let k = 0, c = 7; k < 32; k++, c += 2) {
    const b = hash[k] as number;
    if (ref.charCodeAt(c) !== HEX_CODES[b >> 4] || ref.charCodeAt(c + 1) !== HEX_CODES[b & 15]) return false;
  }
  return true;
}

/** One verification run; see {@link verifyLedger}. */
class Verification {
  readonly #source: LedgerReadSource;
  readonly #src: Required<LedgerReadSource>;
  readonly #origin: string;
  readonly #verifiers: readonly NoteVerifier[];
  readonly #options: VerifyLedgerOptions;
  readonly #pageSize: number;
  readonly #fromSeq: number;
  readonly #problems: ProblemLog;
  /** Whether stored nodes are compared (the frontier then records finalised nodes). */
  readonly #record: boolean;
  readonly #digestLeaves: boolean;
  readonly #digestNodes: boolean;
  readonly #hasher = new LeafHasher();
  readonly #heads = new Map<string, StreamHead>();

  #trusted: { size: number; root: Buffer } | undefined;
  #trustedChecked = false;
  #start = 0;
  #frontier: VerifyFrontier;
  #cursor!: CheckpointCursor;
  #entriesChecked = 0;
  #checkpointsChecked = 0;
  #nodesChecked = 0;
  #expectedSeq = 0;
  #seqShift = 0;
  #pending: PendingShift | undefined;
  #insertedReported = false;
  /** Size of the last checkpoint whose signed root matched the tree (or the seeded start). */
  #lastMatchedSize = 0;
  /** Rows reported as holding another seq's entry: row → the seq it holds. */
  readonly #reorders = new Map<number, number>();

  constructor(source: LedgerReadSource, options: VerifyLedgerOptions) {
    this.#source = source;
    this.#src = source as Required<LedgerReadSource>;
    this.#origin = options.origin;
    this.#verifiers = options.verifiers;
    this.#options = options;
    this.#pageSize = Math.max(1, Math.floor(options.pageSize ?? 5_000));
    this.#fromSeq = Math.max(0, Math.floor(options.fromSeq ?? 0));
    this.#problems = new ProblemLog(options.maxProblems ?? 100);
    this.#record = typeof source.nodesCompletedBy === 'function';
    // Digest mode: the database hashes each page's stored leaf and node hashes;
    // their rows are fetched only for a page whose digest differs.
    this.#digestLeaves = typeof source.leafHashDigest === 'function' && typeof source.leafHashes === 'function';
    this.#digestNodes = this.#record && typeof source.nodeHashDigest === 'function';
    this.#frontier = new VerifyFrontier(this.#record);
  }

  #add(p: VerifyProblem, pos: number, rank: number): void {
    this.#problems.add(p, pos, rank);
  }

  #check(note: string): NoteCheck {
    return checkNote(note, this.#verifiers, this.#origin);
  }

  async run(): Promise<VerifyReport> {
    this.#checkTrusted();
    await this.#seed();
    this.#expectedSeq = this.#start;
    this.#cursor = new CheckpointCursor(this.#source, this.#start, this.#pageSize);
    // Size-0 checkpoints, the seeding checkpoint, a trusted checkpoint at the start.
    await this.#cursor.fillThrough(this.#start);
    this.#checkpointsAt(this.#start);
    await this.#scan();
    if (this.#pending) {
      // The last row: a shift unless it is the other half of a swap reported before.
      const p = this.#pending;
      this.#classify(p, this.#reorders.get(p.claimed) !== p.row);
    }
    await this.#checkEnd();
    return this.#report();
  }

  /** The trusted checkpoint comes first: it bounds everything else. */
  #checkTrusted(): void {
    const note = this.#options.trustedCheckpoint;
    if (note === undefined) return;
    const t = this.#check(note);
    if (t.ok) this.#trusted = { size: t.size, root: t.root };
    else {
      this.#add(
        { kind: 'checkpoint_signature', ...(t.size !== undefined ? { tree_size: t.size } : {}), message: `trusted checkpoint rejected: ${t.reason}` },
        -1,
        RANK_TRUSTED,
      );
    }
  }

  /**
   * For a partial verification, starts the tree at the latest validly signed
   * checkpoint ≤ fromSeq (and ≤ the trusted checkpoint) whose stored peaks fold
   * to its signed root; otherwise the whole log is recomputed from 0.
   */
  async #seed(): Promise<void> {
    const source = this.#source;
    if (this.#fromSeq === 0 || !source.latestCheckpointAtMost || !source.peaks) return;
    const seed = await source.latestCheckpointAtMost(this.#trusted ? Math.min(this.#fromSeq, this.#trusted.size) : this.#fromSeq);
    if (!seed || seed.tree_size === 0) return;
    const c = this.#check(seed.note);
    if (!c.ok || c.size !== seed.tree_size) return;
    const peaks = await source.peaks(c.size);
    if (
      peaks === undefined ||
      peaks.length !== rangeNodes(0, c.size).length ||
      !peaks.every((h) => h instanceof Uint8Array && h.length === 32) ||
      !foldPeaks(peaks).equals(c.root)
    ) {
      return;
    }
    this.#start = c.size;
    this.#lastMatchedSize = c.size;
    this.#frontier = VerifyFrontier.fromPeaks(c.size, peaks, this.#record);
  }

  /** Consumes the checkpoints of sizes ≤ `size`, comparing those of exactly `size` with the tree. */
  #checkpointsAt(size: number): void {
    const cursor = this.#cursor;
    while (cursor.nextSize() !== -1 && cursor.nextSize() <= size) {
      const cp = cursor.take() as SourceCheckpoint;
      if (cp.tree_size < size) continue; // below the seeded start
      const pos = Math.max(0, cp.tree_size - 1);
      const c = this.#check(cp.note);
      if (!c.ok) {
        this.#add({ kind: 'checkpoint_signature', tree_size: cp.tree_size, message: `checkpoint ${cp.tree_size}: ${c.reason}` }, pos, RANK_CHECKPOINT);
      } else if (c.size !== cp.tree_size) {
        this.#add(
          { kind: 'checkpoint_root_mismatch', tree_size: cp.tree_size, message: `checkpoint stored as tree size ${cp.tree_size} is signed for tree size ${c.size}` },
          pos,
          RANK_CHECKPOINT,
        );
      } else {
        this.#checkpointsChecked += 1;
        if (!this.#frontier.root().equals(c.root)) {
          const since = this.#lastMatchedSize;
          this.#add(
            {
              kind: 'checkpoint_root_mismatch',
              tree_size: cp.tree_size,
              message: `signed root of checkpoint ${cp.tree_size} differs from the root recomputed from the entries (changed in seq ${since}..${cp.tree_size - 1}${since > 0 ? `; checkpoint ${since} matched` : ''})`,
            },
            pos,
            RANK_CHECKPOINT,
          );
        } else this.#lastMatchedSize = cp.tree_size;
      }
    }
    const trusted = this.#trusted;
    if (trusted && !this.#trustedChecked && trusted.size === size) {
      this.#trustedChecked = true;
      if (!this.#frontier.root().equals(trusted.root)) {
        this.#add(
          { kind: 'fork', tree_size: trusted.size, message: `the trusted checkpoint's root at tree size ${trusted.size} differs from the log's: the log was rewritten (fork)` },
          Math.max(0, trusted.size - 1),
          RANK_TRUSTED,
        );
      }
    }
  }

  /** Reports a seq mismatch once the next row shows whether the shift persists. */
  #classify(p: PendingShift, consistent: boolean): void {
    const d = p.claimed - p.row;
    if (consistent) {
      this.#seqShift = d;
      if (d > 0) {
        this.#add({ kind: 'missing', seq: p.row, message: `entries ${p.row}..${p.claimed - 1} are missing (the entries after them were renumbered)` }, p.row, RANK_ENTRY);
      } else {
        this.#add(
          { kind: 'inserted', seq: p.claimed, message: `${-d} entr${d === -1 ? 'y was' : 'ies were'} inserted at seq ${p.claimed} (the entry at seq ${p.row} is entry ${p.claimed})` },
          p.claimed,
          RANK_ENTRY,
        );
      }
    } else {
      const at = Math.min(p.row, p.claimed);
      if (this.#reorders.size < 10_000) this.#reorders.set(p.row, p.claimed);
      this.#add({ kind: 'reordered', seq: at, message: `the entry stored at seq ${p.row} is entry ${p.claimed}` }, at, RANK_ENTRY);
    }
  }

  /** Reads, hashes and checks every entry page, a page ahead of the checks. */
  async #scan(): Promise<void> {
    const src = this.#src;
    const pages = this.#source.entries(this.#start, this.#pageSize, { leafHashes: !this.#digestLeaves })[Symbol.asyncIterator]();
    const total = this.#source.size ? Math.max(0, (await this.#source.size()) - this.#start) : undefined;
    let fetched = this.#start;
    // Each page's digests (or stored nodes) are asked for as soon as the page
    // arrives, while the previous page is being hashed.
    const prepare = async (): Promise<PreparedPage | undefined> => {
      const r = await pages.next();
      if (r.done) return undefined;
      const page = r.value;
      const from = fetched;
      fetched += page.length;
      const to = fetched;
      if (page.length === 0) return { page, from, to, leafDigest: undefined, nodeDigest: undefined, storedNodes: undefined };
      const firstSeq = page[0]!.seq;
      const lastSeq = page[page.length - 1]!.seq;
      const leafDigest = this.#digestLeaves && page[0]!.leaf_hash === undefined ? src.leafHashDigest(firstSeq, lastSeq) : undefined;
      const nodeDigest = this.#digestNodes ? src.nodeHashDigest(from, to) : undefined;
      const storedNodes = this.#record && !this.#digestNodes ? src.nodesCompletedBy(from, to) : undefined;
      // Awaited later; never an unhandled rejection in between.
      leafDigest?.catch(ignore);
      nodeDigest?.catch(ignore);
      storedNodes?.catch(ignore);
      return { page, from, to, leafDigest, nodeDigest, storedNodes };
    };
    try {
      // Two pages in flight: the database (another process for PostgreSQL)
      // reads ahead while this one hashes.
      const ahead: Array<Promise<PreparedPage | undefined>> = [];
      const enqueue = () => {
        const p = prepare();
        p.catch(ignore);
        ahead.push(p);
      };
      enqueue();
      enqueue();
      for (;;) {
        const prepared = await ahead.shift();
        if (!prepared) break;
        enqueue();
        const { page, from, to } = prepared;
        if (page.length === 0) continue;
        await this.#cursor.fillThrough(to);

        // Phase 1: hash and parse every entry of the page (once each).
        const leaves = new Array<Buffer>(page.length);
        const parsed = new Array<unknown>(page.length);
        for (let i = 0; i < page.length; i++) {
          const text = page[i]!.entry_jcs;
          leaves[i] = this.#hasher.hash(text);
          try {
            parsed[i] = JSON.parse(text);
          } catch {
            parsed[i] = undefined;
          }
        }
        // Phase 2: check them in order.
        let stored: 'same' | Array<Uint8Array | undefined> | undefined;
        if (prepared.leafDigest) {
          if (digestMatches(await prepared.leafDigest, leaves)) stored = 'same';
          else {
            const bySeq = new Map<number, Uint8Array>();
            for (const r of await src.leafHashes(page[0]!.seq, page[page.length - 1]!.seq)) bySeq.set(r.seq, r.leaf_hash);
            stored = page.map((r) => bySeq.get(r.seq));
          }
        }
        this.#processPage(page, leaves, parsed, stored);
        if (prepared.nodeDigest) {
          const fin = this.#frontier.takeFinalised();
          const mine: Buffer[] = [];
          for (const list of fin.hashes) if (list !== undefined) for (const h of list) mine.push(h);
          const d = await prepared.nodeDigest;
          if (digestMatches(d, mine)) this.#nodesChecked += d.count;
          else this.#compareNodes(fin, await src.nodesCompletedBy(from, to));
        } else if (prepared.storedNodes) {
          this.#compareNodes(this.#frontier.takeFinalised(), await prepared.storedNodes);
        }
        this.#options.onProgress?.(this.#entriesChecked, total);
      }
    } finally {
      await pages.return?.();
    }
  }

  /**
   * Checks one page. `leaves[i]` is row i's recomputed leaf, `parsed[i]` its
   * parsed text (undefined when not JSON); `stored` says what
   * the store committed: `'same'` (a page digest matched), per-row hashes, or
   * undefined (the rows' own `leaf_hash`).
   */
  #processPage(page: SourceEntry[], leaves: Buffer[], parsed: unknown[], stored: 'same' | ReadonlyArray<Uint8Array | undefined> | undefined): void {
    const cursor = this.#cursor;
    const frontier = this.#frontier;
    const heads = this.#heads;
    const trustedSize = this.#trusted ? this.#trusted.size : -1;
    const coverage = cursor.exhausted ? Math.max(cursor.maxSize, trustedSize) : Number.POSITIVE_INFINITY;
    const chainFromStart = this.#start === 0;
    let knownTime = '';
    for (let i = 0; i < page.length; i++) {
      const row = page[i]!;
      const seq = row.seq;
      const position = frontier.size;

      const expected = this.#expectedSeq;
      if (seq !== expected) {
        if (seq > expected) {
          this.#add(
            { kind: 'missing', seq: expected, message: seq - expected === 1 ? `entry ${expected} is missing` : `entries ${expected}..${seq - 1} are missing` },
            expected,
            RANK_ENTRY,
          );
        } else {
          this.#add({ kind: 'reordered', seq, message: `seq ${seq} appears after seq ${expected - 1}` }, seq, RANK_ENTRY);
        }
      }
      if (seq + 1 > expected) this.#expectedSeq = seq + 1;

      const leaf = leaves[i]!;
      const committedLeaf = stored === 'same' ? undefined : stored === undefined ? row.leaf_hash : stored[i];
      const edited = committedLeaf !== undefined && !leaf.equals(committedLeaf);
      const entry = parsed[i];
      const obj = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
      const claimed = obj !== undefined && Number.isSafeInteger(obj.seq) && (obj.seq as number) >= 0 ? (obj.seq as number) : undefined;

      if (this.#pending) {
        const p = this.#pending;
        this.#pending = undefined;
        this.#classify(p, claimed !== undefined && claimed - seq === p.claimed - p.row);
      }

      let streamId = row.stream_id;
      let head: StreamHead | undefined;
      if (edited) {
        this.#add(
          { kind: 'edited', seq, message: entry === undefined ? 'entry text is not valid JSON and does not match its leaf hash' : 'leaf hash does not match entry' },
          seq,
          RANK_ENTRY,
        );
        if (obj && typeof obj.stream_id === 'string') streamId = obj.stream_id;
        head = heads.get(streamId);
      } else if (obj === undefined) {
        this.#add({ kind: 'malformed_entry', seq, message: entry === undefined ? 'entry text is not valid JSON' : 'entry is not a JSON object' }, seq, RANK_ENTRY);
      } else {
        const shape = shapeProblem(obj, row, knownTime);
        if (shape !== undefined) this.#add({ kind: 'malformed_entry', seq, message: shape }, seq, RANK_ENTRY);
        else knownTime = obj.recorded_at as string;
        if (claimed === undefined) {
          if (shape === undefined) this.#add({ kind: 'malformed_entry', seq, message: 'entry seq is not a non-negative integer' }, seq, RANK_ENTRY);
        } else if (claimed - seq !== this.#seqShift) {
          this.#pending = { row: seq, claimed };
        }
        if (typeof obj.stream_id === 'string') streamId = obj.stream_id;
        const prev = obj.stream_prev;
        head = heads.get(streamId);
        if (head === undefined) {
          // A stream's first entry; after a seeded start its predecessor may lie before the start.
          if (prev !== null && (chainFromStart || typeof prev !== 'string' || !STREAM_PREV.test(prev))) {
            this.#add({ kind: 'stream_chain_broken', seq, message: `entry ${seq} has stream_prev but no earlier entry of stream "${streamId}" exists` }, seq, RANK_ENTRY);
          }
        } else if (typeof prev !== 'string' || !refEquals(prev, head.leaf)) {
          this.#add(
            { kind: 'stream_chain_broken', seq, message: `stream_prev of entry ${seq} is not the leaf hash of entry ${head.seq}, the previous entry of stream "${streamId}"` },
            seq,
            RANK_ENTRY,
          );
        }
      }

      // An edited entry's committed leaf (not its new text) is what the tree and
      // the chain continue from, so later findings are independent of this one.
      const committed = edited && committedLeaf.length === 32 ? Buffer.from(committedLeaf) : leaf;
      if (obj === undefined) head = heads.get(streamId);
      if (head) {
        head.leaf = committed;
        head.seq = seq;
      } else heads.set(streamId, { leaf: committed, seq });

      frontier.append(committed);
      this.#entriesChecked += 1;
      if (position >= coverage && !this.#insertedReported) {
        this.#insertedReported = true;
        this.#add({ kind: 'inserted', seq, message: `entries from seq ${seq} on are not covered by any checkpoint (appended outside the sequencer)` }, seq, RANK_ENTRY);
      }
      const size = position + 1;
      if (size === cursor.nextSize() || size === trustedSize) this.#checkpointsAt(size);
    }
  }

  #nodeProblem(level: number, index: number, what: string): void {
    const width = 2 ** level;
    const first = index * width;
    const last = first + width - 1;
    this.#add(
      { kind: 'node_mismatch', seq: first, level, index, message: `stored hash of subtree [${first}, ${last + 1}) (level ${level}, index ${index}) ${what}` },
      last,
      RANK_NODE,
    );
  }

  /** Compares the stored nodes completed by the page just hashed with the recomputed ones. */
  #compareNodes(fin: FinalisedNodes, stored: readonly SourceNode[]): void {
    for (const n of stored) {
      const list = fin.hashes[n.level];
      const first = fin.first[n.level];
      const off = list === undefined || first === undefined ? -1 : n.index - first;
      const mine = off >= 0 && list !== undefined && off < list.length ? list[off] : undefined;
      this.#nodesChecked += 1;
      if (mine === undefined) {
        this.#nodeProblem(n.level, n.index, 'is not a subtree of this page (unexpected stored node)');
        continue;
      }
      if (!mine.equals(n.hash)) this.#nodeProblem(n.level, n.index, 'differs from the hash recomputed from the entries');
      (list as Array<Buffer | undefined>)[off] = undefined;
    }
    for (let level = 1; level < fin.hashes.length; level++) {
      const list = fin.hashes[level];
      if (list === undefined) continue;
      const first = fin.first[level] as number;
      for (let k = 0; k < list.length; k++) if (list[k] !== undefined) this.#nodeProblem(level, first + k, 'is missing from the store');
    }
  }

  /** After the last entry: checkpoints and nodes beyond the log, the trusted checkpoint's size. */
  async #checkEnd(): Promise<void> {
    const end = this.#frontier.size;
    const cursor = this.#cursor;
    let beyond = 0;
    const verifyCap = this.#options.maxProblems ?? 100;
    for (;;) {
      const cp = cursor.take();
      if (!cp) {
        if (await cursor.loadPage()) continue;
        break;
      }
      if (cp.tree_size <= end) continue;
      beyond += 1;
      // Past the listing cap only the count matters: skip the signature work.
      const c = beyond <= verifyCap ? this.#check(cp.note) : undefined;
      if (c && !c.ok) {
        this.#add({ kind: 'checkpoint_signature', tree_size: cp.tree_size, message: `checkpoint ${cp.tree_size}: ${c.reason}` }, Math.max(0, cp.tree_size - 1), RANK_CHECKPOINT);
      } else {
        this.#add(
          { kind: 'checkpoint_beyond_log', tree_size: cp.tree_size, seq: end, message: `checkpoint ${cp.tree_size} is beyond the log's end: the log has ${end} entries (truncated)` },
          end,
          RANK_CHECKPOINT,
        );
      }
    }
    const trusted = this.#trusted;
    if (trusted && trusted.size > end) {
      this.#add(
        { kind: 'checkpoint_beyond_log', tree_size: trusted.size, seq: end, message: `the trusted checkpoint has ${trusted.size} entries but the log has ${end} (truncated)` },
        end,
        RANK_TRUSTED,
      );
    }
    if (this.#record) {
      const extra = await this.#src.nodesCompletedBy(end, undefined, 10);
      if (extra.length > 0) {
        const n = extra[0]!;
        this.#add(
          {
            kind: 'node_mismatch',
            level: n.level,
            index: n.index,
            seq: end,
            message: `${extra.length >= 10 ? '10 or more' : extra.length} stored subtree hash(es) lie beyond the log's end (${end}), e.g. level ${n.level} index ${n.index}`,
          },
          POS_AFTER_ALL,
          RANK_NODE,
        );
      }
    }
  }

  #report(): VerifyReport {
    const list = this.#problems.list();
    const end = this.#frontier.size;
    const trusted = this.#trusted;
    return {
      ok: this.#problems.count === 0,
      origin: this.#origin,
      from_seq: this.#fromSeq,
      started_at_seq: this.#start,
      entries_checked: this.#entriesChecked,
      checkpoints_checked: this.#checkpointsChecked,
      nodes_checked: this.#nodesChecked,
      tree_size: end,
      root_hash: end === 0 ? null : this.#frontier.root().toString('hex'),
      trusted_checkpoint: trusted ? { tree_size: trusted.size, root_hash: hex(trusted.root) } : null,
      first_problem: list[0] ?? null,
      problems: list,
      problem_count: this.#problems.count,
    };
  }
}

/**
 * Verifies a ledger read from `source`; see the module description. Never
 * throws for a bad ledger (only for a failing source): every finding is a
 * {@link VerifyProblem} in the report, the earliest in log order first.
 *
 * Findings are ordered by the log position at which they are known: an entry
 * problem at its seq, a subtree at its last leaf (reported with its first leaf
 * as `seq`), a checkpoint at its last leaf, truncation at the log's end. An
 * edited entry is reported once: the tree and its stream's chain continue from
 * its committed leaf hash, so later findings are independent of it (and
 * `root_hash` is the root over the committed leaves).
 *
 * @example
 * ```ts
 * const report = await verifyLedger(new StoreLedgerSource(store.db), { origin, verifiers: [v] });
 * report.ok; // true for an untouched ledger
 * ```
 */
export function verifyLedger(source: LedgerReadSource, options: VerifyLedgerOptions): Promise<VerifyReport> {
  return new Verification(source, options).run();
}

/**
 * One line describing a report's outcome, e.g.
 * `ledger verification FAILED at seq 42: edited (leaf hash does not match entry)`.
 *
 * @example
 * ```ts
 * console.log(formatVerifyOutcome(report));
 * // 'ledger verified: 300 entries, 12 checkpoints, tree size 300'
 * ```
 */
export function formatVerifyOutcome(report: VerifyReport): string {
  const p = report.first_problem;
  if (!p) return `ledger verified: ${report.entries_checked} entries, ${report.checkpoints_checked} checkpoints, tree size ${report.tree_size}`;
  const where = p.seq !== undefined && p.kind !== 'checkpoint_beyond_log' ? `seq ${p.seq}` : p.tree_size !== undefined ? `checkpoint ${p.tree_size}` : 'start';
  return `ledger verification FAILED at ${where}: ${p.kind} (${p.message})`;
}
