/**
 * `POST /v1/decisions/{id}/token`: an attestation token for an allowed or approved
 * decision, requested by the workload the decision names, once every ledger entry of
 * the decision's stream is integrated. `token.issued` is ledgered with the jti and a
 * hash of the token; the token itself is never stored. Refusals are ledgered too.
 *
 * @module
 */
import { sha256Hex } from '../../crypto/hash.ts';
import { signCompactJws } from '../../crypto/jws/sign-compact.ts';
import { WritError } from '../../errors/writ-error.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import { getDecision } from '../decisions/decision-store.ts';
import { effectiveStatus, type DecisionStatus } from '../decisions/model.ts';
import { awaitLedger, type LedgerReceipt } from '../decisions/record-decision.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { engineDb } from '../tables.ts';
import { workloadMatches, type Workload } from '../workloads/workload-credentials.ts';
import { ATTESTATION_TOKEN_TYP, DEFAULT_TOKEN_TTL_S, attestationClaims, type AttestationClaims } from './claims.ts';

/**
 * Why a token was refused (stable codes, in the problem's `reason` and the ledger).
 *
 * @example
 * ```ts
 * const r: TokenRefusal = 'QUORUM_NOT_REACHED';
 * ```
 */
export type TokenRefusal =
  | 'QUORUM_NOT_REACHED'
  | 'DECISION_DENIED'
  | 'DECISION_REJECTED'
  | 'DECISION_EXPIRED'
  | 'DECISION_REVOKED'
  | 'WRONG_WORKLOAD'
  | 'LEDGER_NOT_COMMITTED';

const REFUSAL_BY_STATUS: Partial<Record<DecisionStatus, TokenRefusal>> = {
  pending_approval: 'QUORUM_NOT_REACHED',
  denied: 'DECISION_DENIED',
  rejected: 'DECISION_REJECTED',
  expired: 'DECISION_EXPIRED',
  revoked: 'DECISION_REVOKED',
};

/** Who asks for a token: a workload credential, or (dev/admin tooling) the admin. */
export type TokenRequester = { kind: 'workload'; workload: Workload } | { kind: 'admin' };

/** An issued token and where its `token.issued` entry landed. */
export interface IssuedToken {
  token: string;
  claims: AttestationClaims;
  ledger: LedgerReceipt;
}

/**
 * Issues an attestation token for a decision.
 *
 * @throws {WritError} `NOT_FOUND` for an unknown decision; `TOKEN_REFUSED` with a
 *   {@link TokenRefusal} reason otherwise refused.
 *
 * @example
 * ```ts
 * const { token, claims } = await issueToken(deps, 'dec_…', { kind: 'workload', workload });
 * ```
 */
export async function issueToken(deps: EngineDeps, decisionId: string, requester: TokenRequester, options: { ttlSeconds?: number } = {}): Promise<IssuedToken> {
  ensureEngineEntryTypes();
  const requestedBy = requester.kind === 'admin' ? 'admin' : requester.workload.credential_id;
  // Read the signing key outside the transaction: on PGlite the transaction holds the only connection.
  const signer = await deps.keyring.activeSigner('token');
  const outcome = await deps.store.transaction(async (trx) => {
    const stored = await getDecision(trx, decisionId, { forUpdate: true });
    if (!stored) throw new WritError('NOT_FOUND', 'no such decision');
    const d = stored.decision;
    const now = deps.clock.now();
    const status = effectiveStatus(d, now);
    // Another workload learns nothing about the decision's state.
    let refusal: TokenRefusal | undefined =
      requester.kind === 'workload' && !workloadMatches(requester.workload, stored.intent.execution_identity) ? 'WRONG_WORKLOAD' : REFUSAL_BY_STATUS[status];
    if (!refusal) {
      const pending = await trx.selectFrom('ledger_outbox').select('id').where('stream_id', '=', decisionId).limit(1).executeTakeFirst();
      if (pending) refusal = 'LEDGER_NOT_COMMITTED';
    }
    if (refusal) {
      const ids = await enqueueInTransaction(trx, [{ stream_id: decisionId, entry_type: 'token.refused', payload: { decision_id: decisionId, reason: refusal, requested_by: requestedBy } }]);
      return { refusal, ids };
    }
    const issuedAt = Math.floor(now.getTime() / 1000);
    const ttl = Math.min(options.ttlSeconds ?? DEFAULT_TOKEN_TTL_S, DEFAULT_TOKEN_TTL_S);
    const claims = attestationClaims({ decision: d, jti: Buffer.from(deps.ids.randomBytes(16)).toString('base64url'), kid: signer.kid, issuedAt, ttlSeconds: ttl });
    const token = await signCompactJws(signer, { typ: ATTESTATION_TOKEN_TYP }, claims);
    const tokenHash = `sha256:${sha256Hex(token)}`;
    await engineDb(trx)
      .insertInto('issued_tokens')
      .values({ jti: claims.jti, decision_id: decisionId, token_hash: tokenHash, kid: signer.kid, issued_at: new Date(issuedAt * 1000), expires_at: new Date(claims.exp * 1000) })
      .execute();
    const ids = await enqueueInTransaction(trx, [
      {
        stream_id: decisionId,
        entry_type: 'token.issued',
        payload: {
          decision_id: decisionId,
          decision_hash: d.decision_hash,
          jti: claims.jti,
          token_hash: tokenHash,
          kid: signer.kid,
          action_scope: claims.action_scope,
          exec_identity_hash: claims.exec_identity_hash,
          enforcement_epoch: claims.enforcement_epoch,
          issued_at: claims.issued_at,
          exp: claims.exp,
        },
      },
    ]);
    return { token, claims, ids };
  });
  const ledger = await awaitLedger(deps, outcome.ids);
  if ('refusal' in outcome) throw new WritError('TOKEN_REFUSED', 'token refused', { reason: outcome.refusal });
  return { token: outcome.token, claims: outcome.claims, ledger };
}
