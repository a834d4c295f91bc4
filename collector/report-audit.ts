// Terminal renderings for history, waivers and the Statement of Applicability.
import { renderTable } from '../protocol/table.js';
import type { DeviceState } from './history/service.js';
import type { EvaluationRow } from './history/repo.js';
import type { SoaEntry } from './soa/service.js';
import type { WaiverView } from './waivers/service.js';

export function formatFleetStates(states: readonly DeviceState[], asOf?: string): string {
  if (!states.length) return asOf ? `no devices in the fleet as of ${asOf}` : 'no devices enrolled';
  return renderTable(
    ['DEVICE', 'HOSTNAME', 'ROLE', 'SEQ', 'COLLECTED', 'PASS', 'FAIL', 'UNKNOWN', 'WAIVED', 'NOT PASSING'],
    states.map((s) => {
      const count = (pred: (e: string) => boolean) => s.checks.filter((c) => pred(c.effective)).length;
      return [
        s.device.id,
        s.device.hostname,
        s.device.role,
        s.envelope?.seq ?? '',
        s.envelope?.collected_at ?? 'none',
        count((e) => e === 'pass'),
        count((e) => e === 'fail'),
        count((e) => e === 'unknown' || e === 'error'),
        count((e) => e === 'waived'),
        s.checks.filter((c) => c.effective !== 'pass' && c.effective !== 'not_applicable').map((c) => `${c.checkId}:${c.effective}`).join(' '),
      ];
    }),
    60,
  );
}

export function formatEvaluations(rows: readonly EvaluationRow[]): string {
  if (!rows.length) return 'no evaluations';
  return renderTable(
    ['SEQ', 'COLLECTED', 'CHECK', 'STATUS', 'REASON', 'POLICY', 'ENVELOPE SHA-256'],
    rows.map((r) => [r.seq, r.collected_at, r.check_id, r.status, r.reason ?? '', r.policy_version, r.envelope_sha256.slice(0, 16)]),
    60,
  );
}

export function formatWaivers(rows: readonly WaiverView[]): string {
  if (!rows.length) return 'no waivers';
  return renderTable(
    ['ID', 'STATE', 'DEVICE', 'CHECK/CONTROL', 'EXPIRES', 'APPROVER', 'REASON'],
    rows.map((w) => [w.id, w.state, w.device_id ?? '*', w.check_id ?? (w.control_id ? `A.${w.control_id}` : '*'), w.expires_at, w.approver, w.reason]),
    50,
  );
}

export function formatSoa(rows: readonly SoaEntry[]): string {
  const table = renderTable(
    ['CONTROL', 'TITLE', 'APPLICABLE', 'EVIDENCE', 'DEVICES P/F/U/W', 'CHECKS', 'MANUAL'],
    rows.map((r) => [
      r.ref,
      r.title,
      r.applicable === null ? 'undecided' : r.applicable ? 'yes' : 'no',
      r.evidence,
      r.devices ? `${r.devices.pass}/${r.devices.fail}/${r.devices.unknown}/${r.devices.waived}` : '',
      r.automated.map((a) => `${a.checkId}(${a.strength[0]})`).join(' '),
      r.manualEvidence.length ? `${r.manualEvidence.length} file(s)` : r.needsManualEvidence ? 'needed' : '',
    ]),
    48,
  );
  const needed = rows.filter((r) => r.needsManualEvidence).length;
  const undecided = rows.filter((r) => r.applicable === null).length;
  return `${table}\n\n${rows.length} controls: ${rows.filter((r) => r.evidence === 'automated+manual').length} with automated evidence, ${needed} still need manual evidence, ${undecided} undecided.`;
}
