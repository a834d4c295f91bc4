// The PostgreSQL driver itself: migrations applied once when collectors start together, job leases,
// placeholders, and what an unreachable server looks like.
import { describe, expect, it } from 'vitest';
import { openPostgres, redact, toPgPlaceholders } from '../../collector/db/pg.js';
import { MIGRATIONS } from '../../collector/db/migrations.js';
import { leasesRepo } from '../../collector/jobs/leases.js';
import { freshPgUrl } from '../helpers/db.js';

describe('PostgreSQL driver', () => {
  it('three collectors starting at once on an empty database apply each migration once', async () => {
    const url = await freshPgUrl();
    const dbs = await Promise.all([openPostgres(url, { max: 2 }), openPostgres(url, { max: 2 }), openPostgres(url, { max: 2 })]);
    try {
      const rows = await dbs[0]!.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      // Identity columns, BYTEA and BIGINT counts come back as SQLite would give them.
      await dbs[1]!.run("INSERT INTO audit_log (at, actor, action) VALUES ('2026-01-01T00:00:00.000Z', 'a', 'b')");
      const r = await dbs[2]!.get<{ id: number; n: number }>('SELECT MAX(id) AS id, COUNT(*) AS n FROM audit_log');
      expect(r).toEqual({ id: 1, n: 1 });
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });

  it('stores envelopes and facts compressed with lz4, set once, and reads them back byte for byte', async () => {
    const url = await freshPgUrl();
    const first = await openPostgres(url, { max: 1 });
    await first.close();
    const db = await openPostgres(url, { max: 1 });
    try {
      const cols = await db.all<{ col: string; c: string }>(
        `SELECT c.relname || '.' || a.attname AS col, a.attcompression AS c FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE (c.relname, a.attname) IN (('envelopes', 'bytes'), ('check_results', 'facts_json')) ORDER BY 1`,
      );
      expect(cols).toEqual([
        { col: 'check_results.facts_json', c: 'l' },
        { col: 'envelopes.bytes', c: 'l' },
      ]);
      await db.run("INSERT INTO devices (id, public_key_pem, key_digest, role, hostname, enrolled_at) VALUES ('d', 'pem', 'k', 'workstation', 'h', '2026-01-01T00:00:00.000Z')");
      const bytes = Buffer.from(JSON.stringify({ payload: 'x'.repeat(40_000), n: [1, 2, 3] }));
      await db.run("INSERT INTO envelopes (device_id, seq, sha256, bytes, collected_at, received_at, policy_version) VALUES ('d', 1, 'h', ?, 't', 't', 'p')", [bytes]);
      const back = await db.get<{ bytes: Buffer; method: string }>("SELECT bytes, pg_column_compression(bytes) AS method FROM envelopes WHERE device_id = 'd'");
      expect(back!.method).toBe('lz4');
      expect(Buffer.compare(back!.bytes, bytes)).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('a job lease is held by one collector until it expires; the holder renews it', async () => {
    const db = await openPostgres(await freshPgUrl(), { max: 4 });
    try {
      const t0 = new Date('2026-06-01T00:00:00.000Z');
      const later = (ms: number) => new Date(t0.getTime() + ms);
      const both = await Promise.all([leasesRepo.acquire(db, 'job', 'a', t0, 60_000), leasesRepo.acquire(db, 'job', 'b', t0, 60_000)]);
      expect(both.filter(Boolean)).toHaveLength(1);
      const holder = both[0] ? 'a' : 'b';
      const other = holder === 'a' ? 'b' : 'a';
      expect(await leasesRepo.acquire(db, 'job', other, later(59_000), 60_000)).toBe(false);
      expect(await leasesRepo.acquire(db, 'job', holder, later(30_000), 60_000)).toBe(true);
      // Renewed at +30 s, so it lasts to +90 s.
      expect(await leasesRepo.acquire(db, 'job', other, later(89_000), 60_000)).toBe(false);
      expect(await leasesRepo.acquire(db, 'job', other, later(90_000), 60_000)).toBe(true);
      expect((await leasesRepo.get(db, 'job'))!.holder).toBe(other);
    } finally {
      await db.close();
    }
  });

  it('turns ? into numbered parameters outside quoted text', () => {
    expect(toPgPlaceholders("SELECT ? AS a, '?' AS q, \"we?ird\" FROM t WHERE x = ? AND y LIKE '%?%'")).toBe("SELECT $1 AS a, '?' AS q, \"we?ird\" FROM t WHERE x = $2 AND y LIKE '%?%'");
  });

  it('an unreachable server is E_DATABASE, with the password left out of the message', async () => {
    const err = await openPostgres('postgres://vigil:s3cret-pw@127.0.0.1:1/vigil').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DATABASE' });
    expect(String((err as Error).message)).not.toContain('s3cret-pw');
    expect(redact('postgres://u:pw@h:5432/d')).toBe('postgres://u:***@h:5432/d');
  });
});
