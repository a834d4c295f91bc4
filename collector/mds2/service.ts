// MDS2 baselines per device model: import a manufacturer's form (CSV), assign models to devices, and
// compare what the form declares with what the devices' attestations show (baseline.ts says how).
import { createHash } from 'node:crypto';
import { VigilError } from '../../protocol/errors.js';
import type { CheckStatus } from '../../protocol/checks/types.js';
import { audit } from '../audit.js';
import type { Db } from '../db/types.js';
import { MDS2_RULES, SEGREGATION_CHECK, type Mds2Rule } from './baseline.js';
import { parseMds2Form, type Mds2Answer } from './parse.js';

const MODEL_NAME = /^[^\u0000-\u001f\u007f]{1,128}$/;

export type FindingKind =
  /** declared Yes, observed fail */
  | 'mismatch'
  /** declared No/N-A for a protection, and the segregation required instead is not evidenced */
  | 'segregation-missing'
  /** declared No, observed pass: the form understates the device (worth correcting, not a risk) */
  | 'understated'
  /** observed state unknown or not yet reported */
  | 'unverified'
  | 'consistent'
  | 'not-applicable'
  | 'see-note';

export interface Mds2Finding {
  deviceId: string;
  hostname: string;
  model: string;
  question: string;
  answer: Mds2Answer;
  checkId: string;
  expected: 'pass' | 'not_applicable' | 'absent' | 'none';
  observed: CheckStatus | null;
  kind: FindingKind;
  detail: string;
}

export const PROBLEM_KINDS: readonly FindingKind[] = ['mismatch', 'segregation-missing', 'understated'];

export interface Mds2Model {
  model: string;
  sourceFile: string;
  sourceSha256: string;
  importedAt: string;
  importedBy: string;
  answers: number;
}

function assertModel(model: string): void {
  if (!MODEL_NAME.test(model) || model.trim() !== model) throw new VigilError('E_BAD_REQUEST', 'a model name is 1 to 128 printable characters without leading or trailing spaces');
}

