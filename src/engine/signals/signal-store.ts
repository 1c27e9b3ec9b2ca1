/**
 * Signal changes and reads over the store. Every change writes its row and enqueues
 * its ledger entry in one transaction: if the entry is rejected (payload not
 * allowlisted, looks like a secret) the change rolls back.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../common/clock.ts';
import { cryptoIdSource, type IdSource } from '../../common/ids.ts';
import { WritError } from '../../errors/writ-error.ts';
import { registerEntryTypes } from '../../ledger/entries/entry-types.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import { SIGNAL_ENTRY_TYPES } from './entry-types.ts';
import {
  assertScopeName,
  normaliseScope,
  overrideExpiry,
  toPolicySignals,
  type CurrentSignals,
  type Hold,
  type HoldScopeKind,
  type Incident,
  type Override,
  type SignalState,
} from './model.ts';
import { signalsDb } from './tables.ts';

/** Ledger stream of every signal change. */
export const SIGNALS_STREAM = 'system.signals';

// The ledger accepts signal entries once this module is loaded.
registerEntryTypes(SIGNAL_ENTRY_TYPES);

/** What every signal change needs. */
export interface SignalContext {
  store: Store;
  clock: Clock;
  ids?: IdSource;
  /** The authenticated caller (recorded as `actor`); `admin` for the admin credential. */
  actor?: string;
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const toDateOrNull = (v: Date | string | null): Date | null => (v === null ? null : toDate(v));
const arr = (v: unknown): string[] => (typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[]));

type HoldRow = { hold_id: string; scope_kind: HoldScopeKind; target: string; reason: string; author: string; set_at: Date | string; cleared_at: Date | string | null; cleared_by: string | null };
type IncidentRow = { incident_id: string; targets: unknown; environments: unknown; reason: string; author: string; opened_at: Date | string; resolved_at: Date | string | null; resolved_by: string | null };
type OverrideRow = { override_id: string; targets: unknown; environments: unknown; reason: string; author: string; granted_at: Date | string; expires_at: Date | string };

const holdOf = (r: HoldRow): Hold => ({
  id: r.hold_id, scope_kind: r.scope_kind, target: r.target, reason: r.reason, author: r.author,
  set_at: toDate(r.set_at), cleared_at: toDateOrNull(r.cleared_at), cleared_by: r.cleared_by,
});
const incidentOf = (r: IncidentRow): Incident => ({
  id: r.incident_id, scope: { targets: arr(r.targets), environments: arr(r.environments) }, reason: r.reason, author: r.author,
  opened_at: toDate(r.opened_at), resolved_at: toDateOrNull(r.resolved_at), resolved_by: r.resolved_by,
});
const overrideOf = (r: OverrideRow): Override => ({
  id: r.override_id, scope: { targets: arr(r.targets), environments: arr(r.environments) }, reason: r.reason, author: r.author,
  granted_at: toDate(r.granted_at), expires_at: toDate(r.expires_at),
});

/**
 * Sets a phase hold on one target (resource id) or environment.
 *
 * @example
 * ```ts
 * const hold = await setHold({ store, clock }, { scope_kind: 'target', target: 'payments/prod', reason: 'release freeze', author: 'alice' });
 * ```
 */
export async function setHold(ctx: SignalContext, input: { scope_kind?: HoldScopeKind; target: string; reason: string; author: string }): Promise<Hold> {
  const scope_kind = input.scope_kind ?? 'target';
  assertScopeName(input.target, 'target');
  const hold: Hold = {
    id: (ctx.ids ?? cryptoIdSource).newId('hold'), scope_kind, target: input.target, reason: input.reason, author: input.author,
    set_at: ctx.clock.now(), cleared_at: null, cleared_by: null,
  };
  await ctx.store.transaction(async (trx) => {
    await signalsDb(trx).insertInto('signal_holds')
      .values({ hold_id: hold.id, scope_kind, target: hold.target, reason: hold.reason, author: hold.author, set_at: hold.set_at, cleared_at: null, cleared_by: null, clear_reason: null })
      .execute();
    await enqueueInTransaction(trx, [{
      stream_id: SIGNALS_STREAM, entry_type: 'signal.hold_set',
      payload: { hold_id: hold.id, scope_kind, target: hold.target, reason: hold.reason, author: hold.author, actor: ctx.actor ?? 'admin' },
    }]);
  });
  return hold;
}

