/**
 * A gateway replica's in-memory view of revocations (DESIGN §3.8, §3.5 step 4).
 *
 * How the view is fed:
 * - **Full load** at start: every `revocations` row and every kid the keyring revoked,
 *   in one statement (one snapshot).
 * - **PostgreSQL LISTEN** (when `databaseUrl` is given) on a dedicated `pg` client,
 *   channel `writ_revocations`: the migration-007 triggers NOTIFY every new
 *   revocation row and every key the keyring marks revoked, in the committing
 *   transaction, so replicas hear of it at commit. The client reconnects on the next
 *   tick when it drops.
 * - **NATS** (when `natsUrl` is given), subject `writ.revocations`: {@link announce}
 *   publishes what this replica just committed; every replica applies what it hears.
 * - **In process**: {@link announce} applies a revocation this process committed right
 *   away (the only fast path on PGlite, where one process owns the store).
 * - **Periodic resync** every `resyncIntervalMs` (default 1 s): a completeness check,
 *   then a full load only when it fails.
 *
 * Completeness check: revocation rows are never changed or deleted (a trigger refuses
 * it) and keys are never un-revoked, so both sets only grow. The view keeps the ids
 * (and keyring kids) it learned from the database itself (loads, NOTIFY, its own
 * commits; never from NATS). Those were all committed before a check's query starts,
 * so they are a subset of what the query sees; when the database counts exactly as
 * many, the sets are equal and the view was complete at the instant the query was
 * sent. Otherwise a full load runs (and merges: the in-memory view only ever grows,
 * which is the fail-closed direction).
 *
 * Freshness: `age_ms` = now − the last instant the view was known complete (the start
 * of the last successful check or load), by the injected clock. When NATS is
 * configured it is part of the propagation contract: the view is also only as fresh
 * as the last successful NATS round trip (a PING/PONG `flush` each tick), so a replica
 * cut off from NATS goes stale within the bound even while PostgreSQL answers
 * (unset `WRIT_NATS_URL` to rely on PostgreSQL alone). `check` is in memory and
 * reports `stale` when `age_ms` exceeds the bound (default 5 s).
 *
 * Timers drive the loop in production; tests call {@link RevocationMesh.tick} or
 * {@link RevocationMesh.resyncNow} themselves (`resyncIntervalMs: 0`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.ts';
import type { Store } from '../../store/store.ts';
import {
  REVOCATIONS_CHANNEL, assertRevocationValue, countRevocations, readRevocationSnapshot, type Revocation,
} from './revocation-store.ts';
import type { RevocationCheck, RevocationKind, RevocationView } from './revocation-view.ts';

/** NATS subject revocations are published on. */
export const REVOCATIONS_SUBJECT = 'writ.revocations';

/** `age_ms` of a view that was never complete. */
export const NEVER_LOADED_AGE_MS = Number.MAX_SAFE_INTEGER;

/** Options of {@link RevocationMesh}. */
export interface RevocationMeshOptions {
  store: Store;
  clock: Clock;
  /** PostgreSQL URL for the dedicated LISTEN client (omit on PGlite, or to rely on resyncs). */
  databaseUrl?: string;
  /** NATS servers (`nats://host:4222`, comma-separated); omit for no NATS. */
  natsUrl?: string;
  natsSubject?: string;
  /** Bound beyond which the view is stale (default 5000 ms). */
  stalenessMs?: number;
  /** Period of the resync (and NATS heartbeat) loop; 0 runs no timer (tests tick by hand). Default 1000 ms. */
  resyncIntervalMs?: number;
  /** Bound of each database query, connect and NATS round trip of the loop (default min(2000, stalenessMs / 2)). */
  timeoutMs?: number;
  logger?: Logger;
}

