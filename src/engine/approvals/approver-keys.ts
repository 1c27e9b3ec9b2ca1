/**
 * Approver keys: public keys approvers sign approval JWS with (method `jws`). A key is
 * registered by an authenticated human and bound to that human's `iss`, `sub` and
 * groups at registration; its `kid` is the RFC 7638 thumbprint (SHA-256, base64url)
 * of the public JWK. Only OKP Ed25519 (EdDSA) and EC P-256 (ES256) public keys are
 * accepted; a JWK carrying private members is refused. Registration is ledgered as
 * `approver_key.registered` on the `system.approver_keys` stream.
 *
 * @module
 */
import { createPublicKey } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { calculateJwkThumbprint } from 'jose';
import { WritError } from '../../errors/writ-error.ts';
import type { HumanIdentity } from '../../identity/human-identity.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import type { Database } from '../../store/schema.ts';
import { awaitLedger, type LedgerReceipt } from '../decisions/record-decision.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { engineDb, type ApproverKeysTable } from '../tables.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The ledger stream approver key registrations go to. */
export const APPROVER_KEYS_STREAM = 'system.approver_keys';

/** Most groups a key may be bound to (the ledger payload's bound). */
export const MAX_APPROVER_GROUPS = 64;

/** Members that only a private (or symmetric) JWK has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const B64U_32 = /^[A-Za-z0-9_-]{43}$/;

/** A public approver JWK, reduced to its RFC 7638 required members. */
export type ApproverJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string } | { kty: 'EC'; crv: 'P-256'; x: string; y: string };

/** A registered approver key. */
export interface ApproverKey {
  kid: string;
  approver: { iss: string; sub: string };
  approver_groups: string[];
  alg: 'EdDSA' | 'ES256';
  public_jwk: ApproverJwk;
  registered_at: string;
  revoked_at: string | null;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

function fromRow(r: Selectable<ApproverKeysTable>): ApproverKey {
  const jwk = (typeof r.public_jwk === 'string' ? JSON.parse(r.public_jwk) : r.public_jwk) as ApproverJwk;
  const groups = (typeof r.approver_groups === 'string' ? JSON.parse(r.approver_groups) : r.approver_groups) as string[];
  return {
    kid: r.kid,
    approver: { iss: r.approver_iss, sub: r.approver_sub },
    approver_groups: groups,
    alg: r.alg === 'ES256' ? 'ES256' : 'EdDSA',
    public_jwk: jwk,
    registered_at: iso(r.registered_at),
    revoked_at: r.revoked_at === null ? null : iso(r.revoked_at),
  };
}

const badKey = (reason: string, message: string, cause?: unknown) => new WritError('BAD_REQUEST', message, { reason, ...(cause === undefined ? {} : { cause }) });

/**
 * Checks a submitted public JWK and reduces it to its required members.
 *
 * @throws {WritError} `BAD_REQUEST` with reason `PRIVATE_KEY_MATERIAL` (a private
 *   member such as `d`), `UNSUPPORTED_KEY` (not OKP Ed25519 / EC P-256, or an `alg` /
 *   `use` that does not fit) or `INVALID_KEY` (not a valid point).
 *
 * @example
 * ```ts
 * const { jwk, alg } = normalizeApproverJwk({ kty: 'OKP', crv: 'Ed25519', x: '…' });
 * ```
 */
export function normalizeApproverJwk(input: unknown): { jwk: ApproverJwk; alg: 'EdDSA' | 'ES256' } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badKey('UNSUPPORTED_KEY', 'public_jwk: expected a JWK object');
  const j = input as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => Object.hasOwn(j, m))) {
    throw badKey('PRIVATE_KEY_MATERIAL', 'public_jwk: contains private key material; send the public key only');
  }
  if (j.use !== undefined && j.use !== 'sig') throw badKey('UNSUPPORTED_KEY', 'public_jwk: use must be "sig"');
  let jwk: ApproverJwk;
  let alg: 'EdDSA' | 'ES256';
  if (j.kty === 'OKP' && j.crv === 'Ed25519' && typeof j.x === 'string' && B64U_32.test(j.x)) {
    jwk = { kty: 'OKP', crv: 'Ed25519', x: j.x };
    alg = 'EdDSA';
  } else if (j.kty === 'EC' && j.crv === 'P-256' && typeof j.x === 'string' && typeof j.y === 'string' && B64U_32.test(j.x) && B64U_32.test(j.y)) {
    jwk = { kty: 'EC', crv: 'P-256', x: j.x, y: j.y };
    alg = 'ES256';
  } else {
    throw badKey('UNSUPPORTED_KEY', 'public_jwk: expected an OKP Ed25519 or EC P-256 public key');
  }
  if (j.alg !== undefined && j.alg !== alg) throw badKey('UNSUPPORTED_KEY', `public_jwk: alg must be ${alg} for this key`);
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
  } catch (err) {
    throw badKey('INVALID_KEY', 'public_jwk: not a valid public key', err);
  }
  return { jwk, alg };
}

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of a public approver JWK: its kid.
 *
 * @example
 * ```ts
 * const kid = await approverKid(jwk);
 * ```
 */
