import type { WriteConfirmation } from '../../ledger/sequencer.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { gatewayDb } from '../tables.ts';

/**
 * An authorization as the execution adapter polls it: `pending` until its entry is in
 * the log, then `committed` with the inclusion proof and the checkpoint of the same
 * size; `compensated` when it missed the commit timeout; `denied` for a DENY.
 *
 * @example
 * ```ts
 * const s: AuthorizationStatus = { authorization_id: 'authz_…', verdict: 'ALLOW', state: 'committed', denial_code: null, reason: null, decision_hash: 'sha256:…', token_jti: '…', evaluated_at: '…', commit: confirmation };
 * ```
 */
export interface AuthorizationStatus {
  authorization_id: string;
  verdict: 'ALLOW' | 'DENY';
  state: 'pending' | 'committed' | 'compensated' | 'denied';
  denial_code: string | null;
  reason: string | null;
  decision_hash: string | null;
  token_jti: string | null;
  evaluated_at: string;
  /** For a committed authorization: where it is in the log, with proof and checkpoint. */
  commit: WriteConfirmation | null;
}

/**
 * Reads an authorization's status, or null when unknown. A pending one whose entry is
 * already integrated is reported committed (the sweeper catches up on its own).
 *
 * @example
 * ```ts
 * const s = await authorizationStatus(deps, 'authz_…');
 * ```
 */
export async function authorizationStatus(deps: Pick<GatewayDeps, 'store' | 'ledger'>, authorizationId: string): Promise<AuthorizationStatus | null> {
  const row = await gatewayDb(deps.store.db).selectFrom('authorizations').selectAll().where('authorization_id', '=', authorizationId).executeTakeFirst();
  if (!row) return null;
  let commit: WriteConfirmation | null = null;
  let state = row.state;
  if ((state === 'pending' || state === 'committed') && row.outbox_id !== null) {
    const entry = await deps.store.db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).where('outbox_id', '=', row.outbox_id).executeTakeFirst();
    if (entry) {
      const cp = await deps.store.db.selectFrom('ledger_checkpoints').select('tree_size').where('tree_size', '>', entry.seq).orderBy('tree_size').limit(1).executeTakeFirst();
      if (cp) {
        commit = await deps.ledger.confirmation(entry.seq, new Uint8Array(entry.leaf_hash), cp.tree_size, true);
        state = 'committed';
      }
    }
  }
  return {
    authorization_id: row.authorization_id,
    verdict: row.verdict,
    state,
    denial_code: row.denial_code,
    reason: row.reason,
    decision_hash: row.decision_hash,
    token_jti: row.token_jti,
    evaluated_at: new Date(row.evaluated_at).toISOString(),
    commit,
  };
}
