/**
 * Revocations in the store. Adding one writes its row and enqueues its ledger entry
 * in one transaction; a trigger (migration 007) announces it on the
 * `writ_revocations` NOTIFY channel in that same transaction, so replicas hear of it
 * exactly when it commits. Keys the keyring revokes (`keyring_keys.status =
 * 'revoked'`) count as kid revocations too.
 *
 * @module
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Clock } from '../../common/clock.ts';
import type { Keyring } from '../../crypto/keyring/keyring.ts';
import { WritError, isWritError } from '../../errors/writ-error.ts';
import { registerEntryTypes } from '../../ledger/entries/entry-types.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import { REVOCATION_ENTRY_TYPES } from './entry-types.ts';
import type { RevocationKind } from './revocation-view.ts';
import { revocationsDb, type RevocationsTable } from './tables.ts';

/** Ledger stream of every revocation. */
export const REVOCATIONS_STREAM = 'system.revocations';

/** NOTIFY channel the migration-007 triggers announce revocations on. */
export const REVOCATIONS_CHANNEL = 'writ_revocations';

registerEntryTypes(REVOCATION_ENTRY_TYPES);

/** The kinds, in the order `check` tests them. */
export const REVOCATION_KINDS: readonly RevocationKind[] = ['jti', 'kid', 'agent'];

/** A stored revocation. */
export interface Revocation {
  id: number;
  kind: RevocationKind;
  value: string;
  reason: string;
  actor: string;
  created_at: Date;
}

/** A revoked key of the keyring (listed with the revocations, `source: 'keyring'`). */
export interface KeyringRevocation {
  kid: string;
  reason: string | null;
  revoked_at: Date | null;
}

const VALUE_RULES: Readonly<Record<RevocationKind, { re: RegExp; what: string }>> = {
  jti: { re: /^[A-Za-z0-9._~:-]{1,256}$/, what: '1-256 characters of [A-Za-z0-9._~:-]' },
  kid: { re: /^[A-Za-z0-9_-]{1,128}$/, what: '1-128 characters of [A-Za-z0-9_-]' },
  // An agent_id (any text) or a spiffe_id; control characters are refused.
  agent: { re: /^[^\u0000-\u001f\u007f]{1,2048}$/u, what: '1-2048 characters, no control characters' },
};

/**
 * Refuses a value that cannot be a jti, kid or agent id (`BAD_REQUEST`).
 *
 * @example
 * ```ts
 * assertRevocationValue('kid', 'bad kid'); // throws BAD_REQUEST
 * ```
 */
export function assertRevocationValue(kind: RevocationKind, value: string): void {
  const rule = (VALUE_RULES as Record<string, { re: RegExp; what: string } | undefined>)[kind];
  if (!rule) throw new WritError('BAD_REQUEST', 'kind: expected jti, kid or agent');
  if (typeof value !== 'string' || !rule.re.test(value)) throw new WritError('BAD_REQUEST', `value: a ${kind} is ${rule.what}`);
  if (value.trim() !== value) throw new WritError('BAD_REQUEST', 'value: no leading or trailing spaces');
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const revocationOf = (r: Selectable<RevocationsTable>): Revocation => ({
  id: Number(r.id), kind: r.kind, value: r.value, reason: r.reason, actor: r.actor, created_at: toDate(r.created_at),
});

/** What adding a revocation needs. */
export interface RevocationContext {
  store: Store;
  clock: Clock;
  /** The authenticated caller (recorded as `actor`). */
  actor: string;
  /**
   * The keyring: revoking a kid through Writ also revokes that key in the keyring
   * (it signs nothing more), when the keyring holds it.
   */
  keyring?: Keyring;
}

/**
 * Revokes a jti, kid or agent: row + ledger entry (+ NOTIFY by trigger) in one
 * transaction. Idempotent: revoking what is already revoked returns the existing row
 * (`created: false`) and ledgers nothing. For a kid the keyring holds, the key is
 * then revoked in the keyring too (its own ledgered transaction; retried by a repeat).
 *
 * @example
 * ```ts
 * const { revocation, created } = await addRevocation({ store, clock, actor: 'admin', keyring }, { kind: 'jti', value: jti, reason: 'leaked in CI log' });
 * ```
 */
export async function addRevocation(
  ctx: RevocationContext,
  input: { kind: RevocationKind; value: string; reason: string },
): Promise<{ revocation: Revocation; created: boolean; keyRevoked: boolean }> {
  assertRevocationValue(input.kind, input.value);
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 500) throw new WritError('BAD_REQUEST', 'reason: 1-500 characters');
  const result = await ctx.store.transaction(async (trx) => {
    const db = revocationsDb(trx);
    const inserted = await db
      .insertInto('revocations')
      .values({ kind: input.kind, value: input.value, reason, actor: ctx.actor, created_at: ctx.clock.now() })
      .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await db.selectFrom('revocations').selectAll().where('kind', '=', input.kind).where('value', '=', input.value).executeTakeFirstOrThrow();
      return { revocation: revocationOf(existing), created: false };
    }
    const revocation = revocationOf(inserted);
    await enqueueInTransaction(trx, [{
      stream_id: REVOCATIONS_STREAM,
      entry_type: 'revocation.added',
      payload: { revocation_id: revocation.id, kind: revocation.kind, value: revocation.value, reason, actor: ctx.actor },
    }]);
    return { revocation, created: true };
  });
  let keyRevoked = false;
  if (input.kind === 'kid' && ctx.keyring) keyRevoked = await revokeInKeyring(ctx.keyring, input.value, reason, ctx.actor);
  return { ...result, keyRevoked };
}

