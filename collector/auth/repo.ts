import type { Queryable } from '../db/types.js';

export type ApiRole = 'admin' | 'operator' | 'auditor';

export interface ApiTokenRow {
  id: string;
  name: string;
  role: ApiRole;
  secret_sha256: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export const apiTokensRepo = {
  insert(q: Queryable, t: ApiTokenRow) {
    return q.run('INSERT INTO api_tokens (id, name, role, secret_sha256, created_by, created_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)', [
      t.id, t.name, t.role, t.secret_sha256, t.created_by, t.created_at,
    ]);
  },
  byId(q: Queryable, id: string) {
    return q.get<ApiTokenRow>('SELECT * FROM api_tokens WHERE id = ?', [id]);
  },
  list(q: Queryable) {
    return q.all<ApiTokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id');
  },
  revoke(q: Queryable, id: string, at: string) {
    return q.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id]);
  },
  /** At most one write per token per minute: a read-heavy client must not turn every request into a write. */
  touch(q: Queryable, id: string, at: string, notBefore: string) {
    return q.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)', [at, id, notBefore]);
  },
};
