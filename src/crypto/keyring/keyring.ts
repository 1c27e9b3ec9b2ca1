import { isUniqueViolation } from '../../store/pg-errors.ts';
import { calculateJwkThumbprint } from 'jose';
import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Clock } from '../../common/clock.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { KeyringKeysTable } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import type { KeyAlgorithm, KeyProvider, PublicJwk, Signer } from './key-provider.ts';

/** What a key is used for: attestation tokens, or ledger checkpoint notes. */
export type KeyPurpose = 'token' | 'ledger';

/** A key as the keyring reports it: public facts only. */
export interface KeyInfo {
  kid: string;
  alg: KeyAlgorithm;
  purpose: KeyPurpose;
  status: 'active' | 'retired' | 'revoked';
  provider: string;
  publicJwk: PublicJwk;
  createdAt: string;
  retiredAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

/** A JSON Web Key Set (RFC 7517 §5). */
export interface Jwks {
  keys: Array<PublicJwk & { kid: string; alg: KeyAlgorithm; use: 'sig' }>;
}

function toInfo(row: Selectable<KeyringKeysTable>): KeyInfo {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    kid: row.kid,
    alg: row.alg,
    purpose: row.purpose,
    status: row.status,
    provider: row.provider,
    publicJwk: row.public_jwk as PublicJwk,
    createdAt: new Date(row.created_at).toISOString(),
    retiredAt: iso(row.retired_at),
    revokedAt: iso(row.revoked_at),
    revocationReason: row.revocation_reason,
  };
}

/** A keyring change, reported inside the transaction that makes it (for the ledger). */
export type KeyringEvent =
  | { type: 'key.rotated'; kid: string; purpose: KeyPurpose; alg: KeyAlgorithm; retired_kid: string | null; actor: string }
  | { type: 'key.revoked'; kid: string; purpose: KeyPurpose; reason: string; actor: string };

/** Options of {@link Keyring}. */
export interface KeyringOptions {
  /**
   * Called inside the transaction of every rotation and revocation, so an audit
   * record (a ledger outbox entry) commits or rolls back with the change.
   */
  audit?: (trx: Transaction<Database>, event: KeyringEvent) => Promise<void>;
  store: Store;
  provider: KeyProvider;
  clock: Clock;
  /** Days an active key lives before {@link Keyring.rotateIfDue} replaces it. */
  rotationDays?: number;
}

/**
 * The signing keyring (DESIGN §3.8): per purpose one active key, older keys retired
 * (still verify) or revoked (verify nothing). `kid` is the key's RFC 7638 JWK
 * thumbprint. Private keys stay with the {@link KeyProvider}.
 *
 * @example
 * ```ts
 * const keyring = new Keyring({ store, provider: new LocalKeyProvider(mk.bytes), clock: systemClock });
 * await keyring.ensureActiveKey('token');
 * const signer = await keyring.activeSigner('token');
 * const jwks = await keyring.jwks();
 * ```
 */
export class Keyring {
  readonly #store: Store;
  readonly #provider: KeyProvider;
  readonly #clock: Clock;
  readonly #rotationDays: number;
  readonly #signers = new Map<string, Signer>();
  #audit: KeyringOptions['audit'];

  constructor(options: KeyringOptions) {
    this.#audit = options.audit;
    this.#store = options.store;
    this.#provider = options.provider;
    this.#clock = options.clock;
    this.#rotationDays = options.rotationDays ?? 30;
  }

  /** Every key, newest first, optionally of one purpose. */
  async list(purpose?: KeyPurpose): Promise<KeyInfo[]> {
    let q = this.#store.db.selectFrom('keyring_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid');
    if (purpose) q = q.where('purpose', '=', purpose);
    return (await q.execute()).map(toInfo);
  }

  /** One key by kid; KEY_NOT_FOUND when absent. */
  async get(kid: string): Promise<KeyInfo> {
    const row = await this.#store.db.selectFrom('keyring_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
    if (!row) throw new WritError('KEY_NOT_FOUND', `no key with kid ${kid}`);
    return toInfo(row);
  }

  /** The active key of a purpose, if any. */
  async active(purpose: KeyPurpose = 'token'): Promise<KeyInfo | undefined> {
    const row = await this.#activeRow(purpose);
    return row ? toInfo(row) : undefined;
  }

