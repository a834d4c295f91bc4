// The storage seam. Repositories take a Queryable; the SQLite driver implements it today and the
// PostgreSQL one will implement the same shape. SQL uses `?` placeholders.

export type SqlValue = string | number | bigint | Buffer | null;

export interface RunResult {
  changes: number;
}

export interface Queryable {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction; transactions never interleave. Rolled back if fn throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'sqlite';
}
