// Queries behind the dashboard and its API: bounded work per page whatever the fleet size (keyset
// paging on indexed columns; per-page detail fetched only for the rows shown).
import type { Queryable, SqlValue } from '../db/types.js';

export interface DeviceListRow {
  id: string;
  hostname: string;
  role: string;
  site: string | null;
  os_platform: string | null;
  os_name: string | null;
  os_version: string | null;
  last_seen_at: string | null;
  last_attested_at: string | null;
  revoked_at: string | null;
  failing: number;
}

export type DeviceSort = 'hostname' | 'last_seen' | 'failing';
export type DeviceStatusFilter = 'pass' | 'fail' | 'unknown' | 'stale' | 'revoked' | 'none';

export interface DeviceFilter {
  q?: string;
  status?: DeviceStatusFilter;
  role?: string;
  site?: string;
  os?: string;
  check?: string;
  staleBefore: string;
}

export interface Cursor {
  /** Sort key of the last row shown. */
  k: string | number | null;
  id: string;
}

const FAILING = `(SELECT COUNT(*) FROM check_state cs WHERE cs.device_id = d.id AND cs.status = 'fail')`;

function filterSql(f: DeviceFilter): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.status === 'revoked') where.push('d.revoked_at IS NOT NULL');
  else where.push('d.revoked_at IS NULL');
  if (f.q) {
    // Hostname, id or serial contains the text (LIKE with the wildcards of the input escaped).
    // Case-insensitive on both engines (SQLite's LIKE already is for ASCII; PostgreSQL's is not).
    where.push("(lower(d.hostname) LIKE ? ESCAPE '\\' OR lower(d.id) LIKE ? ESCAPE '\\' OR lower(d.serial) LIKE ? ESCAPE '\\')");
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(like, like, like);
  }
  if (f.role) (where.push('d.role = ?'), params.push(f.role));
  if (f.site) (where.push('d.site = ?'), params.push(f.site));
  if (f.os) (where.push('d.os_platform = ?'), params.push(f.os));
  const checkClause = f.check ? ' AND cs.check_id = ?' : '';
  const checkParam = f.check ? [f.check] : [];
  switch (f.status) {
    case 'fail':
      where.push(`EXISTS (SELECT 1 FROM check_state cs WHERE cs.device_id = d.id AND cs.status = 'fail'${checkClause})`);
      params.push(...checkParam);
      break;
    case 'unknown':
      where.push(`EXISTS (SELECT 1 FROM check_state cs WHERE cs.device_id = d.id AND cs.status IN ('unknown', 'error')${checkClause})`);
      params.push(...checkParam);
      break;
    case 'pass':
      if (f.check) (where.push(`EXISTS (SELECT 1 FROM check_state cs WHERE cs.device_id = d.id AND cs.status = 'pass' AND cs.check_id = ?)`), params.push(f.check));
      else where.push(`EXISTS (SELECT 1 FROM check_state cs WHERE cs.device_id = d.id) AND NOT EXISTS (SELECT 1 FROM check_state cs WHERE cs.device_id = d.id AND cs.status NOT IN ('pass', 'not_applicable'))`);
      break;
    case 'stale':
      where.push('(d.last_attested_at IS NULL OR d.last_attested_at < ?)');
      params.push(f.staleBefore);
      break;
    case 'none':
      where.push('d.last_seq = 0');
      break;
    default:
      if (f.check) (where.push('EXISTS (SELECT 1 FROM check_state cs WHERE cs.device_id = d.id AND cs.check_id = ?)'), params.push(f.check));
  }
  return { where, params };
}

