/**
 * Storing policy bundles: immutable and hash-addressed (invariant 5).
 *
 * - {@link storeBundle} re-checks the bundle completely (a bundle that fails validation
 *   is never stored), then inserts its canonical text; storing the same bundle again is
 *   a no-op, and the database refuses any UPDATE or DELETE.
 * - {@link getBundle} reads a bundle back, verifies that its text still hashes to its
 *   key, and compiles it (cached per hash: the content behind a hash never changes).
 * - {@link setActiveBundle} moves the active pointer. It is a plain function: the
 *   governed `policy.activate` path calls it inside its own transaction.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { canonicalize } from '../crypto/jcs.ts';
import { hashCanonical, isSha256Ref } from '../crypto/hash.ts';
import { WritError } from '../errors/writ-error.ts';
import type { Database } from '../store/schema.ts';
import { checkBundleDocument, type CompiledBundle } from './compile-bundle.ts';
import { PolicyBundleInvalidError } from './problems.ts';

/**
 * A store handle or a transaction on it.
 *
 * @example
 * ```ts
 * const db: PolicyDb = store.db; // or the trx of store.transaction(async (trx) => …)
 * ```
 */
export type PolicyDb = Kysely<Database> | Transaction<Database>;

/**
 * The active bundle and since when.
 *
 * @example
 * ```ts
 * const active: ActiveBundle | null = await getActiveBundle(store.db);
 * ```
 */
export interface ActiveBundle {
  policy_bundle_hash: string;
  activated_at: Date;
  bundle: CompiledBundle;
}

/** Compiled bundles by hash: the content behind a hash never changes, so compiling once is enough. */
const compiled = new Map<string, CompiledBundle>();


function requireRef(hash: string): void {
  if (!isSha256Ref(hash)) throw new WritError('BAD_REQUEST', 'policy_bundle_hash must be sha256: followed by 64 lowercase hex digits');
}

/**
 * Stores a compiled bundle. The bundle is checked again (and its hash recomputed), so
 * nothing invalid or mislabelled is ever stored. Returns whether a row was written
 * (false: the same bundle was already stored).
 *
 * @throws {PolicyBundleInvalidError} when the document has problems or its hash differs.
 * @throws {WritError} `INTERNAL` when a stored row under the same hash has other content.
 *
 * @example
 * ```ts
 * const { stored, policy_bundle_hash } = await storeBundle(store.db, loadBundleDir('policies/default'), clock.now());
 * ```
 */
export async function storeBundle(db: PolicyDb, bundle: CompiledBundle, storedAt: Date): Promise<{ stored: boolean; policy_bundle_hash: string }> {
  const check = checkBundleDocument(bundle.document);
  if (!check.bundle || check.problems.length > 0) throw new PolicyBundleInvalidError(check.problems);
  const hash = check.bundle.policy_bundle_hash;
  if (hash !== bundle.policy_bundle_hash) {
    throw new PolicyBundleInvalidError([{ file: '(document)', message: `policy_bundle_hash ${bundle.policy_bundle_hash} does not match the document (${hash})` }]);
  }
  const jcs = canonicalize(bundle.document);
  const inserted = await db
    .insertInto('policy_bundles')
    .values({
      policy_bundle_hash: hash,
      bundle_id: bundle.document.manifest.id,
      version: bundle.document.manifest.version,
      document_jcs: jcs,
      stored_at: storedAt,
    })
    .onConflict((oc) => oc.column('policy_bundle_hash').doNothing())
    .returning('policy_bundle_hash')
    .executeTakeFirst();
  if (inserted) {
    compiled.set(hash, check.bundle);
    return { stored: true, policy_bundle_hash: hash };
  }
  const existing = await db.selectFrom('policy_bundles').select('document_jcs').where('policy_bundle_hash', '=', hash).executeTakeFirst();
  if (existing?.document_jcs !== jcs) throw new WritError('INTERNAL', `stored policy bundle ${hash} differs from the bundle with the same hash`);
  return { stored: false, policy_bundle_hash: hash };
}

