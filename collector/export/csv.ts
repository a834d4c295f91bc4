// csv/results.csv: one row per device × check × control, so a spreadsheet filter on a control shows
// every device result behind it. status is what an auditor should read (waived, never pass, for a
// waived failure); evaluated_status is the policy's verdict before waivers.
import type { Strength } from '../controls/catalogue.js';
import type { CheckView } from '../history/service.js';
import type { AsOfDevice, EnvelopeMeta } from '../history/repo.js';
import type { EffectiveStatus, WaiverRow } from '../waivers/apply.js';
import { csvRow } from './text.js';

export const CSV_COLUMNS = [
  'device_id', 'hostname', 'role', 'site', 'check_id', 'control', 'strength', 'status', 'evaluated_status', 'reason',
  'waiver_id', 'waiver_expires_at', 'first_failed_at', 'last_passed_at', 'collected_at', 'policy_version', 'envelope', 'envelope_sha256',
  'first_failed_envelope', 'last_passed_envelope',
] as const;

export function csvHeader(): string {
  return csvRow(CSV_COLUMNS);
}

/** Audit vocabulary: an evaluation error or a check the agent did not report is `unknown` (evaluated_status keeps which). */
export function auditStatus(s: EffectiveStatus): 'pass' | 'fail' | 'unknown' | 'waived' | 'not_applicable' {
  return s === 'error' || s === 'missing' ? 'unknown' : s;
}

export interface CsvCheck {
  checkId: string;
  evaluated: CheckView['status'] | 'missing';
  reason: string | null;
  firstFailedAt: string | null;
  lastPassedAt: string | null;
  /** Paths of the envelopes behind those times, when the archive includes them. */
  firstFailedEnvelope: string | null;
  lastPassedEnvelope: string | null;
}

export function csvResultRow(
  d: AsOfDevice,
  c: CsvCheck,
  control: { ref: string; strength: Strength },
  effective: EffectiveStatus,
  waiver: WaiverRow | undefined,
  env: EnvelopeMeta | null,
  envelopeFile: string | null,
): string {
  return csvRow([
    d.id, d.hostname, d.role, d.site, c.checkId, control.ref, control.strength, auditStatus(effective), c.evaluated, c.reason,
    waiver?.id, waiver?.expires_at, c.firstFailedAt, c.lastPassedAt, env?.collected_at, env?.policy_version, envelopeFile, env?.sha256,
    c.firstFailedEnvelope, c.lastPassedEnvelope,
  ]);
}
