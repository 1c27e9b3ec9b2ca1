/**
 * True when `err` is PostgreSQL's unique_violation (SQLSTATE 23505), from `pg` or PGlite.
 *
 * @example
 * ```ts
 * try { await insert(); } catch (err) { if (!isUniqueViolation(err)) throw err; }
 * ```
 */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
