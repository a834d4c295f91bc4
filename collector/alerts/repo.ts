import type { Queryable } from '../db/types.js';

export interface AlertRow {
  id: string;
  kind: string;
  subject: string;
  device_id: string | null;
  check_id: string;
  severity: string;
  state: 'open' | 'acknowledged' | 'resolved';
  open_key: string | null;
  title: string;
  detail: string | null;
  hostname: string | null;
  role: string | null;
  site: string | null;
  flapping: number;
  group_id: string | null;
  resolve_group_id: string | null;
  occurrences: number;
  opened_at: string;
  last_seen_at: string;
  acked_at: string | null;
  acked_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolve_note: string | null;
}

export interface OutboxRow {
  id: number;
  idempotency_key: string;
  channel: string;
  event: string;
  alert_id: string | null;
  group_id: string | null;
  payload: string;
  created_at: string;
  status: 'pending' | 'sending' | 'delivered' | 'dead';
  attempts: number;
  next_at: string;
  lease_until: string | null;
  last_error: string | null;
  delivered_at: string | null;
}

export interface GroupRow {
  id: string;
  event: string;
  kind: string;
  check_id: string;
  opened_at: string;
  sealed_at: string | null;
}

export const alertsRepo = {
  byId(q: Queryable, id: string) {
    return q.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', [id]);
  },
  openByKey(q: Queryable, key: string) {
    return q.get<AlertRow>('SELECT * FROM alerts WHERE open_key = ?', [key]);
  },
  openByKeys(q: Queryable, keys: string[]) {
    return q.all<AlertRow>(`SELECT * FROM alerts WHERE open_key IN (${keys.map(() => '?').join(', ')})`, keys);
  },
  /** Inserts unless an alert with the same open key is open; changes = 0 then. */
  insert(q: Queryable, a: Omit<AlertRow, 'acked_at' | 'acked_by' | 'resolved_at' | 'resolved_by' | 'resolve_note' | 'group_id' | 'resolve_group_id' | 'occurrences'>) {
    return q.run(
      `INSERT INTO alerts (id, kind, subject, device_id, check_id, severity, state, open_key, title, detail, hostname, role, site, flapping, opened_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (open_key) DO NOTHING`,
      [a.id, a.kind, a.subject, a.device_id, a.check_id, a.severity, a.state, a.open_key, a.title, a.detail, a.hostname, a.role, a.site, a.flapping, a.opened_at, a.last_seen_at],
    );
  },
  seenAgain(q: Queryable, openKey: string, at: string, detail: string | null) {
    return q.run('UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = ?, detail = COALESCE(?, detail) WHERE open_key = ?', [at, detail, openKey]);
  },
  markFlapping(q: Queryable, id: string) {
    return q.run('UPDATE alerts SET flapping = 1 WHERE id = ?', [id]);
  },
  openedSince(q: Queryable, kind: string, subject: string, checkId: string, since: string) {
    return q.get<{ n: number }>('SELECT COUNT(*) AS n FROM alerts WHERE kind = ? AND subject = ? AND check_id = ? AND opened_at >= ?', [kind, subject, checkId, since]);
  },
  /** Alerts of one kind and check in the storm window, counted up to `cap` (all a storm decision needs). */
  stormCount(q: Queryable, event: 'opened' | 'resolved', kind: string, checkId: string, since: string, cap: number) {
    const col = event === 'opened' ? 'opened_at' : 'resolved_at';
    return q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM alerts WHERE kind = ? AND check_id = ? AND ${col} >= ? AND flapping = 0 LIMIT ?) w`, [kind, checkId, since, cap]);
  },
  setGroup(q: Queryable, id: string, event: 'opened' | 'resolved', groupId: string) {
    return q.run(`UPDATE alerts SET ${event === 'opened' ? 'group_id' : 'resolve_group_id'} = ? WHERE id = ?`, [groupId, id]);
  },
  ack(q: Queryable, id: string, at: string, by: string) {
    return q.run("UPDATE alerts SET state = 'acknowledged', acked_at = ?, acked_by = ? WHERE id = ? AND state = 'open'", [at, by, id]);
  },
  resolve(q: Queryable, id: string, at: string, by: string, note: string | null) {
    return q.run("UPDATE alerts SET state = 'resolved', open_key = NULL, resolved_at = ?, resolved_by = ?, resolve_note = ? WHERE id = ? AND state <> 'resolved'", [at, by, note, id]);
  },
  list(q: Queryable, f: { states: string[]; kind?: string; deviceId?: string; limit: number }) {
    const where = [`state IN (${f.states.map(() => '?').join(', ')})`];
    const params: (string | number)[] = [...f.states];
    if (f.kind) {
      where.push('kind = ?');
      params.push(f.kind);
    }
    if (f.deviceId) {
      where.push('device_id = ?');
      params.push(f.deviceId);
    }
    params.push(f.limit);
    return q.all<AlertRow>(`SELECT * FROM alerts WHERE ${where.join(' AND ')} ORDER BY opened_at DESC, id LIMIT ?`, params);
  },
  groupMembers(q: Queryable, groupId: string, event: string, limit: number) {
    const col = event === 'resolved' ? 'resolve_group_id' : 'group_id';
    return q.all<AlertRow>(`SELECT * FROM alerts WHERE ${col} = ? ORDER BY opened_at, id LIMIT ?`, [groupId, limit]);
  },
  groupCount(q: Queryable, groupId: string, event: string) {
    const col = event === 'resolved' ? 'resolve_group_id' : 'group_id';
    return q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts WHERE ${col} = ?`, [groupId]);
  },
  /** Devices not revoked whose last attestation (or enrolment) is older than the cutoff and with no open stale alert. */
  staleDevices(q: Queryable, cutoff: string, role: { only?: string; except?: string[] }) {
    const params: string[] = [cutoff];
    let roleSql = '';
    if (role.only !== undefined) {
      roleSql = 'AND d.role = ?';
      params.push(role.only);
    } else if (role.except?.length) {
      roleSql = `AND d.role NOT IN (${role.except.map(() => '?').join(', ')})`;
      params.push(...role.except);
    }
    return q.all<{ id: string; hostname: string; role: string; site: string | null; last: string }>(
      `SELECT d.id, d.hostname, d.role, d.site, COALESCE(d.last_attested_at, d.enrolled_at) AS last FROM devices d
        LEFT JOIN alerts a ON a.open_key = 'stale|' || d.id || '|'
        WHERE d.revoked_at IS NULL AND COALESCE(d.last_attested_at, d.enrolled_at) < ? ${roleSql} AND a.id IS NULL`,
      params,
    );
  },
};

