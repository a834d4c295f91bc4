import type { Queryable } from '../db/types.js';
import type { TamperRow } from './html.js';

export interface EnvelopeBytes {
  device_id: string;
  seq: number;
  sha256: string;
  bytes: Buffer;
  collected_at: string;
  policy_version: string;
}

export const exportRepo = {
  fleetSize(q: Queryable, at: string) {
    return q.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM devices d WHERE (d.revoked_at IS NULL OR d.revoked_at > ?)
          AND (d.enrolled_at <= ? OR EXISTS (SELECT 1 FROM envelopes e WHERE e.device_id = d.id AND e.collected_at <= ?))`,
      [at, at, at],
    );
  },
  /** Per device, its first sequence collected within [from, to]. */
  async periodStarts(q: Queryable, deviceIds: readonly string[], from: string, to: string): Promise<Map<string, number>> {
    if (!deviceIds.length) return new Map();
    const rows = await q.all<{ device_id: string; lo: number }>(
      `SELECT device_id, MIN(seq) AS lo FROM envelopes WHERE device_id IN (${deviceIds.map(() => '?').join(', ')}) AND collected_at >= ? AND collected_at <= ?
        GROUP BY device_id`,
      [...deviceIds, from, to],
    );
    return new Map(rows.map((r) => [r.device_id, r.lo]));
  },
  /** Envelopes of one device in [lo, hi], in sequence order, at most `limit` at a time (keyset on seq). */
  envelopeChunk(q: Queryable, deviceId: string, lo: number, hi: number, limit = 64) {
    return q.all<EnvelopeBytes>(
      'SELECT device_id, seq, sha256, bytes, collected_at, policy_version FROM envelopes WHERE device_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?',
      [deviceId, lo, hi, limit],
    );
  },
  /** Envelopes of several devices at the given sequences, ordered by device and sequence. */
  envelopesOf(q: Queryable, wanted: readonly { deviceId: string; seqs: readonly number[] }[]) {
    const list = wanted.filter((w) => w.seqs.length);
    if (!list.length) return Promise.resolve([] as EnvelopeBytes[]);
    return q.all<EnvelopeBytes>(
      `SELECT device_id, seq, sha256, bytes, collected_at, policy_version FROM envelopes
        WHERE ${list.map((w) => `(device_id = ? AND seq IN (${w.seqs.map(() => '?').join(', ')}))`).join(' OR ')} ORDER BY device_id, seq`,
      list.flatMap((w) => [w.deviceId, ...w.seqs]),
    );
  },
  revokedBetween(q: Queryable, from: string, to: string) {
    return q.all<{ id: string; hostname: string; revoked_at: string }>('SELECT id, hostname, revoked_at FROM devices WHERE revoked_at > ? AND revoked_at <= ? ORDER BY revoked_at, id', [from, to]);
  },
  async tamperBetween(q: Queryable, from: string, to: string, limit: number): Promise<{ rows: TamperRow[]; total: number }> {
    const total = (await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM tamper_events WHERE at >= ? AND at <= ?', [from, to]))?.n ?? 0;
    const rows = await q.all<TamperRow>('SELECT at, device_id, code, seq, detail FROM tamper_events WHERE at >= ? AND at <= ? ORDER BY id LIMIT ?', [from, to, limit]);
    return { rows, total };
  },
};