/** A snapshot of the view's health, for health endpoints and `GET /v1/revocations`. */
export interface RevocationMeshStatus {
  loaded: boolean;
  age_ms: number;
  stale: boolean;
  staleness_ms: number;
  /** Last instant the view was known complete from the database. */
  complete_at: string | null;
  /** Last successful NATS round trip (null without NATS or before the first one). */
  nats_heartbeat_at: string | null;
  listen: 'up' | 'down' | 'off';
  nats: 'up' | 'down' | 'off';
  counts: Record<RevocationKind, number>;
}

/** Where an applied revocation came from. */
export type RevocationSource = 'load' | 'notify' | 'nats' | 'local';

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const KINDS = new Set<string>(['jti', 'kid', 'agent']);

/** Parses a NOTIFY / NATS message; undefined when it is not a valid revocation. */
function parseMessage(text: string): { id: number | null; kind: RevocationKind; value: string; keyring: boolean; origin: string | null } | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (m === null || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (typeof o.kind !== 'string' || !KINDS.has(o.kind) || typeof o.value !== 'string') return undefined;
  const kind = o.kind as RevocationKind;
  try {
    assertRevocationValue(kind, o.value);
  } catch {
    return undefined;
  }
  const id = typeof o.id === 'number' && Number.isSafeInteger(o.id) && o.id > 0 ? o.id : null;
  return { id, kind, value: o.value, keyring: o.source === 'keyring', origin: typeof o.origin === 'string' ? o.origin : null };
}

/**
 * One replica's revocation view. See the module comment for how it is fed and how
 * freshness is decided.
 *
 * @example
 * ```ts
 * const mesh = new RevocationMesh({ store, clock, databaseUrl: config.databaseUrl, natsUrl: config.natsUrl });
 * await mesh.start();
 * const r = mesh.check({ jti, kid, agent_id, spiffe_id }, clock.now());
 * if (r.stale) deny('REVOCATION_UNCERTAIN', 'STALE');
 * await mesh.stop();
 * ```
 */
export class RevocationMesh implements RevocationView {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #databaseUrl: string | undefined;
  readonly #natsUrl: string | undefined;
  readonly #subject: string;
  readonly #stalenessMs: number;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #log: Logger | undefined;
  /** Identifies this replica's own NATS messages. */
  readonly replicaId = randomBytes(8).toString('hex');

  readonly #sets: Record<RevocationKind, Set<string>> = { jti: new Set(), kid: new Set(), agent: new Set() };
  /** Row ids learned from the database itself (the completeness check counts them). */
  #dbIds = new Set<number>();
  /** Kids the keyring revoked, learned from the database itself. */
  #keyringKids = new Set<string>();
  /** While a full load runs: what arrived meanwhile (kept when the load rebuilds the id sets). */
  #during: { ids: Set<number>; kids: Set<string> } | undefined;

  #completeAt: number | undefined;
  #natsOkAt: number | undefined;
  #listenClient: pg.Client | undefined;
  #nc: NatsConnection | undefined;
  #natsConnected = false;
  #resyncChain: Promise<boolean> = Promise.resolve(true);
  #tickInFlight: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #listeners = new Set<(kind: RevocationKind, value: string, source: RevocationSource) => void>();
  readonly #stats = { checks: 0, fullLoads: 0, failures: 0 };

  constructor(options: RevocationMeshOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#databaseUrl = options.databaseUrl;
    this.#natsUrl = options.natsUrl;
    this.#subject = options.natsSubject ?? REVOCATIONS_SUBJECT;
    this.#stalenessMs = options.stalenessMs ?? 5000;
    this.#intervalMs = options.resyncIntervalMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? Math.min(2000, Math.max(1, Math.floor(this.#stalenessMs / 2)));
    this.#log = options.logger;
  }

  /** The staleness bound in ms. */
  get stalenessMs(): number {
    return this.#stalenessMs;
  }

