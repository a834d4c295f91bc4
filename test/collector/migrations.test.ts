// Migration 3 derives first-failed / last-passed history from evaluations stored before it existed:
// the result must be what ingest would have recorded.
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../collector/db/sqlite.js';
import { MIGRATIONS } from '../../collector/db/migrations.js';
import { advance, type CheckState, type Transition } from '../../collector/history/state.js';
import { tempDir } from '../helpers/collector.js';

let dir: { path: string; cleanup(): Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => dir.cleanup());

const exec = (db: sqlite3.Database, sql: string, params: unknown[] = []) => new Promise<void>((res, rej) => (params.length ? db.run(sql, params, (e) => (e ? rej(e) : res())) : db.exec(sql, (e) => (e ? rej(e) : res()))));

describe('migration 3 (history backfill)', () => {
  it('backfills check_state and check_transitions as ingest would have', async () => {
    const file = join(dir.path, 'old.sqlite');
    const raw = new sqlite3.Database(file);
    await exec(raw, 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
      await exec(raw, m.sql);
      await exec(raw, 'INSERT INTO schema_migrations VALUES (?, ?, ?)', [m.version, m.name, '2026-01-01T00:00:00.000Z']);
    }
    await exec(raw, "INSERT INTO devices (id, public_key_pem, key_digest, role, hostname, enrolled_at, last_seq) VALUES ('dev_a', 'pem', 'digest', 'workstation', 'h', '2026-01-01T00:00:00.000Z', 6)");
    const history: Record<string, string[]> = { firewall: ['pass', 'fail', 'unknown', 'fail', 'pass', 'fail'], usb_storage: ['fail', 'fail', 'pass', 'pass', 'pass', 'pass'] };
    for (let seq = 1; seq <= 6; seq++) {
      const at = `2026-01-0${seq}T00:00:00.000Z`;
      await exec(raw, "INSERT INTO envelopes VALUES ('dev_a', ?, 'x', x'00', ?, ?, 'builtin-1')", [seq, at, at]);
      for (const [check, statuses] of Object.entries(history)) {
        await exec(raw, "INSERT INTO check_results (device_id, seq, check_id, status, agent_status, collected_at) VALUES ('dev_a', ?, ?, ?, 'pass', ?)", [seq, check, statuses[seq - 1], at]);
      }
    }
    await new Promise<void>((res) => raw.close(() => res()));

    const db = await openSqlite(file);
    try {
      for (const [check, statuses] of Object.entries(history)) {
        let expected: CheckState | undefined;
        const transitions: Transition[] = [];
        statuses.forEach((status, i) => {
          const next = advance('dev_a', expected, { checkId: check, seq: i + 1, collectedAt: `2026-01-0${i + 1}T00:00:00.000Z`, status: status as CheckState['status'], reason: null });
          expected = next.state;
          if (next.transition) transitions.push(next.transition);
        });
        const state = await db.get<CheckState>('SELECT * FROM check_state WHERE device_id = ? AND check_id = ?', ['dev_a', check]);
        expect(state, check).toEqual(expected);
        const stored = await db.all<Transition>('SELECT device_id, check_id, seq, status, collected_at, prev_status, prev_seq, prev_collected_at FROM check_transitions WHERE check_id = ? ORDER BY seq', [check]);
        expect(stored, check).toEqual(transitions);
      }
    } finally {
      await db.close();
    }
  });
});

describe('SQLite file layout', () => {
  it('creates a new database with 16 KiB pages in WAL mode and leaves an existing one at its page size', async () => {
    const fresh = await openSqlite(join(dir.path, 'fresh.sqlite'));
    try {
      expect(await fresh.get('PRAGMA page_size')).toEqual({ page_size: 16384 });
      expect(await fresh.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    } finally {
      await fresh.close();
    }
    const file = join(dir.path, 'old-pages.sqlite');
    const raw = new sqlite3.Database(file);
    await exec(raw, 'PRAGMA page_size = 4096; CREATE TABLE t (x INTEGER)');
    await new Promise<void>((res) => raw.close(() => res()));
    const old = await openSqlite(file);
    try {
      expect(await old.get('PRAGMA page_size')).toEqual({ page_size: 4096 });
      expect(await old.get<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual({ n: MIGRATIONS.length });
    } finally {
      await old.close();
    }
  });
});