  #activeRow(purpose: KeyPurpose) {
    return this.#store.db
      .selectFrom('keyring_keys')
      .selectAll()
      .where('purpose', '=', purpose)
      .where('status', '=', 'active')
      .executeTakeFirst();
  }

  /** Returns the active key of a purpose, creating the first one when there is none. */
  async ensureActiveKey(purpose: KeyPurpose = 'token', alg: KeyAlgorithm = 'EdDSA'): Promise<KeyInfo> {
    const current = await this.active(purpose);
    if (current) return current;
    try {
      return (await this.rotate({ purpose, alg, onlyIfNone: true })).created;
    } catch (err) {
      // Another replica created it at the same moment.
      const now = await this.active(purpose);
      if (now) return now;
      throw err;
    }
  }

  /**
   * Creates a new active key and retires the previous active one, atomically.
   * Retired keys still verify tokens they signed; only revocation stops that.
   */
  /** Sets the audit hook (the ledger is built after the keyring it signs with). */
  setAudit(audit: KeyringOptions['audit']): void {
    this.#audit = audit;
  }

  async rotate(options: { purpose?: KeyPurpose; alg?: KeyAlgorithm; onlyIfNone?: boolean; actor?: string } = {}): Promise<{ created: KeyInfo; retired: KeyInfo | undefined }> {
    const purpose = options.purpose ?? 'token';
    const alg = options.alg ?? 'EdDSA';
    const created = await this.#provider.createKey(alg, (jwk) => calculateJwkThumbprint(jwk, 'sha256'));
    const now = this.#clock.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#store.transaction(async (trx) => {
          const retiredRows = options.onlyIfNone
            ? []
            : await trx
                .updateTable('keyring_keys')
                .set({ status: 'retired', retired_at: now })
                .where('purpose', '=', purpose)
                .where('status', '=', 'active')
                .returningAll()
                .execute();
          const row = await trx
            .insertInto('keyring_keys')
            .values({
              kid: created.kid,
              alg,
              purpose,
              status: 'active',
              provider: this.#provider.name,
              public_jwk: JSON.stringify(created.publicJwk),
              private_ref: created.privateRef,
              created_at: now,
              retired_at: null,
              revoked_at: null,
              revocation_reason: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await this.#audit?.(trx, {
            type: 'key.rotated',
            kid: row.kid,
            purpose,
            alg,
            retired_kid: retiredRows[0]?.kid ?? null,
            actor: options.actor ?? 'system',
          });
          return { created: toInfo(row), retired: retiredRows[0] ? toInfo(retiredRows[0]) : undefined };
        });
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 2 || options.onlyIfNone) throw err;
      }
    }
  }

  /** Rotates when the active key is older than the rotation period; returns the new key or null. */
  async rotateIfDue(purpose: KeyPurpose = 'token'): Promise<KeyInfo | null> {
    const current = await this.active(purpose);
    if (!current) return (await this.rotate({ purpose, onlyIfNone: true })).created;
    const ageMs = this.#clock.now().getTime() - Date.parse(current.createdAt);
    if (ageMs < this.#rotationDays * 86_400_000) return null;
    return (await this.rotate({ purpose, alg: current.alg })).created;
  }

  /**
   * Revokes a key: it signs nothing more and every token it signed is denied.
   * Revoking the active key leaves the purpose without one until the next rotation.
   */
  async revoke(kid: string, reason: string, actor = 'system'): Promise<KeyInfo> {
    if (!reason.trim()) throw new WritError('BAD_REQUEST', 'a revocation needs a reason');
    const row = await this.#store.transaction(async (trx) => {
      const r = await trx
        .updateTable('keyring_keys')
        .set({ status: 'revoked', revoked_at: this.#clock.now(), revocation_reason: reason })
        .where('kid', '=', kid)
        .where('status', '!=', 'revoked')
        .returningAll()
        .executeTakeFirst();
      if (r) await this.#audit?.(trx, { type: 'key.revoked', kid: r.kid, purpose: r.purpose, reason, actor });
      return r;
    });
    this.#signers.delete(kid);
    if (row) return toInfo(row);
    const existing = await this.get(kid); // KEY_NOT_FOUND when absent
    throw new WritError('KEY_STATE_INVALID', `key ${existing.kid} is already revoked`);
  }

  /** A signer for the active key of a purpose; KEY_NOT_FOUND when there is none. */
  async activeSigner(purpose: KeyPurpose = 'token'): Promise<Signer> {
    const row = await this.#activeRow(purpose);
    if (!row) throw new WritError('KEY_NOT_FOUND', `no active ${purpose} key`);
    const cached = this.#signers.get(row.kid);
    if (cached) return cached;
    const signer = await this.#provider.signer(row.kid, row.alg, row.private_ref);
    this.#signers.set(row.kid, signer);
    return signer;
  }

  /** The JWKS of active and retired keys of a purpose (revoked keys are left out). */
  async jwks(purpose: KeyPurpose = 'token'): Promise<Jwks> {
    const rows = await this.#store.db
      .selectFrom('keyring_keys')
      .selectAll()
      .where('purpose', '=', purpose)
      .where('status', 'in', ['active', 'retired'])
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
    return {
      keys: rows.map((r) => ({ ...(r.public_jwk as PublicJwk), kid: r.kid, alg: r.alg, use: 'sig' as const })),
    };
  }
}