/**
 * Clears a hold. Idempotent: clearing a cleared hold returns it unchanged and ledgers
 * nothing (`changed: false`). Unknown id: `NOT_FOUND`.
 *
 * @example
 * ```ts
 * const { hold, changed } = await clearHold({ store, clock }, 'hold_…', { author: 'alice' });
 * ```
 */
export async function clearHold(ctx: SignalContext, id: string, input: { author: string; reason?: string }): Promise<{ hold: Hold; changed: boolean }> {
  return ctx.store.transaction(async (trx) => {
    const db = signalsDb(trx);
    const now = ctx.clock.now();
    const updated = await db.updateTable('signal_holds')
      .set({ cleared_at: now, cleared_by: input.author, clear_reason: input.reason ?? null })
      .where('hold_id', '=', id).where('cleared_at', 'is', null)
      .returningAll().executeTakeFirst();
    if (!updated) {
      const existing = await db.selectFrom('signal_holds').selectAll().where('hold_id', '=', id).executeTakeFirst();
      if (!existing) throw new WritError('NOT_FOUND', `no hold ${id}`);
      return { hold: holdOf(existing), changed: false };
    }
    await enqueueInTransaction(trx, [{
      stream_id: SIGNALS_STREAM, entry_type: 'signal.hold_cleared',
      payload: { hold_id: id, author: input.author, ...(input.reason ? { reason: input.reason } : {}), actor: ctx.actor ?? 'admin' },
    }]);
    return { hold: holdOf(updated), changed: true };
  });
}

/**
 * Opens an incident on a scope (no targets and no environments: global).
 *
 * @example
 * ```ts
 * const inc = await openIncident({ store, clock }, { targets: ['payments/prod'], reason: 'db outage', author: 'bob' });
 * ```
 */
export async function openIncident(ctx: SignalContext, input: { targets?: readonly string[]; environments?: readonly string[]; reason: string; author: string }): Promise<Incident> {
  const scope = normaliseScope(input);
  const incident: Incident = {
    id: (ctx.ids ?? cryptoIdSource).newId('inc'), scope, reason: input.reason, author: input.author,
    opened_at: ctx.clock.now(), resolved_at: null, resolved_by: null,
  };
  await ctx.store.transaction(async (trx) => {
    await signalsDb(trx).insertInto('signal_incidents').values({
      incident_id: incident.id, targets: JSON.stringify(scope.targets), environments: JSON.stringify(scope.environments),
      reason: incident.reason, author: incident.author, opened_at: incident.opened_at, resolved_at: null, resolved_by: null, resolve_reason: null,
    }).execute();
    await enqueueInTransaction(trx, [{
      stream_id: SIGNALS_STREAM, entry_type: 'signal.incident_opened',
      payload: { incident_id: incident.id, targets: [...scope.targets], environments: [...scope.environments], reason: incident.reason, author: incident.author, actor: ctx.actor ?? 'admin' },
    }]);
  });
  return incident;
}

/**
 * Resolves an incident. Idempotent like {@link clearHold}.
 *
 * @example
 * ```ts
 * const { incident, changed } = await resolveIncident({ store, clock }, 'inc_…', { author: 'bob' });
 * ```
 */
