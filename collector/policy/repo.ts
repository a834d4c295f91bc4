import type { Queryable } from '../db/types.js';

export interface PolicyVersionRow {
  version: string;
  label: string;
  sha256: string;
  source: string;
  first_loaded_at: string;
}

export const policyVersionsRepo = {
  async insertIfNew(q: Queryable, row: PolicyVersionRow): Promise<boolean> {
    if (await q.get('SELECT 1 AS x FROM policy_versions WHERE version = ?', [row.version])) return false;
    await q.run('INSERT INTO policy_versions (version, label, sha256, source, first_loaded_at) VALUES (?, ?, ?, ?, ?)', [
      row.version, row.label, row.sha256, row.source, row.first_loaded_at,
    ]);
    return true;
  },
  /** The version loaded last (a revert to an older file counts), from the audit log. */
  lastLoaded(q: Queryable) {
    return q.get<PolicyVersionRow>(
      `SELECT p.version, p.label, p.sha256, p.source, p.first_loaded_at FROM policy_versions p
        WHERE p.version = (SELECT a.subject FROM audit_log a WHERE a.action = 'policy.load' ORDER BY a.id DESC LIMIT 1)`,
    );
  },
  byVersion(q: Queryable, version: string) {
    return q.get<PolicyVersionRow>('SELECT version, label, sha256, source, first_loaded_at FROM policy_versions WHERE version = ?', [version]);
  },
  list(q: Queryable) {
    return q.all<Omit<PolicyVersionRow, 'source'>>('SELECT version, label, sha256, first_loaded_at FROM policy_versions ORDER BY first_loaded_at, version');
  },
};
