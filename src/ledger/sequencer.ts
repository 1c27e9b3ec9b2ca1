import { sql, type Insertable, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../common/clock.ts';
import type { Keyring } from '../crypto/keyring/keyring.ts';
import { WritError } from '../errors/writ-error.ts';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { signCheckpointAsync } from './checkpoint-signing.ts';
import { encodeEntry, hashRef, type LedgerEntry } from './entry.ts';
import { validateEntry, type EntryInput } from './entries/validate-entry.ts';
import { MerkleFrontier } from './merkle/frontier.ts';
import { inclusionProof } from './merkle/inclusion.ts';
import type { HashedNode } from './merkle/tree-math.ts';
import { StoreSubtreeReader, loadFrontier } from './store-subtree-reader.ts';

/** Advisory lock keys: leadership (session) and batch serialisation (transaction). */
const LEADER_LOCK = 0x57524c31; // 'WRL1'
const BATCH_LOCK = 0x57524c32; // 'WRL2'
/** How often the leader checks that its lock-holding session is alive. */
const LEADER_HEARTBEAT_MS = 500;

/** What an append returns once its entry is integrated and checkpointed. */
export interface WriteConfirmation {
  seq: number;
  leaf_hash: string;
  /** The signed checkpoint of the tree size the proof is for. */
  checkpoint: { tree_size: number; note: string };
  /** RFC 9162 §2.1.3 audit path, base64 hashes, for `seq` in a tree of `checkpoint.tree_size` (empty when not asked for). */
  inclusion_proof: string[];
}

/** Options of {@link LedgerSequencer}. */
export interface SequencerOptions {
  store: Store;
  keyring: Keyring;
  clock: Clock;
  /** Log identity: first line of every checkpoint and the note key name. */
  origin: string;
  /** Close a batch at this many entries (N). */
  maxBatchEntries?: number;
  /** Close a batch this many ms after the first pending entry was seen (T). */
  maxBatchDelayMs?: number;
  /** How often an idle sequencer looks at the outbox for entries enqueued elsewhere. */
  idlePollMs?: number;
  logger?: Logger;
}

interface PendingAppend {
  input: EntryInput;
  resolve: (r: Integrated) => void;
  reject: (err: unknown) => void;
  /** Set when the caller gave up; skipped if not yet taken into a batch. */
  cancelled: boolean;
}

interface Integrated {
  seq: number;
  leafHash: Uint8Array;
  treeSize: number;
  /** The checkpoint note of `treeSize`, when the integrating batch is known (saves a read). */
  note?: string;
}

/**
 * The ledger's single writer. Entries are enqueued into `ledger_outbox` (by
 * {@link enqueue}, or by any transaction with {@link enqueueInTransaction}); the
 * sequencer drains the outbox in batches (group commit): one transaction appends
 * the batch's entries and complete-subtree hashes, deletes the drained outbox
 * rows and stores a signed checkpoint of the new tree size. A crash at any point
 * rolls the whole batch back, so every committed outbox row is integrated exactly
 * once. Leadership: a PostgreSQL session advisory lock (PGlite: the process owns
 * the store); every batch also takes a transaction advisory lock and re-syncs the
 * frontier if another writer moved the tree.
 *
 * @example
 * ```ts
 * const seq = new LedgerSequencer({ store, keyring, clock: systemClock, origin: 'writ/abc' });
 * await seq.start();
 * const confirmation = await seq.append({ stream_id: 'system', entry_type: 'system.note', payload: { message: 'hi' } });
 * await seq.stop();
 * ```
 */
export class LedgerSequencer {
  readonly #store: Store;
  readonly #keyring: Keyring;
  readonly #clock: Clock;
  readonly #origin: string;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #idlePollMs: number;
  readonly #log: Logger | undefined;
  #frontier: MerkleFrontier | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #pendingWake = false;
  #leader = false;
  #releaseLeader: (() => void) | undefined;
  readonly #waiters = new Map<number, Array<(r: Integrated) => void>>();
  /** Direct appends on the leader: integrated without an outbox round trip. */
  #memory: PendingAppend[] = [];

  constructor(options: SequencerOptions) {
    this.#store = options.store;
    this.#keyring = options.keyring;
    this.#clock = options.clock;
    this.#origin = options.origin;
    this.#maxBatch = options.maxBatchEntries ?? 1000;
    this.#maxDelayMs = options.maxBatchDelayMs ?? 5;
    this.#idlePollMs = options.idlePollMs ?? 250;
    this.#log = options.logger;
  }

  /** The log origin. */
  get origin(): string {
    return this.#origin;
  }

  /** True while this process holds sequencer leadership. */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** Starts the drain loop (after winning leadership on PostgreSQL). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops the loop after the batch in flight; releases leadership. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#poke();
    await this.#loop;
    // Direct appends still queued: one last batch while leadership is held, then refuse the rest.
    if (this.#memory.length > 0) await this.drainOnce().catch(() => undefined);
    for (const p of this.#memory.splice(0)) p.reject(new WritError('LEDGER_UNAVAILABLE', 'ledger sequencer stopped'));
    this.#releaseLeader?.();
  }

  /**
   * Enqueues entries in their own transaction and returns their outbox ids.
   * Entries are validated first (allowlisted payload, no secrets).
   */
  async enqueue(inputs: readonly EntryInput[]): Promise<number[]> {
    const ids = await this.#store.transaction((trx) => enqueueInTransaction(trx, inputs));
    this.#poke();
    return ids;
  }

  /**
   * Tells the sequencer that outbox rows were committed elsewhere (by
   * {@link enqueueInTransaction}), so it drains now instead of at its next idle poll.
   */
  notify(): void {
    this.#poke();
  }

  /** Enqueues one entry and resolves with its write confirmation once integrated. */
  async append(input: EntryInput, options: { timeoutMs?: number; proof?: boolean } = {}): Promise<WriteConfirmation> {
    if (!this.#leader) {
      // Another replica sequences: go through the shared outbox.
      const [id] = await this.enqueue([input]);
      return this.waitFor(id as number, options);
    }
    // The leader batches direct appends in memory: nothing is written twice. An
    // entry is durable only once its confirmation arrives (like any failed write,
    // a crash before that loses only unconfirmed entries).
    validateEntry(input);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const integrated = await new Promise<Integrated>((resolve, reject) => {
      const pending: PendingAppend = { input, resolve, reject, cancelled: false };
      const timer = setTimeout(() => {
        pending.cancelled = true;
        reject(new WritError('LEDGER_COMMIT_TIMEOUT', `ledger: entry not integrated within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.resolve = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      pending.reject = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.#memory.push(pending);
      this.#poke();
    });
    return this.confirmation(integrated.seq, integrated.leafHash, integrated.treeSize, options.proof ?? true, integrated.note);
  }

  /**
   * Waits until the outbox row `outboxId` is integrated and returns the
   * confirmation; `LEDGER_COMMIT_TIMEOUT` after `timeoutMs` (default 30 s).
   * Works for rows enqueued by any transaction or replica.
   */
  async waitFor(outboxId: number, options: { timeoutMs?: number; proof?: boolean } = {}): Promise<WriteConfirmation> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const integrated = await new Promise<Integrated>((resolve, reject) => {
      let done = false;
      const finish = (r: Integrated) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        resolve(r);
      };
      const timer = setTimeout(() => {
        done = true;
        clearInterval(poll);
        reject(new WritError('LEDGER_COMMIT_TIMEOUT', `ledger: entry not integrated within ${timeoutMs} ms`));
      }, timeoutMs);
      const list = this.#waiters.get(outboxId) ?? [];
      list.push(finish);
      this.#waiters.set(outboxId, list);
      // Another replica may be the sequencer: look in the log too.
      const check = () => {
        this.#store.db
          .selectFrom('ledger_entries')
          .select(['seq', 'leaf_hash'])
          .where('outbox_id', '=', outboxId)
          .executeTakeFirst()
          .then(async (row) => {
            if (!row || done) return;
            const cp = await this.#store.db.selectFrom('ledger_checkpoints').select('tree_size').where('tree_size', '>', row.seq).orderBy('tree_size').limit(1).executeTakeFirst();
            if (cp) finish({ seq: row.seq, leafHash: new Uint8Array(row.leaf_hash), treeSize: cp.tree_size });
          })
          .catch(() => undefined);
      };
      const poll = setInterval(check, this.#leader ? 1000 : 50);
      check();
    }).finally(() => this.#waiters.delete(outboxId));
    return this.confirmation(integrated.seq, integrated.leafHash, integrated.treeSize, options.proof ?? true, integrated.note);
  }

  /** Builds a write confirmation: the checkpoint of `treeSize` and the proof against it. */
  async confirmation(seq: number, leafHash: Uint8Array, treeSize: number, withProof = true, note?: string): Promise<WriteConfirmation> {
    const cp = note
      ? { tree_size: treeSize, note }
      : await this.#store.db.selectFrom('ledger_checkpoints').select(['tree_size', 'note']).where('tree_size', '=', treeSize).executeTakeFirst();
    if (!cp) throw new WritError('LEDGER_INTEGRITY', `ledger: checkpoint of size ${treeSize} is missing`);
    const proof = withProof ? await inclusionProof(new StoreSubtreeReader(this.#store.db), seq, treeSize) : [];
    return {
      seq,
      leaf_hash: hashRef(leafHash),
      checkpoint: { tree_size: cp.tree_size, note: cp.note },
      inclusion_proof: proof.map((h) => Buffer.from(h).toString('base64')),
    };
  }

  /**
   * Integrates up to one batch from the outbox; returns how many entries it
   * appended (0 when the outbox was empty). Safe to call from several replicas.
   */
  async drainOnce(): Promise<number> {
    let taken: PendingAppend[] = [];
    // Read the signing key before the transaction: on PGlite the transaction holds the only connection.
    const signer = await this.#keyring.activeSigner('ledger');
    const key = await this.#keyring.get(signer.kid);
    return this.#batch(signer, key, (t) => (taken = t)).catch((err: unknown) => {
      // Nothing of the batch committed: direct appends go back to the front of the queue.
      this.#memory.unshift(...taken.filter((p) => !p.cancelled));
      throw err;
    });
  }

  async #batch(
    signer: Awaited<ReturnType<Keyring['activeSigner']>>,
    key: Awaited<ReturnType<Keyring['get']>>,
    onTaken: (t: PendingAppend[]) => void,
  ): Promise<number> {
    let staged: { frontier: MerkleFrontier; integrated: Array<[number | PendingAppend, Integrated]> } | undefined;
    const count = await this.#store.transaction(async (trx) => {
      await sql`select pg_advisory_xact_lock(${BATCH_LOCK})`.execute(trx);
      // Direct appends are taken before the outbox is read, so every outbox row that
      // committed before such an append was made is sequenced ahead of it. A batch
      // holds up to N of each.
      const taken = this.#memory.splice(0, this.#maxBatch).filter((p) => !p.cancelled);
      onTaken(taken);
      const outboxRows = await trx.selectFrom('ledger_outbox').select(['id', 'stream_id', 'entry_type', 'payload']).orderBy('id').limit(this.#maxBatch).execute();
      const rows: Array<{ id: number | null; stream_id: string; entry_type: string; payload: unknown; pending?: PendingAppend }> = [
        ...outboxRows,
        ...taken.map((p) => ({ id: null, stream_id: p.input.stream_id, entry_type: p.input.entry_type, payload: p.input.payload, pending: p })),
      ];
      if (rows.length === 0) return 0;
      const sizeRow = await sql<{ size: number }>`select coalesce(max(seq) + 1, 0)::bigint as size from ledger_entries`.execute(trx);
      const size = Number(sizeRow.rows[0]?.size ?? 0);
      const base = this.#frontier && this.#frontier.size === size ? this.#frontier : await loadFrontier(trx as unknown as Store['db'], size);
      const frontier = MerkleFrontier.fromPeaks(base.size, base.peaks().map((p) => p.hash));

      const streams = [...new Set(rows.map((r) => r.stream_id))];
      const heads = new Map<string, string>();
      // One index probe per stream (not a scan of each stream's history).
      const headRows = await sql<{ stream_id: string; leaf_hash: Uint8Array }>`
        select s.stream_id, e.leaf_hash
        from unnest(${streams}::text[]) as s(stream_id)
        cross join lateral (
          select leaf_hash from ledger_entries where stream_id = s.stream_id order by seq desc limit 1
        ) e`.execute(trx);
      for (const h of headRows.rows) heads.set(h.stream_id, hashRef(new Uint8Array(h.leaf_hash)));

      const recordedAt = this.#clock.now();
      const entryRows: Insertable<Database['ledger_entries']>[] = [];
      const nodes: HashedNode[] = [];
      const integrated: Array<[number | PendingAppend, Integrated]> = [];
      for (const r of rows) {
        const entry: LedgerEntry = {
          seq: frontier.size,
          stream_id: r.stream_id,
          entry_type: r.entry_type,
          payload: r.payload as Record<string, unknown>,
          stream_prev: heads.get(r.stream_id) ?? null,
          recorded_at: recordedAt.toISOString(),
        };
        const { jcs, leafHash } = encodeEntry(entry);
        heads.set(r.stream_id, hashRef(leafHash));
        for (const n of frontier.append(leafHash)) if (n.level > 0) nodes.push(n);
        entryRows.push({ seq: entry.seq, stream_id: entry.stream_id, entry_type: entry.entry_type, entry_jcs: jcs, leaf_hash: leafHash, outbox_id: r.id, recorded_at: recordedAt });
        integrated.push([r.pending ?? (r.id as number), { seq: entry.seq, leafHash, treeSize: 0 }]);
      }
      // 7 parameters a row: 5,000 rows stay far below PostgreSQL's 65,535-parameter limit.
      for (let i = 0; i < entryRows.length; i += 5000) await trx.insertInto('ledger_entries').values(entryRows.slice(i, i + 5000)).execute();
      for (let i = 0; i < nodes.length; i += 10000) {
        await trx.insertInto('ledger_nodes').values(nodes.slice(i, i + 10000).map((n) => ({ level: n.level, idx: n.index, hash: n.hash }))).execute();
      }
      if (outboxRows.length > 0) await trx.deleteFrom('ledger_outbox').where('id', 'in', outboxRows.map((r) => r.id)).execute();

      const root = frontier.root();
      const note = await signCheckpointAsync(signer, key.publicJwk, this.#origin, frontier.size, root);
      await trx.insertInto('ledger_checkpoints').values({ tree_size: frontier.size, root_hash: root, note, kid: signer.kid, created_at: recordedAt }).execute();
      for (const [, i] of integrated) {
        i.treeSize = frontier.size;
        i.note = note;
      }
      staged = { frontier, integrated };
      return rows.length;
    });
    if (staged) {
      // Only after COMMIT: the in-memory frontier moves and waiters are told.
      this.#frontier = staged.frontier;
      for (const [key, info] of staged.integrated) {
        if (typeof key === 'number') for (const w of this.#waiters.get(key) ?? []) w(info);
        else key.resolve(info);
      }
    }
    return count;
  }

  #poke(): void {
    this.#pendingWake = true;
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#pendingWake) {
      this.#pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        this.#pendingWake = false;
        done();
      };
    });
  }

  async #acquireLeadership(): Promise<boolean> {
    if (this.#store.kind === 'pglite') return true; // one process owns an embedded store
    return new Promise<boolean>((resolve) => {
      let settled = false;
      this.#store.db
        .connection()
        .execute(async (conn) => {
          const r = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${LEADER_LOCK}) as ok`.execute(conn);
          if (!r.rows[0]?.ok) {
            settled = true;
            resolve(false);
            return;
          }
          settled = true;
          resolve(true);
          // Hold the session (and so the lock) until released. A liveness query on the
          // held session notices when it died (server restart, network): the lock died
          // with it, so leadership is given up here and won again by the loop.
          await new Promise<void>((release, lost) => {
            const beat = setInterval(() => {
              sql`select 1`.execute(conn).catch((err: unknown) => {
                clearInterval(beat);
                lost(err);
              });
            }, LEADER_HEARTBEAT_MS);
            this.#releaseLeader = () => {
              clearInterval(beat);
              release();
            };
          });
          await sql`select pg_advisory_unlock(${LEADER_LOCK})`.execute(conn).catch(() => undefined);
        })
        .catch((err: unknown) => {
          this.#leader = false;
          this.#log?.warn({ err }, 'ledger sequencer lost its leadership connection');
          if (!settled) resolve(false);
        });
    });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      if (!this.#leader) {
        this.#leader = await this.#acquireLeadership();
        if (!this.#leader) {
          await this.#sleep(1000);
          continue;
        }
        this.#log?.info({ origin: this.#origin }, 'ledger sequencer leadership acquired');
      }
      try {
        const n = await this.drainOnce();
        if (n >= this.#maxBatch) continue;
        if (n === 0) await this.#sleep(this.#idlePollMs);
        else if (this.#maxDelayMs > 0) await this.#sleep(this.#maxDelayMs);
      } catch (err) {
        this.#log?.error({ err }, 'ledger sequencer batch failed; retrying');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.#leader = false;
  }
}

/**
 * Enqueues validated entries inside the caller's transaction, so they commit or
 * roll back with its other writes (the gateway's authorization record uses this).
 *
 * @example
 * ```ts
 * await store.transaction(async (trx) => {
 *   await trx.insertInto('…').values(…).execute();
 *   await enqueueInTransaction(trx, [{ stream_id: decisionId, entry_type: '…', payload }]);
 * });
 * ```
 */
export async function enqueueInTransaction(trx: Transaction<Database>, inputs: readonly EntryInput[]): Promise<number[]> {
  if (inputs.length === 0) return [];
  for (const input of inputs) validateEntry(input);
  const rows = await trx
    .insertInto('ledger_outbox')
    .values(inputs.map((i) => ({ stream_id: i.stream_id, entry_type: i.entry_type, payload: JSON.stringify(i.payload) })))
    .returning('id')
    .execute();
  return rows.map((r) => Number(r.id));
}