export async function resolveIncident(ctx: SignalContext, id: string, input: { author: string; reason?: string }): Promise<{ incident: Incident; changed: boolean }> {
  return ctx.store.transaction(async (trx) => {
    const db = signalsDb(trx);
    const updated = await db.updateTable('signal_incidents')
      .set({ resolved_at: ctx.clock.now(), resolved_by: input.author, resolve_reason: input.reason ?? null })
      .where('incident_id', '=', id).where('resolved_at', 'is', null)
      .returningAll().executeTakeFirst();
    if (!updated) {
      const existing = await db.selectFrom('signal_incidents').selectAll().where('incident_id', '=', id).executeTakeFirst();
      if (!existing) throw new WritError('NOT_FOUND', `no incident ${id}`);
      return { incident: incidentOf(existing), changed: false };
    }
    await enqueueInTransaction(trx, [{
      stream_id: SIGNALS_STREAM, entry_type: 'signal.incident_resolved',
      payload: { incident_id: id, author: input.author, ...(input.reason ? { reason: input.reason } : {}), actor: ctx.actor ?? 'admin' },
    }]);
    return { incident: incidentOf(updated), changed: true };
  });
}

/**
 * Grants an override on a non-empty scope for `ttl_seconds` from the injected clock.
 *
 * @example
 * ```ts
 * const o = await grantOverride({ store, clock }, { targets: ['payments/prod'], ttl_seconds: 3600, reason: 'CHG-1 hotfix', author: 'carol' });
 * ```
 */
export async function grantOverride(
  ctx: SignalContext,
  input: { targets?: readonly string[]; environments?: readonly string[]; ttl_seconds: number; reason: string; author: string },
): Promise<Override> {
  const scope = normaliseScope(input, { allowGlobal: false });
  const granted_at = ctx.clock.now();
  const override: Override = {
    id: (ctx.ids ?? cryptoIdSource).newId('ovr'), scope, reason: input.reason, author: input.author,
    granted_at, expires_at: overrideExpiry(granted_at, input.ttl_seconds),
  };
  await ctx.store.transaction(async (trx) => {
    await signalsDb(trx).insertInto('signal_overrides').values({
      override_id: override.id, targets: JSON.stringify(scope.targets), environments: JSON.stringify(scope.environments),
      reason: override.reason, author: override.author, ttl_seconds: input.ttl_seconds, granted_at, expires_at: override.expires_at,
    }).execute();
    await enqueueInTransaction(trx, [{
      stream_id: SIGNALS_STREAM, entry_type: 'signal.override_granted',
      payload: {
        override_id: override.id, targets: [...scope.targets], environments: [...scope.environments], reason: override.reason,
        author: override.author, actor: ctx.actor ?? 'admin', ttl_seconds: input.ttl_seconds, expires_at: override.expires_at.toISOString(),
      },
    }]);
  });
  return override;
}

/**
 * Everything in force at `now`: uncleared holds, open incidents, unexpired overrides
 * (oldest first).
 *
 * @example
 * ```ts
 * const state = await readSignalState(store.db, clock.now());
 * ```
 */
export async function readSignalState(db: Kysely<Database>, now: Date): Promise<SignalState> {
  const sdb = signalsDb(db);
  const [holds, incidents, overrides] = await Promise.all([
    sdb.selectFrom('signal_holds').selectAll().where('cleared_at', 'is', null).orderBy('set_at').orderBy('hold_id').execute(),
    sdb.selectFrom('signal_incidents').selectAll().where('resolved_at', 'is', null).orderBy('opened_at').orderBy('incident_id').execute(),
    sdb.selectFrom('signal_overrides').selectAll().where('granted_at', '<=', now).where('expires_at', '>', now).orderBy('granted_at').orderBy('override_id').execute(),
  ]);
  return { holds: holds.map(holdOf), incidents: incidents.map(incidentOf), overrides: overrides.map(overrideOf) };
}

/**
 * The live signals policy evaluates at `now` ({@link PolicySignals} plus
 * `active_overrides`); expired overrides are excluded. A read failure throws: the
 * caller must not evaluate without signals (fail closed).
 *
 * @example
 * ```ts
 * const signals = await currentSignals(store.db, clock.now(), { trustedMcpServers: ['github'] });
 * ```
 */
export async function currentSignals(db: Kysely<Database>, now: Date, options: { trustedMcpServers?: readonly string[] } = {}): Promise<CurrentSignals> {
  return toPolicySignals(await readSignalState(db, now), now, options.trustedMcpServers ?? []);
}
