import type { CheckStatus } from '../../protocol/checks/index.js';
import { chunks, insertRows } from '../db/rows.js';
import type { Queryable, SqlValue } from '../db/types.js';

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
  /** The stream's view of many devices at once (the hellos of a reconnect storm), one query per chunk. */
  async byIds(q: Queryable, ids: readonly string[]): Promise<StreamDevice[]> {
    const out: StreamDevice[] = [];
    for (const part of chunks(ids, 1)) {
      out.push(...(await q.all<StreamDevice>(`SELECT id, public_key_pem, key_digest, role, revoked_at, last_seq, last_hash FROM devices WHERE id IN (${part.map(() => '?').join(', ')})`, part)));
    }
    return out;
  },
  /** Sessions started: when, and each device clock's offset from ours (device minus collector, ms). */
  async sessionsStarted(q: Queryable, rows: readonly { id: string; at: string; skewMs: number }[]): Promise<void> {
    for (const part of chunks(rows, 3)) {
      await q.run(
        `UPDATE devices SET last_seen_at = v.column2, last_clock_skew_ms = CAST(v.column3 AS INTEGER)
           FROM (VALUES ${part.map(() => '(?, ?, ?)').join(', ')}) AS v WHERE devices.id = v.column1`,
        part.flatMap((r) => [r.id, r.at, Math.round(r.skewMs)]),
      );
    }
  },
  /**
   * Moves the heads of many devices in one statement per chunk, each only if its last_seq is still the one
   * the batch read. Returns the ids that moved.
   */
  async advanceAll(q: Queryable, rows: readonly DeviceAdvance[]): Promise<Set<string>> {
    const moved = new Set<string>();
    for (const part of chunks(rows, 13)) {
      const updated = await q.all<{ id: string }>(
        `UPDATE devices SET last_seq = CAST(v.column2 AS INTEGER), last_hash = v.column3, last_seen_at = v.column4, last_attested_at = v.column4,
           hostname = v.column5, os_platform = v.column6, os_name = v.column7, os_version = v.column8, arch = v.column9,
           serial = v.column10, model = v.column11, agent_version = v.column12
           FROM (VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}) AS v
           WHERE devices.id = v.column1 AND devices.last_seq = CAST(v.column13 AS INTEGER) RETURNING devices.id`,
        part.flatMap((r) => {
          const d = r.device;
          return [r.id, r.seq, r.hash, r.at, d.hostname, d.osPlatform, d.osName, d.osVersion, d.arch, d.serial, d.model, d.agentVersion, r.expectedLastSeq];
        }),
      );
      for (const u of updated) moved.add(u.id);
    }
    return moved;
  },
};

/** A device head moving to seq (and hash), with what the newest attestation says about the device. */
export interface DeviceAdvance {
  id: string;
  seq: number;
  hash: string;
  at: string;
  device: { hostname: string; osPlatform: string; osName: string; osVersion: string; arch: string; serial: string | null; model: string | null; agentVersion: string };
  /** The last_seq this update follows; seq - 1 except after a gap marker. */
  expectedLastSeq: number;
}


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
