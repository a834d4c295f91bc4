import type { Queryable } from '../db/types.js';

export interface DeviceRow {
  id: string;
  hostname: string;
  role: string;
  site: string | null;
  os_platform: string | null;
  os_name: string | null;
  os_version: string | null;
  arch: string | null;
  serial: string | null;
  agent_version: string | null;
  enrolled_at: string;
  revoked_at: string | null;
  last_seq: number;
  last_seen_at: string | null;
  last_attested_at: string | null;
  /** Device clock minus collector clock at the last session start, ms. */
  last_clock_skew_ms: number | null;
  key_digest: string;
}

const COLUMNS = `id, hostname, role, site, os_platform, os_name, os_version, arch, serial, agent_version, enrolled_at, revoked_at,
  last_seq, last_seen_at, last_attested_at, last_clock_skew_ms, key_digest`;

export const devicesRepo = {
  list(q: Queryable) {
    return q.all<DeviceRow>(`SELECT ${COLUMNS} FROM devices ORDER BY hostname, id`);
  },
  byId(q: Queryable, id: string) {
    return q.get<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE id = ?`, [id]);
  },
  revoke(q: Queryable, id: string, at: string) {
    return q.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id]);
  },
  counts(q: Queryable) {
    return q.get<{ devices: number; active: number; envelopes: number; tamper: number }>(
      `SELECT (SELECT COUNT(*) FROM devices) AS devices,
              (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL) AS active,
              (SELECT COUNT(*) FROM envelopes) AS envelopes,
              (SELECT COUNT(*) FROM tamper_events) AS tamper`,
    );
  },
};
