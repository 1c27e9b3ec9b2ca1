/**
 * Step 9 of authorize_execution: an ALLOW is answered once its record is in the
 * outbox; the sequencer then integrates it. The sweeper marks authorizations
 * `committed` when their entry is in the log, and `compensated` when it was not
 * within the commit timeout (default 30 s): the jti is revoked, the compensation is
 * ledgered and `compensation_triggered` is emitted. It also flags any authorization
 * marked committed whose ledger entry is missing (`approved_without_committed_ledger`).
 *
 * @module
 */
import { sql } from 'kysely';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { ensureGatewayEntryTypes } from '../entry-types.ts';
import { authorizationEvent } from './authorization-event.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { gatewayDb } from '../tables.ts';

/** Default commit timeout (DESIGN §3.5 step 9). */
export const DEFAULT_COMMIT_TIMEOUT_MS = 30_000;

/** What one sweep did. */
export interface SweepResult {
  committed: number;
  compensated: string[];
  /** Authorizations marked committed without a ledger entry (must stay empty). */
  unbacked: string[];
}

/**
 * Periodic commit reconciliation for the gateway.
 *
 * @example
 * ```ts
 * const sweeper = new CommitSweeper(deps, { revokeJti: (jti) => revocations.add('jti', jti, 'commit timeout') });
 * sweeper.start();
 * ```
 */
export class CommitSweeper {
  readonly #deps: GatewayDeps;
  readonly #intervalMs: number;
  readonly #revokeJti: ((jti: string, reason: string) => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(deps: GatewayDeps, options: { intervalMs?: number; revokeJti?: (jti: string, reason: string) => Promise<void> } = {}) {
    this.#deps = deps;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#revokeJti = options.revokeJti;
  }

  /** Starts sweeping every interval. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.sweepOnce().catch((err: unknown) => this.#deps.logger?.warn({ err }, 'commit sweep failed; retrying')).finally(() => (this.#running = undefined));
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops sweeping (waits for a sweep in flight). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /**
   * One reconciliation pass as of the injected clock.
   *
   * @example
   * ```ts
   * clock.advance(31_000);
   * const { compensated } = await sweeper.sweepOnce();
   * ```
   */
  async sweepOnce(): Promise<SweepResult> {
    ensureGatewayEntryTypes();
    const deps = this.#deps;
    const now = deps.clock.now();
    const timeout = deps.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    const cutoff = new Date(now.getTime() - timeout);
    const committed = await sql<{ authorization_id: string }>`
      update authorizations a set state = 'committed', state_changed_at = ${now}
      from ledger_entries e
      where a.state = 'pending' and e.outbox_id = a.outbox_id
      returning a.authorization_id`.execute(deps.store.db);
    const late = await deps.store.transaction(async (trx) => {
      const rows = await sql<{ authorization_id: string; decision_id: string | null; decision_hash: string | null; token_jti: string | null; action_scope: string | null; region: string | null; agent_id: string | null; spiffe_id: string | null }>`
        update authorizations a set state = 'compensated', state_changed_at = ${now}
        where a.state = 'pending' and a.evaluated_at < ${cutoff}
          and not exists (select 1 from ledger_entries e where e.outbox_id = a.outbox_id)
        returning a.authorization_id, a.decision_id, a.decision_hash, a.token_jti, a.action_scope, a.region, a.agent_id, a.spiffe_id`.execute(trx);
      if (rows.rows.length > 0) {
        await enqueueInTransaction(
          trx,
          rows.rows.map((r) => ({
            stream_id: r.decision_id ?? 'system.gateway',
            entry_type: 'authorization.compensated',
            payload: { authorization_id: r.authorization_id, decision_hash: r.decision_hash, token_jti: r.token_jti, timeout_ms: timeout },
          })),
        );
      }
      return rows.rows;
    });
    for (const r of late) {
      if (r.token_jti && this.#revokeJti) await this.#revokeJti(r.token_jti, 'ledger commit timeout').catch((err: unknown) => deps.logger?.error({ err, authorization_id: r.authorization_id }, 'could not revoke the jti of a compensated authorization'));
      deps.logger?.error({ authorization_id: r.authorization_id, decision_hash: r.decision_hash }, 'authorization not committed in time: compensated');
      deps.events.emit(authorizationEvent(deps, r, 'compensation_triggered', { denial_code: 'LEDGER_COMMIT_TIMEOUT', details: { reason: 'COMPENSATED', timeout_ms: timeout } }));
    }
    if (late.length > 0) deps.ledger.notify();
    const unbacked = await gatewayDb(deps.store.db)
      .selectFrom('authorizations as a')
      .select('a.authorization_id')
      .where('a.state', '=', 'committed')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as e').select('e.seq').whereRef('e.outbox_id', '=', 'a.outbox_id'))))
      .limit(100)
      .execute();
    for (const u of unbacked) deps.logger?.error({ authorization_id: u.authorization_id, flag: 'approved_without_committed_ledger' }, 'authorization committed without a ledger entry');
    return { committed: committed.rows.length, compensated: late.map((r) => r.authorization_id), unbacked: unbacked.map((u) => u.authorization_id) };
  }
}
