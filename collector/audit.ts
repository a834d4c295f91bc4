import type { Queryable } from './db/types.js';

/** Append-only record of who did what: enrolments, refusals, token and device administration. */
export async function audit(q: Queryable, at: Date, actor: string, action: string, subject: string | null, detail?: unknown): Promise<void> {
  await q.run('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)', [
    at.toISOString(),
    actor,
    action,
    subject,
    detail === undefined ? null : JSON.stringify(detail),
  ]);
}
