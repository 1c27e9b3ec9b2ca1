/**
 * Approval rows and the nonce register. Approvals are written only together with
 * their ledger entry (callers pass the transaction); nonces are burnt in a write of
 * their own, so a refused attempt also burns its nonce.
 *
 * @module
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { engineDb, type ApprovalsTable } from '../tables.ts';
import type { ApprovalMethod, ApprovalVerdict } from './model.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An accepted approval or rejection (wire shape). */
export interface ApprovalRecord {
  approval_id: string;
  decision_id: string;
  decision_hash: string;
  approver: { iss: string; sub: string };
  /** The approver's groups that are required groups of the decision. */
  approver_groups: string[];
  verdict: ApprovalVerdict;
  method: ApprovalMethod;
  /** `sha256:` of the approval JWS or of the ID token. */
  signature_ref: string;
  /** `sha256:` of the approval nonce. */
  nonce_ref: string;
  issued_at: string;
  expires_at: string;
  recorded_at: string;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

function fromRow(r: Selectable<ApprovalsTable>): ApprovalRecord {
  const groups = (typeof r.approver_groups === 'string' ? JSON.parse(r.approver_groups) : r.approver_groups) as string[];
  return {
    approval_id: r.approval_id,
    decision_id: r.decision_id,
    decision_hash: r.decision_hash,
    approver: { iss: r.approver_iss, sub: r.approver_sub },
    approver_groups: groups,
    verdict: r.verdict,
    method: r.method,
    signature_ref: r.signature_ref,
    nonce_ref: r.nonce,
    issued_at: iso(r.issued_at),
    expires_at: iso(r.expires_at),
    recorded_at: iso(r.recorded_at),
  };
}

/**
 * Records a presented nonce (by its `sha256:` reference). True when it was new;
 * false when it had been presented before, for any decision. Atomic across replicas
 * (primary key); run it outside the approval's transaction so it stays burnt even
 * when the approval is refused.
 *
 * @example
 * ```ts
 * const fresh = await burnNonce(store.db, textRef(nonce), decisionId, clock.now());
 * ```
 */
export async function burnNonce(db: Db, nonceRef: string, decisionId: string, at: Date): Promise<boolean> {
  const row = await engineDb(db as Kysely<Database>)
    .insertInto('approval_nonces')
    .values({ nonce: nonceRef, decision_id: decisionId, seen_at: at })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Inserts an accepted approval.
 *
 * @example
 * ```ts
 * await insertApproval(trx, record);
 * ```
 */
export async function insertApproval(trx: Transaction<Database>, a: ApprovalRecord): Promise<void> {
  await engineDb(trx)
    .insertInto('approvals')
    .values({
      approval_id: a.approval_id,
      decision_id: a.decision_id,
      decision_hash: a.decision_hash,
      approver_iss: a.approver.iss,
      approver_sub: a.approver.sub,
      approver_groups: JSON.stringify(a.approver_groups),
      verdict: a.verdict,
      method: a.method,
      signature_ref: a.signature_ref,
      nonce: a.nonce_ref,
      issued_at: a.issued_at,
      expires_at: a.expires_at,
      recorded_at: a.recorded_at,
    })
    .execute();
}

/**
 * A decision's approvals by `recorded_at` (approvals recorded at the same instant
 * in no defined order; the ledger has the exact order).
 *
 * @example
 * ```ts
 * const approvals = await listApprovals(store.db, 'dec_…');
 * ```
 */
export async function listApprovals(db: Db, decisionId: string): Promise<ApprovalRecord[]> {
  const rows = await engineDb(db as Kysely<Database>)
    .selectFrom('approvals')
    .selectAll()
    .where('decision_id', '=', decisionId)
    .orderBy('recorded_at')
    .orderBy('approval_id')
    .execute();
  return rows.map(fromRow);
}
