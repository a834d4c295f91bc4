// Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d): for each of the 93 Annex A controls,
// whether it applies and why, which checks evidence it automatically and on how many devices, and which
// manual evidence (policy, procedure, records) the operator attached. Automated evidence is always
// partial: every applicable control also needs manual evidence, and controls no check evidences need
// nothing else. A control with no decision recorded yet is shown as undecided (treated as applicable).
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { allControls, controlById, controlsEvidencedBy, resolveControlId, type Strength } from '../controls/catalogue.js';
import { countDeviceFast, emptyFleet, type ControlStatus } from '../controls/service.js';
import type { HistoryService } from '../history/service.js';
import { waiversRepo } from '../waivers/repo.js';
import type { EffectiveStatus } from '../waivers/apply.js';
import { EvidenceStore } from './evidence-store.js';
import { manualEvidenceRepo, soaRepo, type ManualEvidenceRow, type SoaDecisionRow } from './repo.js';

export type CheckCounts = Record<EffectiveStatus, number>;

export interface SoaEntry {
  id: string;
  ref: string;
  oscalId: string;
  theme: string;
  title: string;
  applicable: boolean | null;
  justification: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Checks that evidence the control automatically, with devices per status (check-level waivers applied). */
  automated: { checkId: string; strength: Strength; devices: CheckCounts }[];
  /** Devices per status of the control itself (control-level waivers applied); null without automated evidence. */
  devices: Record<ControlStatus, number> | null;
  evidence: 'automated+manual' | 'manual';
  manualEvidence: ManualEvidenceRow[];
  /** Applicable (or undecided) and no manual evidence attached yet. */
  needsManualEvidence: boolean;
}

const emptyCounts = (): CheckCounts => ({ pass: 0, fail: 0, unknown: 0, error: 0, not_applicable: 0, waived: 0, missing: 0 });

