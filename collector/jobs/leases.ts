// Database leases for background jobs. Several collectors share one database; a job (stale scan,
// inventory sync, retention) runs on whichever collector holds its unexpired lease, so it runs once per
// period across the fleet of collectors. The lease is one conditional upsert: taken when absent, expired
// or already ours; a crashed holder's lease simply runs out.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/types.js';

/** This process, as a lease holder: host, pid and a random part (pids repeat across containers). */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export const leasesRepo = {
  async acquire(q: Queryable, name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + ttlMs).toISOString();
    const r = await q.run(
      `INSERT INTO job_leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
        WHERE job_leases.expires_at <= ? OR job_leases.holder = excluded.holder`,
      [name, holder, at, until, at],
    );
    return r.changes === 1;
  },
  release(q: Queryable, name: string, holder: string) {
    return q.run('DELETE FROM job_leases WHERE name = ? AND holder = ?', [name, holder]);
  },
  get(q: Queryable, name: string) {
    return q.get<{ name: string; holder: string; acquired_at: string; expires_at: string }>('SELECT * FROM job_leases WHERE name = ?', [name]);
  },
};

/**
 * Runs fn if this holder gets the lease for `periodMs`; the lease is kept to the end of the period, so
 * another collector polling the same job within it skips. Returns whether fn ran.
 */
export async function runOnce(db: Db, name: string, opts: { holder?: string; now: () => Date; periodMs: number }, fn: () => Promise<unknown>): Promise<boolean> {
  const got = await leasesRepo.acquire(db, name, opts.holder ?? PROCESS_HOLDER, opts.now(), opts.periodMs);
  if (!got) return false;
  await fn();
  return true;
}
