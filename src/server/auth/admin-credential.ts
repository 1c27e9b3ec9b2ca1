import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../common/clock.ts';
import type { Store } from '../../store/store.ts';

/** File under `$WRIT_HOME` holding the local admin bearer credential (0600). */
export const ADMIN_TOKEN_FILE = 'admin.token';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Issues a new local admin credential: the bearer token is written to
 * `$WRIT_HOME/admin.token` with 0600 permissions and only its SHA-256 is stored.
 *
 * @example
 * ```ts
 * const token = await issueAdminCredential(store, '/var/lib/writ', systemClock);
 * ```
 */
export async function issueAdminCredential(store: Store, home: string, clock: Clock): Promise<string> {
  const token = `writ_admin_${randomBytes(32).toString('base64url')}`;
  const hash = sha256Hex(token);
  await store.db
    .insertInto('admin_credentials')
    .values({ id: `adm_${hash.slice(0, 16)}`, token_sha256: hash, created_at: clock.now(), revoked_at: null })
    .execute();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, ADMIN_TOKEN_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return token;
}

/**
 * Makes sure `$WRIT_HOME/admin.token` holds a credential the store knows; issues one
 * when the file is missing or stale. Returns true when a new one was issued.
 *
 * @example
 * ```ts
 * await ensureAdminCredential(store, home, systemClock); // true on first start
 * ```
 */
export async function ensureAdminCredential(store: Store, home: string, clock: Clock): Promise<boolean> {
  const existing = readAdminCredential(home);
  if (existing && (await verifyAdminToken(store, existing))) return false;
  await issueAdminCredential(store, home, clock);
  return true;
}

/** Reads the local admin credential, or undefined when there is none. */
export function readAdminCredential(home: string): string | undefined {
  const path = join(home, ADMIN_TOKEN_FILE);
  if (!existsSync(path)) return undefined;
  const token = readFileSync(path, 'utf8').trim();
  return token.length > 0 ? token : undefined;
}

/**
 * True when `token` is a known, unrevoked admin credential. Compares hashes in
 * constant time.
 *
 * @example
 * ```ts
 * await verifyAdminToken(store, 'writ_admin_…'); // true | false
 * ```
 */
export async function verifyAdminToken(store: Store, token: string): Promise<boolean> {
  if (!token.startsWith('writ_admin_') || token.length > 200) return false;
  const hash = sha256Hex(token);
  const row = await store.db
    .selectFrom('admin_credentials')
    .select(['token_sha256'])
    .where('token_sha256', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined && timingSafeEqual(Buffer.from(row.token_sha256), Buffer.from(hash));
}
