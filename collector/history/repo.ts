import type { CheckStatus } from '../../protocol/checks/index.js';
import { chunks } from '../db/rows.js';
import type { Queryable, SqlValue } from '../db/types.js';
import type { CheckState, Transition } from './state.js';

const STATE_COLUMNS = `device_id, check_id, status, reason, since_seq, since_at, last_seq, last_at, first_failed_seq, first_failed_at,
  last_passed_seq, last_passed_at`;

export const checkStateRepo = {
  forDevice(q: Queryable, deviceId: string) {
    return q.all<CheckState>(`SELECT ${STATE_COLUMNS} FROM check_state WHERE device_id = ?`, [deviceId]);
  },
  /** The states of several devices (one ingest batch) in one read. */
  async forDevices(q: Queryable, deviceIds: readonly string[]): Promise<CheckState[]> {
    const out: CheckState[] = [];
    for (const ids of chunks(deviceIds, 1)) {
      out.push(...(await q.all<CheckState>(`SELECT ${STATE_COLUMNS} FROM check_state WHERE device_id IN (${ids.map(() => '?').join(', ')})`, ids)));
    }
    return out;
  },
  /**
   * Multi-row upserts; ON CONFLICT … DO UPDATE is the same in SQLite and PostgreSQL. A (device, check)
   * may appear once per statement (PostgreSQL refuses to update a row twice in one).
   */
  async upsertAll(q: Queryable, rows: readonly CheckState[]) {
    for (const part of chunks(rows, 12)) {
      const values = part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      const params = part.flatMap((r) => [
        r.device_id, r.check_id, r.status, r.reason, r.since_seq, r.since_at, r.last_seq, r.last_at,
        r.first_failed_seq, r.first_failed_at, r.last_passed_seq, r.last_passed_at,
      ]);
      await q.run(
        `INSERT INTO check_state (${STATE_COLUMNS}) VALUES ${values}
         ON CONFLICT (device_id, check_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
           since_seq = excluded.since_seq, since_at = excluded.since_at, last_seq = excluded.last_seq, last_at = excluded.last_at,
           first_failed_seq = excluded.first_failed_seq, first_failed_at = excluded.first_failed_at,
           last_passed_seq = excluded.last_passed_seq, last_passed_at = excluded.last_passed_at`,
        params,
      );
    }
  },
};

export const transitionsRepo = {
  async insertAll(q: Queryable, rows: readonly Transition[]) {
    for (const part of chunks(rows, 8)) {
      const values = part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      const params = part.flatMap((t) => [t.device_id, t.check_id, t.seq, t.status, t.collected_at, t.prev_status, t.prev_seq, t.prev_collected_at]);
      await q.run(
        `INSERT INTO check_transitions (device_id, check_id, seq, status, collected_at, prev_status, prev_seq, prev_collected_at) VALUES ${values}`,
        params,
      );
    }
  },
  /**
   * Transitions of the given device checks up to a seq each, ordered by device, check, seq. Only checks
   * that are not passing need them: a passing check last passed now and has no first failure.
   */
  async upTo(q: Queryable, wanted: readonly { deviceId: string; seq: number; checkIds: readonly string[] }[]): Promise<Transition[]> {
    const list = wanted.filter((w) => w.checkIds.length);
    if (!list.length) return [];
    return q.all<Transition>(
      `SELECT device_id, check_id, seq, status, collected_at, prev_status, prev_seq, prev_collected_at FROM check_transitions
        WHERE ${list.map((w) => `(device_id = ? AND check_id IN (${w.checkIds.map(() => '?').join(', ')}) AND seq <= ?)`).join(' OR ')}
        ORDER BY device_id, check_id, seq`,
      list.flatMap((w) => [w.deviceId, ...w.checkIds, w.seq]),
    );
  },
};

export interface AsOfDevice {
  id: string;
  hostname: string;
  role: string;
  site: string | null;
  os_platform: string | null;
  os_name: string | null;
  os_version: string | null;
  arch: string | null;
  serial: string | null;
  model: string | null;
  key_digest: string;
  public_key_pem: string;
  enrolled_at: string;
  revoked_at: string | null;
  /** The envelope the state rests on: newest collected at or before the moment (null: none yet). */
  seq: number | null;
}

export interface ResultRow {
  device_id: string;
  seq: number;
  check_id: string;
  status: CheckStatus;
  reason: string | null;
  facts_json: string | null;
  collected_at: string;
}

export interface EnvelopeMeta {
  device_id: string;
  seq: number;
  sha256: string;
  collected_at: string;
  received_at: string;
  policy_version: string;
}

