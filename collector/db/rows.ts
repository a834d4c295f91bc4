// Statements over many rows at once (multi-row INSERT, UPDATE ... FROM (VALUES ...)), split so each stays
// far below either engine's limit on bound values: SQLite allows 32,766 and PostgreSQL 65,535, and
// statements of a few thousand values bind and plan faster than ones at the limit.
import type { Queryable, SqlValue } from './types.js';

const MAX_VALUES = 4000;

/** The rows in chunks small enough for one statement at `perRow` bound values per row. */
export function chunks<T>(rows: readonly T[], perRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_VALUES / perRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** One multi-row INSERT per chunk of rows. */
export async function insertRows(q: Queryable, head: string, perRow: number, rows: readonly SqlValue[][]): Promise<void> {
  const tuple = `(${new Array(perRow).fill('?').join(', ')})`;
  for (const part of chunks(rows, perRow)) {
    await q.run(`${head} VALUES ${part.map(() => tuple).join(', ')}`, part.flat());
  }
}
