import type { CheckStatus } from '../../protocol/checks/index.js';
import type { Queryable, SqlValue } from '../db/types.js';

/**
 * Bound values per statement when many rows go in one INSERT: SQLite allows 32,766 and PostgreSQL 65,535,
 * and statements of a few thousand values bind and plan faster than ones at the limit.
 */
const MAX_VALUES = 4000;

/** One multi-row INSERT per chunk of rows. */
export async function insertRows(q: Queryable, head: string, perRow: number, rows: readonly SqlValue[][]): Promise<void> {
  const tuple = `(${new Array(perRow).fill('?').join(', ')})`;
  const step = Math.max(1, Math.floor(MAX_VALUES / perRow));
  for (let i = 0; i < rows.length; i += step) {
    const part = rows.slice(i, i + step);
    await q.run(`${head} VALUES ${part.map(() => tuple).join(', ')}`, part.flat());
  }
}

export interface StreamDevice {
  id: string;
  public_key_pem: string;
  key_digest: string;
  role: string;
  revoked_at: string | null;
  last_seq: number;
  last_hash: string | null;
}

export interface StoredResult {
  checkId: string;
  status: CheckStatus;
  reason: string | null;
  agentStatus: string;
  agentReason: string | null;
  factsJson: string | null;
}

export const streamDevicesRepo = {
  byId(q: Queryable, id: string) {
    return q.get<StreamDevice>('SELECT id, public_key_pem, key_digest, role, revoked_at, last_seq, last_hash FROM devices WHERE id = ?', [id]);
  },
  /**
   * The devices of one ingest batch, in id order. On PostgreSQL their rows are locked (FOR UPDATE) for the
   * rest of the transaction: a device is the unit another collector may be ingesting at the same moment
   * (its agent reconnected elsewhere), and locking in id order cannot deadlock with another batch.
   */
  forIngest(q: Queryable, ids: readonly string[], lock: boolean) {
    return q.all<IngestDevice>(
      `SELECT id, key_digest, role, site, revoked_at, last_seq, last_hash FROM devices WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
      ids,
    );
  },
  /** A session started: when, and the device clock's offset from ours (device minus collector, ms). */
  sessionStarted(q: Queryable, id: string, at: string, skewMs: number) {
    return q.run('UPDATE devices SET last_seen_at = ?, last_clock_skew_ms = ? WHERE id = ?', [at, skewMs, id]);
  },
  advance(
    q: Queryable,
    id: string,
    seq: number,
    hash: string,
    at: string,
    d: { hostname: string; osPlatform: string; osName: string; osVersion: string; arch: string; serial: string | null; model: string | null; agentVersion: string },
    /** The last_seq this update follows; seq - 1 except after a gap marker. */
    expectedLastSeq = seq - 1,
  ) {
    return q.run(
      `UPDATE devices SET last_seq = ?, last_hash = ?, last_seen_at = ?, last_attested_at = ?, hostname = ?, os_platform = ?, os_name = ?,
         os_version = ?, arch = ?, serial = ?, model = ?, agent_version = ? WHERE id = ? AND last_seq = ?`,
      [seq, hash, at, at, d.hostname, d.osPlatform, d.osName, d.osVersion, d.arch, d.serial, d.model, d.agentVersion, id, expectedLastSeq],
    );
  },
};

export interface IngestDevice {
  id: string;
  key_digest: string;
  role: string;
  site: string | null;
  revoked_at: string | null;
  last_seq: number;
  last_hash: string | null;
}

export interface NewEnvelope {
  deviceId: string;
  seq: number;
  sha256: string;
  bytes: Buffer;
  collectedAt: string;
  receivedAt: string;
  policyVersion: string;
}

export const envelopesRepo = {
  hashAt(q: Queryable, deviceId: string, seq: number) {
    return q.get<{ sha256: string }>('SELECT sha256 FROM envelopes WHERE device_id = ? AND seq = ?', [deviceId, seq]);
  },
  insertAll(q: Queryable, rows: readonly NewEnvelope[]) {
    return insertRows(
      q,
      'INSERT INTO envelopes (device_id, seq, sha256, bytes, collected_at, received_at, policy_version)',
      7,
      rows.map((e) => [e.deviceId, e.seq, e.sha256, e.bytes, e.collectedAt, e.receivedAt, e.policyVersion]),
    );
  },
  bytes(q: Queryable, deviceId: string, seq: number) {
    return q.get<{ bytes: Buffer; sha256: string }>('SELECT bytes, sha256 FROM envelopes WHERE device_id = ? AND seq = ?', [deviceId, seq]);
  },
  countFor(q: Queryable, deviceId: string) {
    return q.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE device_id = ?', [deviceId]);
  },
};

export const resultsRepo = {
  /** The results of many attestations in a few multi-row INSERTs. */
  insertAll(q: Queryable, attestations: readonly { deviceId: string; seq: number; collectedAt: string; results: readonly StoredResult[] }[]) {
    const rows: SqlValue[][] = [];
    for (const a of attestations) {
      for (const r of a.results) rows.push([a.deviceId, a.seq, r.checkId, r.status, r.reason, r.agentStatus, r.agentReason, r.factsJson, a.collectedAt]);
    }
    return insertRows(q, 'INSERT INTO check_results (device_id, seq, check_id, status, reason, agent_status, agent_reason, facts_json, collected_at)', 9, rows);
  },
};

export const tamperRepo = {
  insert(q: Queryable, t: { at: string; deviceId: string | null; code: string; seq: number | null; bytesSha256: string | null; remote: string | null; detail: string | null }) {
    return q.run('INSERT INTO tamper_events (at, device_id, code, seq, bytes_sha256, remote, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      t.at,
      t.deviceId,
      t.code,
      t.seq,
      t.bytesSha256,
      t.remote,
      t.detail,
    ]);
  },
  list(q: Queryable, deviceId?: string) {
    return deviceId
      ? q.all<{ at: string; device_id: string | null; code: string; seq: number | null; detail: string | null }>(
          'SELECT at, device_id, code, seq, detail FROM tamper_events WHERE device_id = ? ORDER BY id',
          [deviceId],
        )
      : q.all<{ at: string; device_id: string | null; code: string; seq: number | null; detail: string | null }>(
          'SELECT at, device_id, code, seq, detail FROM tamper_events ORDER BY id',
        );
  },
};