/** Revokes `kid` in the keyring when it holds it and it is not revoked yet; true when this call did. */
async function revokeInKeyring(keyring: Keyring, kid: string, reason: string, actor: string): Promise<boolean> {
  try {
    const key = await keyring.get(kid);
    if (key.status === 'revoked') return false;
    await keyring.revoke(kid, reason, actor);
    return true;
  } catch (err) {
    // Not a key of this keyring, or revoked meanwhile: the revocation row stands either way.
    if (isWritError(err, 'KEY_NOT_FOUND') || isWritError(err, 'KEY_STATE_INVALID')) return false;
    throw err;
  }
}

/**
 * Lists revocations (oldest first) and the keys the keyring revoked.
 *
 * @example
 * ```ts
 * const { revocations, keyring } = await listRevocations(store.db, { kind: 'kid' });
 * ```
 */
export async function listRevocations(
  db: Kysely<Database>,
  options: { kind?: RevocationKind; limit?: number; afterId?: number } = {},
): Promise<{ revocations: Revocation[]; keyring: KeyringRevocation[] }> {
  let q = revocationsDb(db).selectFrom('revocations').selectAll().orderBy('id').limit(options.limit ?? 1000);
  if (options.kind) q = q.where('kind', '=', options.kind);
  if (options.afterId !== undefined) q = q.where('id', '>', options.afterId);
  const rows = await q.execute();
  const keys = options.kind === undefined || options.kind === 'kid'
    ? await db.selectFrom('keyring_keys').select(['kid', 'revocation_reason', 'revoked_at']).where('status', '=', 'revoked').orderBy('revoked_at').orderBy('kid').execute()
    : [];
  return {
    revocations: rows.map(revocationOf),
    keyring: keys.map((k) => ({ kid: k.kid, reason: k.revocation_reason, revoked_at: k.revoked_at ? toDate(k.revoked_at) : null })),
  };
}

/** Everything revoked, as one consistent snapshot (one statement). */
export interface RevocationSnapshot {
  /** Rows of `revocations`. */
  rows: Array<{ id: number; kind: RevocationKind; value: string }>;
  /** Kids the keyring revoked. */
  keyringKids: string[];
}

/**
 * Reads every revocation and every revoked keyring kid in one statement (one
 * snapshot), for a replica's full load.
 *
 * @example
 * ```ts
 * const snap = await readRevocationSnapshot(store.db);
 * ```
 */
export async function readRevocationSnapshot(db: Kysely<Database>): Promise<RevocationSnapshot> {
  const r = await sql<{ id: number | string | null; kind: RevocationKind; value: string }>`
    select id, kind, value from revocations
    union all
    select null, 'kid', kid from keyring_keys where status = 'revoked'`.execute(db);
  const snap: RevocationSnapshot = { rows: [], keyringKids: [] };
  for (const row of r.rows) {
    if (row.id === null) snap.keyringKids.push(row.value);
    else snap.rows.push({ id: Number(row.id), kind: row.kind, value: row.value });
  }
  return snap;
}

/**
 * Counts revocation rows and revoked keyring kids in one statement: the cheap
 * completeness check of a replica's view (both only ever grow).
 *
 * @example
 * ```ts
 * const { rows, keyringKids } = await countRevocations(store.db);
 * ```
 */
export async function countRevocations(db: Kysely<Database>): Promise<{ rows: number; keyringKids: number }> {
  const r = await sql<{ rows: number | string; kids: number | string }>`
    select (select count(*) from revocations) as rows,
           (select count(*) from keyring_keys where status = 'revoked') as kids`.execute(db);
  const row = r.rows[0];
  return { rows: Number(row?.rows ?? 0), keyringKids: Number(row?.kids ?? 0) };
}
