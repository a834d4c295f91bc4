// Which database a collector uses: PostgreSQL when config.json names one (or VIGIL_DATABASE_URL is set),
// otherwise the embedded SQLite file in the data directory.
import { VigilError } from '../../protocol/errors.js';
import { loadConfig, type CollectorConfig, type DataDir } from '../config.js';
import { openPostgres, redact } from './pg.js';
import { openSqlite } from './sqlite.js';
import type { Db } from './types.js';

export function databaseUrlOf(config: CollectorConfig | null, env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env.VIGIL_DATABASE_URL?.trim();
  if (fromEnv) {
    if (!/^postgres(ql)?:\/\//.test(fromEnv)) throw new VigilError('E_CONFIG', `VIGIL_DATABASE_URL must be a postgres:// URL, got ${redact(fromEnv)}`);
    return fromEnv;
  }
  return config?.database?.url ?? null;
}

export async function openDatabase(dir: DataDir, config?: CollectorConfig): Promise<Db> {
  const cfg = config ?? (await loadConfig(dir));
  const url = databaseUrlOf(cfg);
  return url ? openPostgres(url, { max: cfg.database?.poolSize }) : openSqlite(dir.dbFile);
}

/** One line for logs and `status`: the engine and where, never the password. */
export function describeDatabase(dir: DataDir, config: CollectorConfig | null): string {
  const url = databaseUrlOf(config);
  return url ? `PostgreSQL ${redact(url)}` : `SQLite ${dir.dbFile}`;
}