export const groupsRepo = {
  openFor(q: Queryable, event: string, kind: string, checkId: string) {
    return q.get<GroupRow>('SELECT * FROM alert_groups WHERE event = ? AND kind = ? AND check_id = ? AND sealed_at IS NULL ORDER BY opened_at DESC LIMIT 1', [event, kind, checkId]);
  },
  insert(q: Queryable, g: GroupRow) {
    return q.run('INSERT INTO alert_groups (id, event, kind, check_id, opened_at, sealed_at) VALUES (?, ?, ?, ?, ?, NULL)', [g.id, g.event, g.kind, g.check_id, g.opened_at]);
  },
  seal(q: Queryable, id: string, at: string) {
    return q.run('UPDATE alert_groups SET sealed_at = ? WHERE id = ? AND sealed_at IS NULL', [at, id]);
  },
  byId(q: Queryable, id: string) {
    return q.get<GroupRow>('SELECT * FROM alert_groups WHERE id = ?', [id]);
  },
};

export const outboxRepo = {
  insert(q: Queryable, o: { key: string; channel: string; event: string; alertId: string | null; groupId: string | null; payload: string; at: string; nextAt: string }) {
    return q.run(
      "INSERT INTO alert_outbox (idempotency_key, channel, event, alert_id, group_id, payload, created_at, status, attempts, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
      [o.key, o.channel, o.event, o.alertId, o.groupId, o.payload, o.at, o.nextAt],
    );
  },
  /** Due now: pending and past next_at, or sending with an expired lease (a collector died mid-send). */
  due(q: Queryable, now: string, limit: number) {
    // Two indexed range reads (status, next_at / status) rather than an OR that scans delivered rows.
    return q.all<OutboxRow>(
      `SELECT * FROM (SELECT * FROM alert_outbox WHERE status = 'pending' AND next_at <= ?
        UNION ALL SELECT * FROM alert_outbox WHERE status = 'sending' AND lease_until <= ?) d ORDER BY id LIMIT ?`,
      [now, now, limit],
    );
  },
  /** Claims the rows that are still due (the condition is re-checked, so two collectors never both claim one). */
  /** The ids actually claimed: a row another collector claimed first is not among them. */
  claim(q: Queryable, ids: number[], now: string, leaseUntil: string) {
    return q.all<{ id: number }>(
      `UPDATE alert_outbox SET status = 'sending', attempts = attempts + 1, lease_until = ?
        WHERE id IN (${ids.map(() => '?').join(', ')}) AND ((status = 'pending' AND next_at <= ?) OR (status = 'sending' AND lease_until <= ?))
        RETURNING id`,
      [leaseUntil, ...ids, now, now],
    );
  },
  delivered(q: Queryable, ids: number[], at: string) {
    return q.run(`UPDATE alert_outbox SET status = 'delivered', delivered_at = ?, lease_until = NULL, last_error = NULL WHERE id IN (${ids.map(() => '?').join(', ')}) AND status = 'sending'`, [at, ...ids]);
  },
  failed(q: Queryable, id: number, status: 'pending' | 'dead', nextAt: string, error: string) {
    return q.run("UPDATE alert_outbox SET status = ?, next_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND status = 'sending'", [status, nextAt, error, id]);
  },
  byId(q: Queryable, id: number) {
    return q.get<OutboxRow>('SELECT * FROM alert_outbox WHERE id = ?', [id]);
  },
  dead(q: Queryable, limit: number) {
    return q.all<OutboxRow>("SELECT * FROM alert_outbox WHERE status = 'dead' ORDER BY id DESC LIMIT ?", [limit]);
  },
  forAlert(q: Queryable, alertId: string, groupIds: string[]) {
    const ids = groupIds.filter(Boolean);
    return q.all<OutboxRow>(
      `SELECT * FROM alert_outbox WHERE alert_id = ? ${ids.length ? `OR group_id IN (${ids.map(() => '?').join(', ')})` : ''} ORDER BY id`,
      [alertId, ...ids],
    );
  },
  retry(q: Queryable, id: number, at: string) {
    return q.run("UPDATE alert_outbox SET status = 'pending', attempts = 0, next_at = ?, last_error = NULL WHERE id = ? AND status = 'dead'", [at, id]);
  },
};
