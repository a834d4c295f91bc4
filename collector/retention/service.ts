// History retention. Envelopes (with their evaluated results) collected before the cutoff are deleted,
// where cutoff = now − max(retention days, audit window), moved earlier by any unexpired evidence hold (a
// running export holds from its period start). Some old envelopes stay whatever their age, because the
// evidence of today's state rests on them:
//  - each device's newest envelope before the cutoff (the state at the start of the retained history,
//    which as-of views and exports start from);
//  - every envelope check_state points at: the head, since when a check has its status, first failed
//    since the last pass, last passed.
// Deletions go in batches, one transaction each, so ingest is never blocked for long; on PostgreSQL one
// collector at a time runs it (lease "retention").
import { randomUUID } from 'node:crypto';
import { VigilError } from '../../protocol/errors.js';
import { audit } from '../audit.js';
import type { CollectorConfig } from '../config.js';
import type { Db, Queryable } from '../db/types.js';
import { PROCESS_HOLDER } from '../jobs/leases.js';

const DAY = 86_400_000;
const BATCH = 2000;

export interface RetentionSummary {
  cutoff: string;
  envelopesDeleted: number;
  resultsDeleted: number;
  outboxDeleted: number;
  keptPinned: number;
  heldFrom: string | null;
}

export const holdsRepo = {
  add(q: Queryable, h: { id: string; reason: string; fromAt: string; createdAt: string; expiresAt: string }) {
    return q.run('INSERT INTO evidence_holds (id, reason, from_at, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [h.id, h.reason, h.fromAt, h.createdAt, h.expiresAt]);
  },
  remove(q: Queryable, id: string) {
    return q.run('DELETE FROM evidence_holds WHERE id = ?', [id]);
  },
  earliest(q: Queryable, now: string) {
    return q.get<{ from_at: string | null }>('SELECT MIN(from_at) AS from_at FROM evidence_holds WHERE expires_at > ?', [now]);
  },
  active(q: Queryable, now: string) {
    return q.all<{ id: string; reason: string; from_at: string; created_at: string; expires_at: string }>('SELECT * FROM evidence_holds WHERE expires_at > ? ORDER BY from_at', [now]);
  },
};

/** Holds evidence from `fromAt` on while fn runs (exports); the hold expires on its own if the process dies. */
export async function withEvidenceHold<T>(db: Db, now: () => Date, reason: string, fromAt: string, fn: () => Promise<T>): Promise<T> {
  const id = `hold_${randomUUID()}`;
  const at = now();
  await holdsRepo.add(db, { id, reason, fromAt, createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + DAY).toISOString() });
  try {
    return await fn();
  } finally {
    await holdsRepo.remove(db, id);
  }
}

export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly settings: () => CollectorConfig['retention'],
  ) {}

  /** The moment before which envelopes may go, or null when retention is off. */
  async cutoff(): Promise<{ cutoff: string; heldFrom: string | null } | null> {
    const r = this.settings();
    if (!r) return null;
    const now = this.now();
    let cutoff = new Date(now.getTime() - Math.max(r.days, r.auditWindowDays) * DAY).toISOString();
    const held = (await holdsRepo.earliest(this.db, now.toISOString()))?.from_at ?? null;
    if (held && held < cutoff) cutoff = held;
    return { cutoff, heldFrom: held };
  }

  /** Envelopes that would go, without deleting anything. */
  async preview(): Promise<{ cutoff: string | null; prunable: number; keptPinned: number }> {
    const c = await this.cutoff();
    if (!c) return { cutoff: null, prunable: 0, keptPinned: 0 };
    const old = (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE collected_at < ?', [c.cutoff]))!.n;
    const prunable = (await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM envelopes e WHERE e.collected_at < ? AND ${NOT_PINNED}`, [c.cutoff, c.cutoff]))!.n;
    return { cutoff: c.cutoff, prunable, keptPinned: old - prunable };
  }

  async run(actor = 'collector'): Promise<RetentionSummary> {
    const c = await this.cutoff();
    if (!c) throw new VigilError('E_CONFIG', 'retention is not configured (config.json "retention": { "days": …, "auditWindowDays": … })');
    const started = this.now().toISOString();
    const runId = (await this.db.get<{ id: number }>(
      'INSERT INTO retention_runs (started_at, holder, cutoff) VALUES (?, ?, ?) RETURNING id',
      [started, PROCESS_HOLDER, c.cutoff],
    ))!.id;
    const out: RetentionSummary = { cutoff: c.cutoff, envelopesDeleted: 0, resultsDeleted: 0, outboxDeleted: 0, keptPinned: 0, heldFrom: c.heldFrom };
    try {
      const old = (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE collected_at < ?', [c.cutoff]))!.n;
      for (;;) {
        const n = await this.db.tx(async (q) => {
          const victims = await q.all<{ device_id: string; seq: number }>(
            `SELECT e.device_id, e.seq FROM envelopes e WHERE e.collected_at < ? AND ${NOT_PINNED} LIMIT ${BATCH}`,
            [c.cutoff, c.cutoff],
          );
          for (const v of victims) {
            out.resultsDeleted += (await q.run('DELETE FROM check_results WHERE device_id = ? AND seq = ?', [v.device_id, v.seq])).changes;
            out.envelopesDeleted += (await q.run('DELETE FROM envelopes WHERE device_id = ? AND seq = ?', [v.device_id, v.seq])).changes;
          }
          return victims.length;
        });
        if (n < BATCH) break;
      }
      out.keptPinned = old - out.envelopesDeleted;
      out.outboxDeleted = (await this.db.run("DELETE FROM alert_outbox WHERE status = 'delivered' AND delivered_at < ?", [c.cutoff])).changes;
      await this.db.tx(async (q) => {
        await q.run(
          'UPDATE retention_runs SET finished_at = ?, envelopes_deleted = ?, results_deleted = ?, outbox_deleted = ?, kept_pinned = ? WHERE id = ?',
          [this.now().toISOString(), out.envelopesDeleted, out.resultsDeleted, out.outboxDeleted, out.keptPinned, runId],
        );
        await audit(q, this.now(), actor, 'retention.prune', c.cutoff, { ...out });
      });
      return out;
    } catch (err) {
      await this.db.run('UPDATE retention_runs SET finished_at = ?, error = ? WHERE id = ?', [this.now().toISOString(), (err as Error).message.slice(0, 1000), runId]).catch(() => undefined);
      throw err;
    }
  }

  lastRuns(limit = 10) {
    return this.db.all<{ id: number; started_at: string; finished_at: string | null; holder: string; cutoff: string; envelopes_deleted: number; results_deleted: number; outbox_deleted: number; kept_pinned: number; error: string | null }>(
      'SELECT * FROM retention_runs ORDER BY id DESC LIMIT ?',
      [limit],
    );
  }
}

/** An envelope that must stay: see the file comment. Two parameters: none (uses e.*) plus the cutoff. */
const NOT_PINNED = `NOT EXISTS (SELECT 1 FROM check_state s WHERE s.device_id = e.device_id
      AND (s.last_seq = e.seq OR s.since_seq = e.seq OR s.first_failed_seq = e.seq OR s.last_passed_seq = e.seq))
  AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = e.device_id AND d.last_seq = e.seq)
  AND e.seq < (SELECT MAX(b.seq) FROM envelopes b WHERE b.device_id = e.device_id AND b.collected_at < ?)`;