const DEVICE_COLUMNS = `d.id, d.hostname, d.role, d.site, d.os_platform, d.os_name, d.os_version, d.arch, d.serial, d.model, d.key_digest,
  d.public_key_pem, d.enrolled_at, d.revoked_at`;

export const asOfRepo = {
  /**
   * One page of the fleet as of a moment, in device-id order (keyset pagination: bounded memory at any
   * fleet size). The fleet as of T: devices enrolled at or before T and not revoked at T. asOf null:
   * now, resting on each device's last stored envelope.
   */
  devicePage(q: Queryable, opts: { asOf: string | null; after: string; limit: number; deviceId?: string; includeRevoked?: boolean }) {
    const where: string[] = ['d.id > ?'];
    const params: SqlValue[] = [];
    const seqExpr = opts.asOf === null ? 'CASE WHEN d.last_seq > 0 THEN d.last_seq END' : '(SELECT MAX(e.seq) FROM envelopes e WHERE e.device_id = d.id AND e.collected_at <= ?)';
    if (opts.asOf !== null) params.push(opts.asOf);
    params.push(opts.after);
    if (opts.deviceId !== undefined) {
      where.push('d.id = ?');
      params.push(opts.deviceId);
    }
    if (!opts.includeRevoked) {
      if (opts.asOf === null) where.push('d.revoked_at IS NULL');
      else {
        where.push('(d.revoked_at IS NULL OR d.revoked_at > ?)');
        params.push(opts.asOf);
      }
    }
    // In the fleet at T: enrolled by then, or already attesting (a device clock slightly behind ours can
    // date its first attestation before its enrolment).
    const inFleet = opts.asOf === null ? '' : 'WHERE x.enrolled_at <= ? OR x.seq IS NOT NULL';
    if (opts.asOf !== null) params.push(opts.asOf);
    params.push(opts.limit);
    return q.all<AsOfDevice>(
      `SELECT * FROM (SELECT ${DEVICE_COLUMNS}, ${seqExpr} AS seq FROM devices d WHERE ${where.join(' AND ')}) x ${inFleet} ORDER BY x.id LIMIT ?`,
      params,
    );
  },

  /** Check results of the given (device, seq) pairs. */
  async resultsAt(q: Queryable, pairs: readonly { deviceId: string; seq: number }[], withFacts: boolean): Promise<ResultRow[]> {
    if (!pairs.length) return [];
    const cols = `device_id, seq, check_id, status, reason, ${withFacts ? 'facts_json' : 'NULL AS facts_json'}, collected_at`;
    return q.all<ResultRow>(
      `SELECT ${cols} FROM check_results WHERE ${pairs.map(() => '(device_id = ? AND seq = ?)').join(' OR ')}`,
      pairs.flatMap((p) => [p.deviceId, p.seq]),
    );
  },

  async envelopesAt(q: Queryable, pairs: readonly { deviceId: string; seq: number }[]): Promise<EnvelopeMeta[]> {
    if (!pairs.length) return [];
    return q.all<EnvelopeMeta>(
      `SELECT device_id, seq, sha256, collected_at, received_at, policy_version FROM envelopes
        WHERE ${pairs.map(() => '(device_id = ? AND seq = ?)').join(' OR ')}`,
      pairs.flatMap((p) => [p.deviceId, p.seq]),
    );
  },
};

export interface EvaluationRow {
  seq: number;
  check_id: string;
  status: CheckStatus;
  reason: string | null;
  collected_at: string;
  received_at: string;
  policy_version: string;
  envelope_sha256: string;
}

export const evaluationsRepo = {
  /** Every evaluation of one device in a period (optionally one check), newest first. */
  list(q: Queryable, deviceId: string, opts: { checkId?: string; from?: string; to?: string; limit: number }) {
    const where = ['r.device_id = ?'];
    const params: SqlValue[] = [deviceId];
    if (opts.checkId) {
      where.push('r.check_id = ?');
      params.push(opts.checkId);
    }
    if (opts.from) {
      where.push('r.collected_at >= ?');
      params.push(opts.from);
    }
    if (opts.to) {
      where.push('r.collected_at <= ?');
      params.push(opts.to);
    }
    params.push(opts.limit);
    return q.all<EvaluationRow>(
      `SELECT r.seq, r.check_id, r.status, r.reason, r.collected_at, e.received_at, e.policy_version, e.sha256 AS envelope_sha256
         FROM check_results r JOIN envelopes e ON e.device_id = r.device_id AND e.seq = r.seq
        WHERE ${where.join(' AND ')} ORDER BY r.seq DESC, r.check_id LIMIT ?`,
      params,
    );
  },
};