export class SoaService {
  readonly evidence: EvidenceStore;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly history: HistoryService,
    evidenceDir: string,
  ) {
    this.evidence = new EvidenceStore(evidenceDir);
  }

  private control(input: string): string {
    const id = resolveControlId(input);
    if (!id) throw new VigilError('E_NOT_FOUND', `control ${input} is not an ISO/IEC 27001:2022 Annex A control (use e.g. 8.24 or A.8.24)`);
    return id;
  }

  async decide(input: { control: string; applicable: boolean; justification: string; actor: string }): Promise<SoaDecisionRow> {
    const controlId = this.control(input.control);
    const justification = input.justification.trim();
    if (!justification) throw new VigilError('E_BAD_REQUEST', 'a justification is required');
    if (justification.length > 4000) throw new VigilError('E_BAD_REQUEST', 'justification is longer than 4000 characters');
    const now = this.now();
    const row = { control_id: controlId, applicable: input.applicable ? 1 : 0, justification, decided_by: input.actor, decided_at: now.toISOString() };
    await this.db.tx(async (q) => {
      await soaRepo.insert(q, row);
      await audit(q, now, input.actor, 'soa.decide', controlId, { applicable: input.applicable, justification });
    });
    return { id: 0, ...row };
  }

  async addEvidence(input: { control: string; content: Readable | Buffer | string; filename?: string; note: string; actor: string }): Promise<ManualEvidenceRow> {
    const controlId = this.control(input.control);
    const note = input.note.trim();
    if (!note) throw new VigilError('E_BAD_REQUEST', 'a note saying what the file shows is required');
    if (note.length > 4000) throw new VigilError('E_BAD_REQUEST', 'note is longer than 4000 characters');
    const filename = (input.filename ?? (typeof input.content === 'string' ? basename(input.content) : 'evidence')).replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(0, 255) || 'evidence';
    const stored = typeof input.content === 'string' ? await this.evidence.putFile(input.content) : await this.evidence.put(input.content);
    const now = this.now();
    const row: ManualEvidenceRow = {
      id: `evd_${randomBytes(8).toString('hex')}`,
      control_id: controlId,
      sha256: stored.sha256,
      size: stored.size,
      filename,
      note,
      added_by: input.actor,
      added_at: now.toISOString(),
    };
    await this.db.tx(async (q) => {
      await manualEvidenceRepo.insert(q, row);
      await audit(q, now, input.actor, 'soa.evidence.add', controlId, { id: row.id, sha256: row.sha256, size: row.size, filename, note });
    });
    return row;
  }

  async evidenceFile(id: string): Promise<{ row: ManualEvidenceRow; stream: Readable }> {
    const row = await manualEvidenceRepo.byId(this.db, id);
    if (!row) throw new VigilError('E_NOT_FOUND', `evidence ${id} does not exist`);
    return { row, stream: this.evidence.read(row.sha256) };
  }

  decisionHistory(control: string): Promise<SoaDecisionRow[]> {
    return soaRepo.history(this.db, this.control(control));
  }

  /** The SoA now, or as of a moment: decisions, evidence and device counts as they were then. */
  async view(asOf?: string | null): Promise<SoaEntry[]> {
    const at = asOf ? new Date(asOf).toISOString() : this.now().toISOString();
    const [decisions, evidence, waivers] = await Promise.all([
      soaRepo.currentAt(this.db, at),
      manualEvidenceRepo.upTo(this.db, at),
      waiversRepo.inForceAt(this.db, at),
    ]);
    const checkCounts = new Map(CHECK_IDS.map((id) => [id, emptyCounts()]));
    const fleet = emptyFleet();
    for await (const state of this.history.fleet({ asOf: asOf ?? null })) {
      const reported = new Set<string>();
      for (const c of state.checks) {
        reported.add(c.checkId);
        const counts = checkCounts.get(c.checkId);
        if (counts) counts[c.effective]++;
      }
      for (const id of CHECK_IDS) if (!reported.has(id)) checkCounts.get(id)!.missing++;
      countDeviceFast(fleet, state.device.id, new Map(state.checks.map((c) => [c.checkId, c.status])), waivers);
    }
    return buildSoa(decisions, evidence, checkCounts, new Map(fleet.map((f) => [f.id, f.counts])));
  }
}

export function buildSoa(
  decisions: readonly SoaDecisionRow[],
  evidence: readonly ManualEvidenceRow[],
  checkCounts: ReadonlyMap<string, CheckCounts>,
  controlCounts: ReadonlyMap<string, Record<ControlStatus, number>>,
): SoaEntry[] {
  const decisionBy = new Map(decisions.map((d) => [d.control_id, d]));
  const evidenceBy = new Map<string, ManualEvidenceRow[]>();
  for (const e of evidence) evidenceBy.set(e.control_id, [...(evidenceBy.get(e.control_id) ?? []), e]);
  const automatedBy = new Map(controlsEvidencedBy(CHECK_IDS).map((c) => [c.control.id, c.checks]));
  return allControls().map((c) => {
    const d = decisionBy.get(c.id);
    const checks = automatedBy.get(c.id) ?? [];
    const manual = evidenceBy.get(c.id) ?? [];
    const applicable = d ? d.applicable === 1 : null;
    return {
      id: c.id,
      ref: c.ref,
      oscalId: c.oscal_id,
      theme: c.theme,
      title: controlById(c.id)!.title,
      applicable,
      justification: d?.justification ?? null,
      decidedBy: d?.decided_by ?? null,
      decidedAt: d?.decided_at ?? null,
      automated: checks.map((k) => ({ checkId: k.checkId, strength: k.strength, devices: checkCounts.get(k.checkId) ?? emptyCounts() })),
      devices: checks.length ? (controlCounts.get(c.id) ?? null) : null,
      evidence: checks.length ? 'automated+manual' : 'manual',
      manualEvidence: manual,
      needsManualEvidence: applicable !== false && manual.length === 0,
    };
  });
}