  /** In-memory check (DESIGN §3.5 step 4): jti, then kid, then agent (agent_id or spiffe_id). */
  check(subject: { jti: string; kid: string; agent_id?: string | null; spiffe_id?: string | null }, now: Date): RevocationCheck {
    const age_ms = this.ageMs(now);
    const { jti, kid, agent } = this.#sets;
    let hit: RevocationCheck['hit'] = null;
    if (jti.has(subject.jti)) hit = 'TOKEN_REVOKED';
    else if (kid.has(subject.kid)) hit = 'KEY_REVOKED';
    else if ((subject.agent_id && agent.has(subject.agent_id)) || (subject.spiffe_id && agent.has(subject.spiffe_id))) hit = 'AGENT_REVOKED';
    return { hit, stale: age_ms > this.#stalenessMs, age_ms };
  }

  /** True when `value` of `kind` is in the view. */
  has(kind: RevocationKind, value: string): boolean {
    return this.#sets[kind].has(value);
  }

  /** ms since the view was last known complete (with NATS: and NATS last answered); never: {@link NEVER_LOADED_AGE_MS}. */
  ageMs(now: Date): number {
    let at = this.#completeAt;
    if (this.#natsUrl !== undefined) at = at === undefined || this.#natsOkAt === undefined ? undefined : Math.min(at, this.#natsOkAt);
    if (at === undefined) return NEVER_LOADED_AGE_MS;
    return Math.max(0, now.getTime() - at);
  }

  /** Health of the view as of `now`. */
  status(now: Date): RevocationMeshStatus {
    const age_ms = this.ageMs(now);
    return {
      loaded: this.#completeAt !== undefined,
      age_ms,
      stale: age_ms > this.#stalenessMs,
      staleness_ms: this.#stalenessMs,
      complete_at: this.#completeAt === undefined ? null : new Date(this.#completeAt).toISOString(),
      nats_heartbeat_at: this.#natsOkAt === undefined ? null : new Date(this.#natsOkAt).toISOString(),
      listen: this.#databaseUrl === undefined ? 'off' : this.#listenClient ? 'up' : 'down',
      nats: this.#natsUrl === undefined ? 'off' : this.#nc && this.#natsConnected ? 'up' : 'down',
      counts: { jti: this.#sets.jti.size, kid: this.#sets.kid.size, agent: this.#sets.agent.size },
    };
  }

  /** How many completeness checks passed, full loads ran, and resyncs failed (for metrics and tests). */
  get stats(): Readonly<{ checks: number; fullLoads: number; failures: number }> {
    return { ...this.#stats };
  }

  /** Calls `fn` for every revocation newly added to the view; returns the unsubscribe. */
  onApply(fn: (kind: RevocationKind, value: string, source: RevocationSource) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * Loads the view and starts the loop (when `resyncIntervalMs` > 0). Never throws for
   * an unreachable database or NATS: the view then stays stale until a tick succeeds.
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.tick();
    this.#schedule();
  }

  /** Stops the loop and closes the LISTEN client and the NATS connection. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#tickInFlight?.catch(() => undefined);
    const client = this.#listenClient;
    this.#listenClient = undefined;
    await client?.end().catch(() => undefined);
    const nc = this.#nc;
    this.#nc = undefined;
    this.#natsConnected = false;
    await nc?.close().catch(() => undefined);
  }

  #schedule(): void {
    if (!this.#running || this.#intervalMs <= 0) return;
    this.#timer = setTimeout(() => {
      void this.tick().catch(() => false).finally(() => this.#schedule());
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /**
   * One loop iteration: (re)connects the LISTEN client and NATS when configured and
   * down, runs a resync, and a NATS round trip. True when the resync (and, with NATS,
   * the round trip) succeeded, i.e. the freshness clock moved.
   */
  tick(): Promise<boolean> {
    const run = (async () => {
      await this.#ensureListener();
      await this.#ensureNats();
      const resynced = await this.resyncNow();
      const heartbeat = await this.#natsHeartbeat();
      return resynced && heartbeat;
    })();
    this.#tickInFlight = run;
    return run;
  }

  /**
   * Completeness check against the database, then a full load if it fails. Resolves
   * true on success (the freshness clock moves to the instant the query was sent),
   * false on failure (the clock does not move). Calls run one after another.
   */
  resyncNow(): Promise<boolean> {
    const next = this.#resyncChain.then(() => this.#resync());
    this.#resyncChain = next.catch(() => false);
    return next;
  }

  /** A full load (no completeness shortcut); true on success. */
  fullLoad(): Promise<boolean> {
    const next = this.#resyncChain.then(() => this.#fullLoad());
    this.#resyncChain = next.catch(() => false);
    return next;
  }

  async #resync(): Promise<boolean> {
    const knownRows = this.#dbIds.size;
    const knownKids = this.#keyringKids.size;
    const sentAt = this.#clock.now().getTime();
    let counts: { rows: number; keyringKids: number };
    try {
      counts = await withTimeout(countRevocations(this.#store.db), this.#timeoutMs, 'revocation count');
    } catch (err) {
      this.#log?.warn({ err }, 'revocation view: resync failed');
      this.#stats.failures += 1;
      return false;
    }
    if (this.#completeAt !== undefined && counts.rows === knownRows && counts.keyringKids === knownKids) {
      this.#stats.checks += 1;
      this.#markComplete(sentAt);
      return true;
    }
    return this.#fullLoad();
  }

  async #fullLoad(): Promise<boolean> {
    const sentAt = this.#clock.now().getTime();
    const during = { ids: new Set<number>(), kids: new Set<string>() };
    this.#during = during;
    try {
      const snap = await withTimeout(readRevocationSnapshot(this.#store.db), this.#timeoutMs, 'revocation load');
      const ids = new Set<number>(during.ids);
      const kids = new Set<string>(during.kids);
      for (const r of snap.rows) {
        ids.add(r.id);
        this.#add(r.kind, r.value, 'load');
      }
      for (const kid of snap.keyringKids) {
        kids.add(kid);
        this.#add('kid', kid, 'load');
      }
      // The id sets mirror the database (a restored, smaller table stops failing every
      // check); the revocation sets keep everything ever seen (fail closed).
      this.#dbIds = ids;
      this.#keyringKids = kids;
      this.#stats.fullLoads += 1;
      this.#markComplete(sentAt);
      return true;
    } catch (err) {
      this.#log?.warn({ err }, 'revocation view: full load failed');
      this.#stats.failures += 1;
      return false;
    } finally {
      if (this.#during === during) this.#during = undefined;
    }
  }

  #markComplete(at: number): void {
    if (this.#completeAt === undefined || at > this.#completeAt) this.#completeAt = at;
  }

  #add(kind: RevocationKind, value: string, source: RevocationSource): void {
    const set = this.#sets[kind];
    if (set.has(value)) return;
    set.add(value);
    for (const fn of this.#listeners) {
      try {
        fn(kind, value, source);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  #fromDatabase(id: number | null, kind: RevocationKind, value: string, keyring: boolean, source: RevocationSource): void {
    if (keyring) {
      this.#keyringKids.add(value);
      this.#during?.kids.add(value);
    } else if (id !== null) {
      this.#dbIds.add(id);
      this.#during?.ids.add(id);
    }
    this.#add(kind, value, source);
  }

  /**
   * Applies a revocation this process has just committed (in process: the fast path
   * on PGlite) and publishes it on NATS when configured.
   */
  announce(revocation: Pick<Revocation, 'id' | 'kind' | 'value'>): void {
    this.#fromDatabase(revocation.id, revocation.kind, revocation.value, false, 'local');
    const nc = this.#nc;
    if (nc) {
      try {
        nc.publish(this.#subject, JSON.stringify({ id: revocation.id, kind: revocation.kind, value: revocation.value, origin: this.replicaId }));
      } catch (err) {
        this.#log?.warn({ err }, 'revocation view: NATS publish failed (other replicas catch up on resync)');
      }
    }
  }

  #onNotify(payload: string | undefined): void {
    const m = payload === undefined ? undefined : parseMessage(payload);
    if (!m) {
      this.#log?.warn('revocation view: malformed NOTIFY payload ignored');
      return;
    }
    this.#fromDatabase(m.id, m.kind, m.value, m.keyring, 'notify');
  }

  #onNats(data: Uint8Array): void {
    const m = parseMessage(Buffer.from(data).toString('utf8'));
    if (!m) {
      this.#log?.warn('revocation view: malformed NATS message ignored');
      return;
    }
    if (m.origin === this.replicaId) return;
    // NATS is not the database: what it says is applied (fail closed) but never
    // counted as proof of completeness.
    this.#add(m.kind, m.value, 'nats');
  }

  async #ensureListener(): Promise<void> {
    if (this.#databaseUrl === undefined || this.#listenClient || !this.#running) return;
    const client = new pg.Client({
      connectionString: this.#databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: this.#timeoutMs,
      query_timeout: this.#timeoutMs,
    });
    const drop = (err?: unknown) => {
      if (this.#listenClient === client) {
        this.#listenClient = undefined;
        this.#log?.warn({ err }, 'revocation view: LISTEN connection lost; reconnecting on the next tick');
      }
      client.end().catch(() => undefined);
    };
    client.on('notification', (msg) => {
      if (msg.channel === REVOCATIONS_CHANNEL) this.#onNotify(msg.payload);
    });
    client.on('error', drop);
    client.on('end', () => drop());
    try {
      await client.connect();
      await client.query(`listen ${REVOCATIONS_CHANNEL}`);
      if (!this.#running) {
        await client.end().catch(() => undefined);
        return;
      }
      this.#listenClient = client;
    } catch (err) {
      this.#log?.warn({ err }, 'revocation view: cannot LISTEN (resyncs still run)');
      await client.end().catch(() => undefined);
    }
  }

  async #ensureNats(): Promise<void> {
    if (this.#natsUrl === undefined || this.#nc || !this.#running) return;
    try {
      const nc = await connect({
        servers: this.#natsUrl.split(',').map((s) => s.trim()).filter(Boolean),
        name: `writ-revocations-${this.replicaId}`,
        timeout: this.#timeoutMs,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        pingInterval: 10_000,
      });
      nc.subscribe(this.#subject, {
        callback: (err, msg) => {
          if (!err) this.#onNats(msg.data);
        },
      });
      await withTimeout(nc.flush(), this.#timeoutMs, 'NATS subscribe');
      if (!this.#running) {
        await nc.close().catch(() => undefined);
        return;
      }
      this.#nc = nc;
      this.#natsConnected = true;
      void (async () => {
        for await (const s of nc.status()) {
          if (s.type === 'disconnect' || s.type === 'error') this.#natsConnected = false;
          else if (s.type === 'reconnect') this.#natsConnected = true;
        }
      })().catch(() => undefined);
      void nc.closed().then(() => {
        if (this.#nc === nc) {
          this.#nc = undefined;
          this.#natsConnected = false;
        }
      });
    } catch (err) {
      this.#log?.warn({ err: { message: (err as Error).message } }, 'revocation view: cannot reach NATS');
    }
  }

  /** A NATS PING/PONG round trip; true on success or without NATS. */
  async #natsHeartbeat(): Promise<boolean> {
    if (this.#natsUrl === undefined) return true;
    const nc = this.#nc;
    if (!nc || !this.#natsConnected) return false;
    const sentAt = this.#clock.now().getTime();
    try {
      await withTimeout(nc.flush(), this.#timeoutMs, 'NATS round trip');
      if (this.#natsOkAt === undefined || sentAt > this.#natsOkAt) this.#natsOkAt = sentAt;
      return true;
    } catch (err) {
      this.#log?.warn({ err: { message: (err as Error).message } }, 'revocation view: NATS round trip failed');
      return false;
    }
  }
}
