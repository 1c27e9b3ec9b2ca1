/**
 * Enforcement epochs over the store (DESIGN §3.8, §3.5 step 5).
 *
 * Stored states are `active` | `draining` | `deprecated` (migration 005); migration 007
 * adds `drain_until` and `grace_seconds`. Advancing makes N+1 active and N draining
 * until now + grace, and deprecates any epoch still draining from before. Reads map
 * stored states to wire states: `active`; `draining` ⇒ `drain` while now <
 * `drain_until`, else `deprecate` (its grace has expired); `deprecated` ⇒ `deprecate`.
 *
 * @module
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Clock } from '../../common/clock.ts';
import { WritError } from '../../errors/writ-error.ts';
import { registerEntryTypes } from '../../ledger/entries/entry-types.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import { EPOCH_ENTRY_TYPES } from './entry-types.ts';
import type { EpochStatus, EpochView, EpochWireState } from './epoch-view.ts';
import { epochsDb, type EpochsTable } from './tables.ts';

/** Ledger stream of epoch changes. */
export const EPOCHS_STREAM = 'system.epochs';

/** Default grace of a draining epoch (DESIGN §3.8). */
export const DEFAULT_EPOCH_GRACE_SECONDS = 60;

/** Longest grace an advance may give. */
export const MAX_EPOCH_GRACE_SECONDS = 86_400;

/** Serialises advances across replicas (transaction advisory lock). */
const EPOCH_LOCK = 0x57524550; // 'WREP'

registerEntryTypes(EPOCH_ENTRY_TYPES);

/**
 * Why an epoch reads as `deprecate`: its drain grace ran out
 * (`EPOCH_GRACE_EXPIRED`), or it was deprecated outright (`EPOCH_DEPRECATED`: a
 * later advance superseded it while it drained).
 */
export type DeprecationReason = 'EPOCH_GRACE_EXPIRED' | 'EPOCH_DEPRECATED';

/** {@link EpochStatus} with the reason of a `deprecate` (null otherwise). */
export interface EpochStatusDetail extends EpochStatus {
  deprecated_reason: DeprecationReason | null;
}

/** One epoch as listed by `GET /v1/epochs`. */
export interface EpochRecord extends EpochStatusDetail {
  stored_state: 'active' | 'draining' | 'deprecated';
  changed_at: Date;
  drain_until: Date | null;
}

type Row = Selectable<EpochsTable>;
const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

function statusOfRow(row: Row, now: Date, defaultGrace: number): EpochRecord {
  const drainUntil = row.drain_until === null ? null : toDate(row.drain_until);
  const base = { value: row.epoch, stored_state: row.state, changed_at: toDate(row.changed_at), drain_until: drainUntil };
  const grace = row.grace_seconds ?? defaultGrace;
  if (row.state === 'active') {
    return { ...base, state: 'active', grace_window_seconds: defaultGrace, grace_remaining_ms: defaultGrace * 1000, deprecated_reason: null };
  }
  if (row.state === 'draining') {
    const remaining = (drainUntil?.getTime() ?? 0) - now.getTime();
    return remaining > 0
      ? { ...base, state: 'drain', grace_window_seconds: grace, grace_remaining_ms: remaining, deprecated_reason: null }
      : { ...base, state: 'deprecate', grace_window_seconds: grace, grace_remaining_ms: remaining, deprecated_reason: 'EPOCH_GRACE_EXPIRED' };
  }
  // Deprecated in the store: its grace, if it had one, ended when it was deprecated or when it ran out.
  const endedAt = Math.min(drainUntil?.getTime() ?? Infinity, toDate(row.changed_at).getTime());
  const graceExpired = drainUntil !== null && drainUntil.getTime() <= toDate(row.changed_at).getTime();
  return {
    ...base,
    state: 'deprecate',
    grace_window_seconds: grace,
    grace_remaining_ms: Math.min(0, endedAt - now.getTime()),
    deprecated_reason: graceExpired ? 'EPOCH_GRACE_EXPIRED' : 'EPOCH_DEPRECATED',
  };
}

/** Options of {@link StoreEpochs}. */
export interface StoreEpochsOptions {
  store: Store;
  /** Grace reported for the active epoch and unknown ones (default 60 s). */
  graceSeconds?: number;
}

/**
 * The gateway's {@link EpochView} over `enforcement_epochs`. Every read hits the store
 * (one small indexed query); a failed read throws, which the gateway treats as DENY.
 *
 * @example
 * ```ts
 * const epochs = new StoreEpochs({ store, graceSeconds: config.epochGraceSeconds });
 * const s = await epochs.statusOf(claims.enforcement_epoch, clock.now());
 * if (s.state === 'drain' && s.grace_remaining_ms > 0) { … }
 * ```
 */
export class StoreEpochs implements EpochView {
  readonly #db: Kysely<Database>;
  readonly #grace: number;

  constructor(options: StoreEpochsOptions) {
    this.#db = options.store.db;
    this.#grace = options.graceSeconds ?? DEFAULT_EPOCH_GRACE_SECONDS;
  }