export const dashboardRepo = {
  /** One page of devices in the chosen order, after the cursor (keyset paging: no OFFSET). */
  devicePage(q: Queryable, f: DeviceFilter, sort: DeviceSort, desc: boolean, after: Cursor | null, limit: number) {
    const { where, params } = filterSql(f);
    const key = sort === 'hostname' ? 'd.hostname' : sort === 'last_seen' ? "COALESCE(d.last_attested_at, '')" : FAILING;
    const cmp = desc ? '<' : '>';
    if (after) {
      where.push(`(${key} ${cmp} ? OR (${key} = ? AND d.id ${cmp} ?))`);
      params.push(after.k, after.k, after.id);
    }
    params.push(limit);
    const dir = desc ? 'DESC' : 'ASC';
    return q.all<DeviceListRow>(
      `SELECT d.id, d.hostname, d.role, d.site, d.os_platform, d.os_name, d.os_version, d.last_seen_at, d.last_attested_at, d.revoked_at,
              ${FAILING} AS failing
         FROM devices d WHERE ${where.join(' AND ')} ORDER BY ${key} ${dir}, d.id ${dir} LIMIT ?`,
      params,
    );
  },

  countDevices(q: Queryable, f: DeviceFilter) {
    const { where, params } = filterSql(f);
    return q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM devices d WHERE ${where.join(' AND ')}`, params);
  },

  /** Results per status of the given devices' current checks. */
  async statusCounts(q: Queryable, ids: readonly string[]) {
    if (!ids.length) return [];
    return q.all<{ device_id: string; status: string; n: number }>(
      `SELECT device_id, status, COUNT(*) AS n FROM check_state WHERE device_id IN (${ids.map(() => '?').join(', ')}) GROUP BY device_id, status`,
      ids,
    );
  },

  /** Distinct values for the filter menus. */
  async facets(q: Queryable) {
    const [roles, sites, oses] = await Promise.all([
      q.all<{ v: string }>('SELECT DISTINCT role AS v FROM devices ORDER BY role'),
      q.all<{ v: string }>('SELECT DISTINCT site AS v FROM devices WHERE site IS NOT NULL ORDER BY site'),
      q.all<{ v: string }>('SELECT DISTINCT os_platform AS v FROM devices WHERE os_platform IS NOT NULL ORDER BY os_platform'),
    ]);
    return { roles: roles.map((r) => r.v), sites: sites.map((r) => r.v), oses: oses.map((r) => r.v) };
  },

  /**
   * Current results per check and status, active devices only: all devices from the covering index,
   * minus the (few) revoked ones; a join per row would cost ten times more at 10,000 devices.
   */
  async checkCounts(q: Queryable) {
    const [all, revoked] = await Promise.all([
      q.all<{ check_id: string; status: string; n: number }>('SELECT check_id, status, COUNT(*) AS n FROM check_state GROUP BY check_id, status'),
      q.all<{ check_id: string; status: string; n: number }>(
        'SELECT check_id, status, COUNT(*) AS n FROM check_state WHERE device_id IN (SELECT id FROM devices WHERE revoked_at IS NOT NULL) GROUP BY check_id, status',
      ),
    ]);
    const minus = new Map(revoked.map((r) => [`${r.check_id}\u0000${r.status}`, r.n]));
    return all.map((r) => ({ ...r, n: r.n - (minus.get(`${r.check_id}\u0000${r.status}`) ?? 0) })).filter((r) => r.n > 0);
  },

  /**
   * Devices grouped by their listed results ("check:status,…": every result other than pass, and every
   * result of the `always` checks), with how many devices share each list; devices with nothing listed
   * are not returned. Devices in `apart` (revoked, or evaluated one by one) are left out. Two index
   * ranges joined with UNION ALL: an OR across both would scan the whole table.
   */
  resultGroups(q: Queryable, apart: readonly string[], always: readonly string[]) {
    const passing = always.length
      ? `UNION ALL SELECT device_id, check_id, status FROM check_state WHERE status = 'pass' AND check_id IN (${always.map(() => '?').join(', ')})`
      : '';
    return q.all<{ sig: string; n: number }>(
      `SELECT sig, COUNT(*) AS n FROM (
         SELECT device_id, string_agg(check_id || ':' || status, ',') AS sig FROM (
           SELECT device_id, check_id, status FROM check_state WHERE status < 'pass' OR status > 'pass' ${passing}) r
          ${apart.length ? `WHERE device_id NOT IN (${apart.map(() => '?').join(', ')})` : ''}
          GROUP BY device_id) g
        GROUP BY sig`,
      [...always, ...apart],
    );
  },

  revokedIds(q: Queryable) {
    return q.all<{ id: string }>('SELECT id FROM devices WHERE revoked_at IS NOT NULL');
  },

  statesOf(q: Queryable, ids: readonly string[]) {
    if (!ids.length) return Promise.resolve([]);
    return q.all<{ device_id: string; check_id: string; status: string }>(
      `SELECT cs.device_id, cs.check_id, cs.status FROM check_state cs JOIN devices d ON d.id = cs.device_id
        WHERE d.revoked_at IS NULL AND cs.device_id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
  },

  fleetCounts(q: Queryable, staleBefore: string, tamperSince: string) {
    return q.get<{ devices: number; revoked: number; stale: number; never: number; tamper: number; tamper_recent: number; tamper_devices: number }>(
      `SELECT (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL) AS devices,
              (SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL) AS revoked,
              (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL AND (last_attested_at IS NULL OR last_attested_at < ?)) AS stale,
              (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL AND last_seq = 0) AS never,
              (SELECT COUNT(*) FROM tamper_events) AS tamper,
              (SELECT COUNT(*) FROM tamper_events WHERE at >= ?) AS tamper_recent,
              (SELECT COUNT(DISTINCT device_id) FROM tamper_events WHERE at >= ?) AS tamper_devices`,
      [staleBefore, tamperSince, tamperSince],
    );
  },

  trendDays(q: Queryable, fromDay: string) {
    return q.all<TrendDay>('SELECT day, pass, fail, unknown, other FROM fleet_trend_daily WHERE day >= ? ORDER BY day', [fromDay]);
  },
  async saveTrendDays(q: Queryable, days: readonly TrendDay[], at: string) {
    for (let i = 0; i < days.length; i += 100) {
      const chunk = days.slice(i, i + 100);
      await q.run(
        `INSERT INTO fleet_trend_daily (day, pass, fail, unknown, other, computed_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (day) DO UPDATE SET pass = excluded.pass, fail = excluded.fail, unknown = excluded.unknown, other = excluded.other, computed_at = excluded.computed_at`,
        chunk.flatMap((d) => [d.day, d.pass, d.fail, d.unknown, d.other, at]),
      );
    }
  },
  /** Status changes up to a moment, in time order (for the trend sweep). */
  transitionsUpTo(q: Queryable, to: string) {
    return q.all<{ device_id: string; check_id: string; status: string; collected_at: string }>(
      `SELECT t.device_id, t.check_id, t.status, t.collected_at FROM check_transitions t JOIN devices d ON d.id = t.device_id
        WHERE t.collected_at < ? AND (d.revoked_at IS NULL OR d.revoked_at >= t.collected_at) ORDER BY t.collected_at`,
      [to],
    );
  },

  envelopes(q: Queryable, deviceId: string, limit: number) {
    return q.all<{ seq: number; sha256: string; collected_at: string; received_at: string; policy_version: string }>(
      'SELECT seq, sha256, collected_at, received_at, policy_version FROM envelopes WHERE device_id = ? ORDER BY seq DESC LIMIT ?',
      [deviceId, limit],
    );
  },
  envelope(q: Queryable, deviceId: string, seq: number) {
    return q.get<{ bytes: Buffer; sha256: string }>('SELECT bytes, sha256 FROM envelopes WHERE device_id = ? AND seq = ?', [deviceId, seq]);
  },

  auditPage(q: Queryable, beforeId: number | null, limit: number, filter: { actor?: string; action?: string }) {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (beforeId !== null) (where.push('id < ?'), params.push(beforeId));
    if (filter.actor) (where.push('actor = ?'), params.push(filter.actor));
    if (filter.action) (where.push('action = ?'), params.push(filter.action));
    params.push(limit);
    return q.all<AuditRow>(`SELECT id, at, actor, action, subject, detail FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, params);
  },
};

export interface TrendDay {
  day: string;
  pass: number;
  fail: number;
  unknown: number;
  other: number;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}
