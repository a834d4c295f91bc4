// The storage seam. Repositories take a Queryable; the SQLite driver (embedded default) and the
// PostgreSQL driver (scale-out) implement the same shape. SQL uses `?` placeholders and the portable
// subset both engines share: TEXT times in ISO-8601 UTC, INTEGER booleans, no engine-only functions.

export type SqlValue = string | number | bigint | Buffer | null;

export interface RunResult {
  changes: number;
}

export interface Queryable {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

export type DbKind = 'sqlite' | 'pg';

export interface Db extends Queryable {
  /**
   * Runs fn in one transaction, rolled back if fn throws. On SQLite transactions never interleave; on
   * PostgreSQL they run concurrently (READ COMMITTED), so code that reads then writes a row another
   * collector may write locks it first (see lockRow).
   */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: DbKind;
}