export class Mds2Service {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** Replaces the model's answers with those of the file; the file's SHA-256 is kept as its evidence. */
  async importForm(model: string, sourceFile: string, bytes: Buffer, actor: string): Promise<{ model: string; answers: number; sha256: string; mapped: number }> {
    assertModel(model);
    const rows = parseMds2Form(bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const at = this.now();
    await this.db.tx(async (q) => {
      await q.run('DELETE FROM mds2_answers WHERE model = ?', [model]);
      await q.run(
        `INSERT INTO mds2_models (model, source_file, source_sha256, imported_at, imported_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (model) DO UPDATE SET source_file = excluded.source_file, source_sha256 = excluded.source_sha256, imported_at = excluded.imported_at, imported_by = excluded.imported_by`,
        [model, sourceFile.slice(0, 256), sha256, at.toISOString(), actor],
      );
      for (const r of rows) await q.run('INSERT INTO mds2_answers (model, question_id, answer, note, line) VALUES (?, ?, ?, ?, ?)', [model, r.id, r.answer, r.note, r.line]);
      await audit(q, at, actor, 'mds2.import', model, { file: sourceFile.slice(0, 256), sha256, answers: rows.length });
    });
    return { model, answers: rows.length, sha256, mapped: rows.filter((r) => MDS2_RULES.some((x) => x.question === r.id)).length };
  }

  async models(): Promise<Mds2Model[]> {
    const rows = await this.db.all<{ model: string; source_file: string; source_sha256: string; imported_at: string; imported_by: string; n: number }>(
      'SELECT m.*, (SELECT COUNT(*) FROM mds2_answers a WHERE a.model = m.model) AS n FROM mds2_models m ORDER BY m.model',
    );
    return rows.map((r) => ({ model: r.model, sourceFile: r.source_file, sourceSha256: r.source_sha256, importedAt: r.imported_at, importedBy: r.imported_by, answers: r.n }));
  }

  async setDeviceModel(deviceId: string, model: string, actor: string): Promise<void> {
    assertModel(model);
    const at = this.now();
    await this.db.tx(async (q) => {
      if (!(await q.get('SELECT 1 AS x FROM devices WHERE id = ?', [deviceId]))) throw new VigilError('E_NOT_FOUND', `no device ${deviceId}`);
      await q.run(
        'INSERT INTO device_models (device_id, model, set_at, set_by) VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET model = excluded.model, set_at = excluded.set_at, set_by = excluded.set_by',
        [deviceId, model, at.toISOString(), actor],
      );
      await audit(q, at, actor, 'device.set-model', deviceId, { model });
    });
  }

  /** Every device with an imported model: each mapped answer against the device's current results. */
  async findings(opts: { deviceId?: string } = {}): Promise<Mds2Finding[]> {
    const devices = await this.db.all<{ id: string; hostname: string; model: string }>(
      `SELECT d.id, d.hostname, COALESCE(dm.model, d.model) AS model FROM devices d LEFT JOIN device_models dm ON dm.device_id = d.id
        WHERE d.revoked_at IS NULL AND COALESCE(dm.model, d.model) IN (SELECT model FROM mds2_models) ${opts.deviceId ? 'AND d.id = ?' : ''}
        ORDER BY d.hostname, d.id`,
      opts.deviceId ? [opts.deviceId] : [],
    );
    const out: Mds2Finding[] = [];
    for (const d of devices) {
      const answers = new Map((await this.db.all<{ question_id: string; answer: Mds2Answer }>('SELECT question_id, answer FROM mds2_answers WHERE model = ?', [d.model])).map((a) => [a.question_id, a.answer]));
      const state = new Map(
        (await this.db.all<{ check_id: string; status: CheckStatus; reason: string | null; last_seq: number }>('SELECT check_id, status, reason, last_seq FROM check_state WHERE device_id = ?', [d.id])).map((s) => [s.check_id, s]),
      );
      for (const rule of MDS2_RULES) {
        const answer = answers.get(rule.question);
        if (!answer) continue;
        out.push(await this.judge(d, rule, answer, state));
      }
    }
    return out;
  }

  async mismatches(opts: { deviceId?: string } = {}): Promise<Mds2Finding[]> {
    return (await this.findings(opts)).filter((f) => PROBLEM_KINDS.includes(f.kind));
  }

  private async judge(
    d: { id: string; hostname: string; model: string },
    rule: Mds2Rule,
    answer: Mds2Answer,
    state: Map<string, { status: CheckStatus; reason: string | null; last_seq: number }>,
  ): Promise<Mds2Finding> {
    const s = state.get(rule.checkId);
    const observed = s?.status ?? null;
    const base = { deviceId: d.id, hostname: d.hostname, model: d.model, question: rule.question, answer, checkId: rule.checkId, observed };
    const why = s?.reason ? `: ${s.reason}` : '';
    if (answer === 'see note') return { ...base, expected: 'none', kind: 'see-note', detail: `${rule.question} answered "See Note": no expectation set` };
    if (rule.kind === 'absence') {
      if (answer === 'yes') return { ...base, expected: 'pass', kind: observed === 'fail' ? 'mismatch' : observed === 'pass' ? 'consistent' : 'unverified', detail: `declares it ${rule.declares}; ${rule.checkId} must then be hardened (observed ${observed ?? 'nothing yet'}${why})` };
      const enabled = await this.enabledRemoteServices(d.id, s?.last_seq);
      if (enabled === null) return { ...base, expected: 'absent', kind: 'unverified', detail: `declares no remote service; the remote-access facts are not available` };
      return enabled.length
        ? { ...base, expected: 'absent', kind: 'mismatch', detail: `declares no remote service, but ${enabled.join(', ')} ${enabled.length > 1 ? 'are' : 'is'} enabled` }
        : { ...base, expected: 'absent', kind: 'consistent', detail: 'declares no remote service; none is enabled' };
    }
    if (answer === 'yes') {
      const kind: FindingKind = observed === 'fail' ? 'mismatch' : observed === 'pass' ? 'consistent' : observed === 'not_applicable' ? 'not-applicable' : 'unverified';
      return { ...base, expected: 'pass', kind, detail: `declares it ${rule.declares}; observed ${observed ?? 'nothing yet'}${why}` };
    }
    // No or N/A: not applicable to this model, and a missing protection must be replaced by segregation.
    if (observed === 'pass') return { ...base, expected: 'not_applicable', kind: 'understated', detail: `${rule.question} ${answer.toUpperCase()} ("${rule.declares}" not declared), yet ${rule.checkId} passes` };
    if (!rule.requiresSegregation) return { ...base, expected: 'not_applicable', kind: 'not-applicable', detail: `${rule.checkId} is not applicable to ${d.model} (${rule.question} ${answer.toUpperCase()})` };
    const seg = state.get(SEGREGATION_CHECK)?.status ?? null;
    if (seg === 'pass') return { ...base, expected: 'not_applicable', kind: 'not-applicable', detail: `${rule.checkId} is not applicable to ${d.model} (${rule.question} ${answer.toUpperCase()}); segregation required and evidenced by ${SEGREGATION_CHECK} pass` };
    return {
      ...base,
      expected: 'not_applicable',
      kind: seg === 'fail' ? 'segregation-missing' : 'unverified',
      detail: `${rule.checkId} is not applicable to ${d.model} (${rule.question} ${answer.toUpperCase()}), which requires segregation instead; ${SEGREGATION_CHECK} is ${seg ?? 'not reported'}${state.get(SEGREGATION_CHECK)?.reason ? ` (${state.get(SEGREGATION_CHECK)!.reason})` : ''}`,
    };
  }

  /** Names of the remote-access services the device's newest result shows enabled; null without facts. */
  private async enabledRemoteServices(deviceId: string, seq: number | undefined): Promise<string[] | null> {
    if (seq === undefined) return null;
    const r = await this.db.get<{ facts_json: string | null }>("SELECT facts_json FROM check_results WHERE device_id = ? AND seq = ? AND check_id = 'remote_access'", [deviceId, seq]);
    if (!r?.facts_json) return null;
    try {
      const f = JSON.parse(r.facts_json) as { services?: { name?: unknown; enabled?: unknown }[] };
      if (!Array.isArray(f.services)) return null;
      return f.services.filter((x) => x.enabled === true && typeof x.name === 'string').map((x) => String(x.name).slice(0, 64));
    } catch {
      return null;
    }
  }
}
