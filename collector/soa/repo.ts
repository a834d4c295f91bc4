import type { Queryable } from '../db/types.js';

export interface SoaDecisionRow {
  id: number;
  control_id: string;
  applicable: number;
  justification: string;
  decided_by: string;
  decided_at: string;
}

export interface ManualEvidenceRow {
  id: string;
  control_id: string;
  sha256: string;
  size: number;
  filename: string;
  note: string;
  added_by: string;
  added_at: string;
}

export const soaRepo = {
  insert(q: Queryable, d: Omit<SoaDecisionRow, 'id'>) {
    return q.run('INSERT INTO soa_decisions (control_id, applicable, justification, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)', [
      d.control_id, d.applicable, d.justification, d.decided_by, d.decided_at,
    ]);
  },
  /** The decision in force per control at a moment (the newest made at or before it). */
  currentAt(q: Queryable, at: string) {
    return q.all<SoaDecisionRow>(
      `SELECT id, control_id, applicable, justification, decided_by, decided_at FROM soa_decisions
        WHERE id IN (SELECT MAX(id) FROM soa_decisions WHERE decided_at <= ? GROUP BY control_id)`,
      [at],
    );
  },
  history(q: Queryable, controlId: string) {
    return q.all<SoaDecisionRow>('SELECT id, control_id, applicable, justification, decided_by, decided_at FROM soa_decisions WHERE control_id = ? ORDER BY id', [controlId]);
  },
};

export const manualEvidenceRepo = {
  insert(q: Queryable, e: ManualEvidenceRow) {
    return q.run('INSERT INTO manual_evidence (id, control_id, sha256, size, filename, note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      e.id, e.control_id, e.sha256, e.size, e.filename, e.note, e.added_by, e.added_at,
    ]);
  },
  upTo(q: Queryable, at: string, controlId?: string) {
    return controlId
      ? q.all<ManualEvidenceRow>('SELECT * FROM manual_evidence WHERE added_at <= ? AND control_id = ? ORDER BY added_at, id', [at, controlId])
      : q.all<ManualEvidenceRow>('SELECT * FROM manual_evidence WHERE added_at <= ? ORDER BY control_id, added_at, id', [at]);
  },
  byId(q: Queryable, id: string) {
    return q.get<ManualEvidenceRow>('SELECT * FROM manual_evidence WHERE id = ?', [id]);
  },
};