  /** The grace an advance gives by default. */
  get graceSeconds(): number {
    return this.#grace;
  }

  /** The state of `epoch` as of `now`; `unknown` when it never existed. */
  async statusOf(epoch: number, now: Date): Promise<EpochStatusDetail> {
    if (!Number.isSafeInteger(epoch) || epoch < 1) return this.#unknown(epoch);
    const row = await epochsDb(this.#db).selectFrom('enforcement_epochs').selectAll().where('epoch', '=', epoch).executeTakeFirst();
    if (!row) return this.#unknown(epoch);
    const { value, state, grace_window_seconds, grace_remaining_ms, deprecated_reason } = statusOfRow(row, now, this.#grace);
    return { value, state, grace_window_seconds, grace_remaining_ms, deprecated_reason };
  }

  #unknown(epoch: number): EpochStatusDetail {
    return { value: epoch, state: 'unknown', grace_window_seconds: this.#grace, grace_remaining_ms: 0, deprecated_reason: null };
  }

  /** The active epoch; `INTERNAL` when none is (fail closed). */
  async current(_now: Date): Promise<{ value: number; state: EpochWireState; grace_window_seconds: number }> {
    const row = await epochsDb(this.#db).selectFrom('enforcement_epochs').select('epoch').where('state', '=', 'active').orderBy('epoch', 'desc').limit(1).executeTakeFirst();
    if (!row) throw new WritError('INTERNAL', 'no active enforcement epoch');
    return { value: row.epoch, state: 'active', grace_window_seconds: this.#grace };
  }

  /** Every epoch, newest first, with its wire state as of `now`. */
  async list(now: Date): Promise<EpochRecord[]> {
    const rows = await epochsDb(this.#db).selectFrom('enforcement_epochs').selectAll().orderBy('epoch', 'desc').execute();
    return rows.map((r) => statusOfRow(r, now, this.#grace));
  }
}

/** What an advance changed. */
export interface EpochAdvance {
  epoch: number;
  previous: number;
  grace_seconds: number;
  drain_until: Date;
  /** Epochs that were still draining and are now deprecated. */
  deprecated: number[];
}

/**
 * Advances the enforcement epoch: N+1 active, N draining for `graceSeconds` (default
 * 60) from now, every epoch still draining deprecated, and an `epoch.advanced` ledger
 * entry, in one transaction serialised across replicas. Tokens issued afterwards
 * carry N+1.
 *
 * @example
 * ```ts
 * const adv = await advanceEpoch({ store, clock }, 'admin'); // { epoch: 2, previous: 1, … }
 * ```
 */
export async function advanceEpoch(
  deps: { store: Store; clock: Clock; graceSeconds?: number },
  actor: string,
  options: { graceSeconds?: number } = {},
): Promise<EpochAdvance> {
  const grace = options.graceSeconds ?? deps.graceSeconds ?? DEFAULT_EPOCH_GRACE_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_EPOCH_GRACE_SECONDS) {
    throw new WritError('BAD_REQUEST', `grace_seconds: a whole number from 0 to ${MAX_EPOCH_GRACE_SECONDS}`);
  }
  if (!actor.trim()) throw new WritError('BAD_REQUEST', 'an epoch advance needs an actor');
  return deps.store.transaction(async (trx) => {
    await sql`select pg_advisory_xact_lock(${EPOCH_LOCK})`.execute(trx);
    const db = epochsDb(trx);
    const now = deps.clock.now();
    const rows = await db.selectFrom('enforcement_epochs').selectAll().orderBy('epoch').execute();
    const active = rows.filter((r) => r.state === 'active').at(-1);
    if (!active) throw new WritError('INTERNAL', 'no active enforcement epoch');
    const next = Math.max(...rows.map((r) => r.epoch)) + 1;
    const drainUntil = new Date(now.getTime() + grace * 1000);
    const deprecated = rows.filter((r) => r.state === 'draining').map((r) => r.epoch);
    if (deprecated.length > 0) {
      await db.updateTable('enforcement_epochs').set({ state: 'deprecated', changed_at: now }).where('epoch', 'in', deprecated).execute();
    }
    await db.updateTable('enforcement_epochs').set({ state: 'draining', changed_at: now, drain_until: drainUntil, grace_seconds: grace }).where('epoch', '=', active.epoch).execute();
    await db.insertInto('enforcement_epochs').values({ epoch: next, state: 'active', changed_at: now, drain_until: null, grace_seconds: null }).execute();
    await enqueueInTransaction(trx, [{
      stream_id: EPOCHS_STREAM,
      entry_type: 'epoch.advanced',
      payload: { epoch: next, previous: active.epoch, grace_seconds: grace, drain_until: drainUntil.toISOString(), deprecated, actor },
    }]);
    return { epoch: next, previous: active.epoch, grace_seconds: grace, drain_until: drainUntil, deprecated };
  });
}
