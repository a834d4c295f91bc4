// Database failures an agent can do something about: it keeps the attestation spooled and tries again
// later. Told apart from bugs (E_INTERNAL) so the agent's log and the collector's say what happened.
import { VigilError } from '../../protocol/errors.js';

const PG_CONNECTION = /^(08|57P0[123])/;
const NODE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/**
 * E_DISK_FULL for no space (SQLite SQLITE_FULL, PostgreSQL 53100, ENOSPC), E_DATABASE for a database that
 * is unreachable, restarting or unable to write (connection lost, admin shutdown, I/O error, locked);
 * null for anything else.
 */
export function storageError(err: unknown): VigilError | null {
  if (err instanceof VigilError) return err.code === 'E_DISK_FULL' || err.code === 'E_DATABASE' ? err : null;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || code === 'EDQUOT') return new VigilError('E_DISK_FULL');
  if (/^SQLITE_(IOERR|BUSY|LOCKED|CANTOPEN|READONLY|PROTOCOL)/.test(code) || PG_CONNECTION.test(code) || code.startsWith('53') || NODE_NET.has(code)) {
    return new VigilError('E_DATABASE');
  }
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(message)) {
    return new VigilError('E_DATABASE');
  }
  return null;
}
