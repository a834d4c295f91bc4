import type { Queryable } from '../db/types.js';

export type UserRole = 'admin' | 'operator' | 'auditor';

export interface UserRow {
  id: string;
  username: string;
  role: UserRole;
  password_hash: string;
  created_by: string;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionRow {
  id_sha256: string;
  user_id: string;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export const usersRepo = {
  insert(q: Queryable, u: UserRow) {
    return q.run('INSERT INTO users (id, username, role, password_hash, created_by, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, NULL)', [
      u.id, u.username, u.role, u.password_hash, u.created_by, u.created_at,
    ]);
  },
  byUsername(q: Queryable, username: string) {
    return q.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
  },
  list(q: Queryable) {
    return q.all<UserRow>('SELECT * FROM users ORDER BY username');
  },
  disable(q: Queryable, id: string, at: string) {
    return q.run('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', [at, id]);
  },
  setPassword(q: Queryable, id: string, hash: string) {
    return q.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, id]);
  },
};

export const sessionsRepo = {
  insert(q: Queryable, s: SessionRow) {
    return q.run('INSERT INTO sessions (id_sha256, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [s.id_sha256, s.user_id, s.csrf, s.created_at, s.expires_at]);
  },
  /** The live session with its user; disabled users have none. */
  live(q: Queryable, idSha256: string, now: string) {
    return q.get<SessionRow & { username: string; role: UserRole }>(
      `SELECT s.*, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_sha256 = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
      [idSha256, now],
    );
  },
  delete(q: Queryable, idSha256: string) {
    return q.run('DELETE FROM sessions WHERE id_sha256 = ?', [idSha256]);
  },
  deleteForUser(q: Queryable, userId: string) {
    return q.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
  },
  purgeExpired(q: Queryable, now: string) {
    return q.run('DELETE FROM sessions WHERE expires_at <= ?', [now]);
  },
};
