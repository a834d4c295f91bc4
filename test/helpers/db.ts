// The database under test. The suite runs twice: once on SQLite files (project "sqlite") and once on a
// real PostgreSQL server (project "pg", VIGIL_TEST_DB=pg), where each collector gets its own database.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { CollectorConfig } from '../../collector/config.js';
import { openPostgres } from '../../collector/db/pg.js';
import { openSqlite } from '../../collector/db/sqlite.js';
import type { Db } from '../../collector/db/types.js';

export const onPostgres = process.env.VIGIL_TEST_DB === 'pg';

/** A fresh, empty PostgreSQL database on the test server. */
export async function freshPgUrl(): Promise<string> {
  const admin = inject('pgAdminUrl');
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Config overrides that put a collector's data on the database under test. */
export async function dbOverrides(): Promise<Partial<CollectorConfig>> {
  return onPostgres ? { database: { url: await freshPgUrl(), poolSize: 5 } } : {};
}

/** `vigil-collector init` arguments for the database under test. */
export async function dbInitArgs(): Promise<string[]> {
  return onPostgres ? ['--database-url', await freshPgUrl()] : [];
}

/** A bare database for repository-level tests: a SQLite file in dir, or a fresh PostgreSQL database. */
export async function openTestDb(dir: string, name = 'vigil.sqlite'): Promise<Db> {
  return onPostgres ? openPostgres(await freshPgUrl(), { max: 5 }) : openSqlite(join(dir, name));
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