export async function approverKid(jwk: ApproverJwk): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * Registers a public key for `human`. Registering the same key again by the same
 * human returns the existing registration (`created: false`, nothing ledgered).
 *
 * @throws {WritError} `BAD_REQUEST` for a key {@link normalizeApproverJwk} refuses, or
 *   (reason `TOO_MANY_GROUPS`) a human in more than {@link MAX_APPROVER_GROUPS} groups;
 *   `CONFLICT` (reason `KEY_REGISTERED_TO_ANOTHER_APPROVER`, or `KEY_REVOKED`).
 *
 * @example
 * ```ts
 * const { key, created } = await registerApproverKey(deps, request.human.identity, body.public_jwk);
 * ```
 */
export async function registerApproverKey(
  deps: EngineDeps,
  human: Pick<HumanIdentity, 'iss' | 'sub' | 'groups'>,
  publicJwk: unknown,
): Promise<{ key: ApproverKey; created: boolean; ledger: LedgerReceipt | null }> {
  ensureEngineEntryTypes();
  const { jwk, alg } = normalizeApproverJwk(publicJwk);
  const groups = [...new Set(human.groups)];
  if (groups.length > MAX_APPROVER_GROUPS) throw badKey('TOO_MANY_GROUPS', `approver is in more than ${MAX_APPROVER_GROUPS} groups`);
  const kid = await approverKid(jwk);
  const now = deps.clock.now();
  const outcome = await deps.store.transaction(async (trx) => {
    const inserted = await engineDb(trx)
      .insertInto('approver_keys')
      .values({ kid, approver_iss: human.iss, approver_sub: human.sub, approver_groups: JSON.stringify(groups), alg, public_jwk: JSON.stringify(jwk), registered_at: now, revoked_at: null })
      .onConflict((oc) => oc.column('kid').doNothing())
      .returning('kid')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await getApproverKey(trx, kid);
      if (!existing) throw new WritError('INTERNAL', 'approver key vanished during registration');
      if (existing.approver.iss !== human.iss || existing.approver.sub !== human.sub) {
        throw new WritError('CONFLICT', 'this key is registered to another approver', { reason: 'KEY_REGISTERED_TO_ANOTHER_APPROVER' });
      }
      if (existing.revoked_at !== null) throw new WritError('CONFLICT', 'this key was revoked', { reason: 'KEY_REVOKED' });
      return { key: existing, ids: [] as number[] };
    }
    const ids = await enqueueInTransaction(trx, [
      { stream_id: APPROVER_KEYS_STREAM, entry_type: 'approver_key.registered', payload: { kid, approver: { iss: human.iss, sub: human.sub }, approver_groups: groups, alg } },
    ]);
    const key: ApproverKey = { kid, approver: { iss: human.iss, sub: human.sub }, approver_groups: groups, alg, public_jwk: jwk, registered_at: now.toISOString(), revoked_at: null };
    return { key, ids };
  });
  if (outcome.ids.length === 0) return { key: outcome.key, created: false, ledger: null };
  const ledger = await awaitLedger(deps, outcome.ids);
  return { key: outcome.key, created: true, ledger };
}

/**
 * One approver key (revoked or not), or null.
 *
 * @example
 * ```ts
 * const key = await getApproverKey(store.db, kid);
 * ```
 */
export async function getApproverKey(db: Db, kid: string): Promise<ApproverKey | null> {
  const row = await engineDb(db as Kysely<Database>).selectFrom('approver_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/**
 * Registered approver keys, oldest first; optionally only one approver's.
 *
 * @example
 * ```ts
 * await listApproverKeys(store.db, { iss, sub });
 * ```
 */
export async function listApproverKeys(db: Db, filter: { iss?: string; sub?: string } = {}): Promise<ApproverKey[]> {
  let q = engineDb(db as Kysely<Database>).selectFrom('approver_keys').selectAll();
  if (filter.iss !== undefined) q = q.where('approver_iss', '=', filter.iss);
  if (filter.sub !== undefined) q = q.where('approver_sub', '=', filter.sub);
  const rows = await q.orderBy('registered_at').orderBy('kid').limit(1000).execute();
  return rows.map(fromRow);
}
