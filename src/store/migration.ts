/**
 * One schema migration: a name (ordered lexically) and plain PostgreSQL 15 statements,
 * one per entry, that run in a single transaction on both PGlite and PostgreSQL.
 *
 * @example
 * ```ts
 * const m: Migration = { name: '002-ledger', statements: ['create table t (x int)'] };
 * ```
 */
export interface Migration {
  name: string;
  statements: readonly string[];
}
