// PostgreSQL driver for the scale-out path: a pool per collector process, the same Queryable shape as
// SQLite. `?` placeholders become $1..$n (outside quoted text); BIGINT and NUMERIC come back as JS numbers
// like SQLite's; migrations run under an advisory lock so collectors starting together apply them once.
import pg from 'pg';
import { VigilError } from '../../protocol/errors.js';
import { MIGRATIONS, pgDialect } from './migrations.js';
import type { Db, Queryable, RunResult, SqlValue } from './types.js';

const MIGRATION_LOCK = 7_700_001;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // int8 (COUNT, SUM of integers, BIGINT ids) and numeric (SUM of bigint, AVG): numbers, as on SQLite.
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const translated = new Map<string, string>();

/** `?` → `$n`, leaving quoted strings and identifiers alone. Cached: repositories reuse a few hundred texts. */
export function toPgPlaceholders(sql: string): string {
  const hit = translated.get(sql);
  if (hit !== undefined) return hit;
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') out += `$${++n}`;
    else out += ch;
  }
  if (translated.size < 5000) translated.set(sql, out);
  return out;
}

interface PgLike {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

function queryable(c: PgLike): Queryable {
  const q = (sql: string, params: readonly SqlValue[] = []) => c.query(toPgPlaceholders(sql), params as unknown[]);
  return {
    async get<T>(sql: string, params?: readonly SqlValue[]) {
      return (await q(sql, params)).rows[0] as T | undefined;
    },
    async all<T>(sql: string, params?: readonly SqlValue[]) {
      return (await q(sql, params)).rows as T[];
    },
    async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
      return { changes: (await q(sql, params)).rowCount ?? 0 };
    },
  };
}

export interface PgOptions {
  /** Pool size per collector process. */
  max?: number;
}

export async function openPostgres(url: string, opts: PgOptions = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types, application_name: 'vigil-collector' });
  // An idle client that loses its server (restart, failover) emits 'error'; the pool drops it and the
  // next query gets a fresh connection. Without a listener the process would exit.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new VigilError('E_DATABASE', `cannot connect to PostgreSQL (${redact(url)}): ${(err as Error).message}`);
  }
  const base = queryable(pool);
  const db: Db = {
    kind: 'pg',
    ...base,
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A checked-out client has no pool listener for 'error': a server restart or failover (57P01, a
      // dropped socket) between two statements of this transaction would be an unhandled 'error' event
      // and end the process. Here it fails the transaction instead, and the client is discarded.
      let lost: Error | undefined;
      const onError = (err: Error) => {
        lost = err;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        try {
          const out = await fn(queryable(client));
          await client.query('COMMIT');
          return out;
        } catch (err) {
          lost ??= await client.query('ROLLBACK').then(() => undefined, (e: Error) => e);
          throw err;
        }
      } finally {
        client.removeListener('error', onError);
        client.release(lost);
      }
    },
    close: () => pool.end(),
  };
  await migrate(pool);
  return db;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(pgDialect(m.sql));
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
    }
    await compressEvidenceWithLz4(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new VigilError('E_DATABASE', `PostgreSQL migration failed: ${(err as Error).message}`);
  } finally {
    client.release();
  }
}

/** The large values every attestation writes: the envelope as received and each check's facts. */
const EVIDENCE_COLUMNS = [
  ['envelopes', 'bytes'],
  ['check_results', 'facts_json'],
] as const;

/**
 * TOAST compresses those values with pglz by default; lz4 costs the server a fraction of the CPU for a
 * similar size (bench:ingest on PostgreSQL, 100 agents: 380-490 attestations/s with pglz, 496-509 with
 * lz4). Applied once (the ALTER takes a short exclusive lock), only to values written from then on, and
 * skipped on a server built without lz4.
 */
async function compressEvidenceWithLz4(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND a.attcompression = 'l'`,
  );
  const done = new Set(rows.map((r) => `${r.table}.${r.column}`));
  for (const [table, column] of EVIDENCE_COLUMNS) {
    if (done.has(`${table}.${column}`)) continue;
    await client.query('SAVEPOINT lz4');
    try {
      await client.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4`);
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT lz4');
      return;
    }
  }
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