/**
 * Reads and compiles a stored bundle, or null when no bundle has this hash.
 *
 * @throws {WritError} `INTERNAL` when the stored text no longer hashes to its key or no
 *   longer compiles (evaluation must then fail closed).
 *
 * @example
 * ```ts
 * const bundle = await getBundle(store.db, 'sha256:…');
 * if (bundle) evaluateIntent(bundle, input);
 * ```
 */
export async function getBundle(db: PolicyDb, hash: string): Promise<CompiledBundle | null> {
  requireRef(hash);
  const cached = compiled.get(hash);
  if (cached) {
    // The compile cache is keyed by content; whether this store holds the bundle is asked every time.
    const present = await db.selectFrom('policy_bundles').select('policy_bundle_hash').where('policy_bundle_hash', '=', hash).executeTakeFirst();
    return present ? cached : null;
  }
  const row = await db.selectFrom('policy_bundles').select('document_jcs').where('policy_bundle_hash', '=', hash).executeTakeFirst();
  if (!row) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(row.document_jcs);
  } catch (err) {
    throw new WritError('INTERNAL', `stored policy bundle ${hash} is not JSON`, { cause: err });
  }
  if (hashCanonical(doc) !== hash || canonicalize(doc) !== row.document_jcs) {
    throw new WritError('INTERNAL', `stored policy bundle ${hash} does not match its hash`);
  }
  const check = checkBundleDocument(doc);
  if (!check.bundle) {
    throw new WritError('INTERNAL', `stored policy bundle ${hash} no longer compiles`, { cause: new PolicyBundleInvalidError(check.problems) });
  }
  compiled.set(hash, check.bundle);
  return check.bundle;
}

/**
 * The active bundle, or null when none was ever activated.
 *
 * @example
 * ```ts
 * const active = await getActiveBundle(store.db);
 * active?.bundle.document.manifest.version; // '1.0.0'
 * ```
 */
export async function getActiveBundle(db: PolicyDb): Promise<ActiveBundle | null> {
  const row = await db.selectFrom('policy_active').select(['policy_bundle_hash', 'activated_at']).executeTakeFirst();
  if (!row) return null;
  const bundle = await getBundle(db, row.policy_bundle_hash);
  if (!bundle) throw new WritError('INTERNAL', `active policy bundle ${row.policy_bundle_hash} is not stored`);
  return { policy_bundle_hash: row.policy_bundle_hash, activated_at: new Date(row.activated_at), bundle };
}

/**
 * Makes a stored bundle the active one, in the caller's transaction, and returns the
 * previously active hash. Not governed by itself: the `policy.activate` decision path
 * calls it (with the ledger entry in the same transaction). Every change is also
 * appended to `policy_activation_history` (with the decision that made it, if any).
 *
 * @throws {WritError} `NOT_FOUND` when no bundle with this hash is stored.
 *
 * @example
 * ```ts
 * await store.transaction((trx) => setActiveBundle(trx, hash, clock.now())); // { previous: null }
 * ```
 */
export async function setActiveBundle(trx: Transaction<Database>, hash: string, activatedAt: Date, decisionId: string | null = null): Promise<{ previous: string | null }> {
  requireRef(hash);
  const t = trx;
  const exists = await t.selectFrom('policy_bundles').select('policy_bundle_hash').where('policy_bundle_hash', '=', hash).executeTakeFirst();
  if (!exists) throw new WritError('NOT_FOUND', `no stored policy bundle ${hash}`);
  const current = await t.selectFrom('policy_active').select('policy_bundle_hash').forUpdate().executeTakeFirst();
  await t
    .insertInto('policy_active')
    .values({ singleton: true, policy_bundle_hash: hash, activated_at: activatedAt })
    .onConflict((oc) => oc.column('singleton').doUpdateSet({ policy_bundle_hash: hash, activated_at: activatedAt }))
    .execute();
  // The history the rollback plan reads: which bundle was active when, and by which decision.
  await t
    .insertInto('policy_activation_history')
    .values({ policy_bundle_hash: hash, previous_policy_bundle_hash: current?.policy_bundle_hash ?? null, decision_id: decisionId, activated_at: activatedAt })
    .execute();
  return { previous: current?.policy_bundle_hash ?? null };
}
