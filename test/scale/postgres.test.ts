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
