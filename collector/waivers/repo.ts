import type { Queryable } from '../db/types.js';
import type { WaiverRow } from './apply.js';

const COLUMNS = 'id, device_id, check_id, control_id, reason, approver, created_by, created_at, expires_at, revoked_at, revoked_by, revoke_reason';

export const waiversRepo = {
  insert(q: Queryable, w: WaiverRow) {
    return q.run(`INSERT INTO waivers (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      w.id, w.device_id, w.check_id, w.control_id, w.reason, w.approver, w.created_by, w.created_at, w.expires_at, w.revoked_at, w.revoked_by, w.revoke_reason,
    ]);
  },
  byId(q: Queryable, id: string) {
    return q.get<WaiverRow>(`SELECT ${COLUMNS} FROM waivers WHERE id = ?`, [id]);
  },
  /** In force at a moment (see inForce in apply.ts; the same rule in SQL). */
  inForceAt(q: Queryable, at: string) {
    return q.all<WaiverRow>(
      `SELECT ${COLUMNS} FROM waivers WHERE created_at <= ? AND expires_at > ? AND (revoked_at IS NULL OR revoked_at > ?) ORDER BY created_at, id`,
      [at, at, at],
    );
  },
  /** Every waiver that was in force at some point of [from, to]. */
  overlapping(q: Queryable, from: string, to: string) {
    return q.all<WaiverRow>(
      `SELECT ${COLUMNS} FROM waivers WHERE created_at <= ? AND expires_at > ? AND (revoked_at IS NULL OR revoked_at > ?) ORDER BY created_at, id`,
      [to, from, from],
    );
  },
  all(q: Queryable) {
    return q.all<WaiverRow>(`SELECT ${COLUMNS} FROM waivers ORDER BY created_at, id`);
  },
  revoke(q: Queryable, id: string, at: string, by: string, reason: string) {
    return q.run('UPDATE waivers SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL', [at, by, reason, id]);
  },
};
