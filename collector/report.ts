// Terminal renderings shared by the CLI and the demo.
import { checkDefinition } from '../protocol/checks/index.js';
import { renderTable } from '../protocol/table.js';
import type { DeviceRow } from './devices/repo.js';
import type { DeviceControl, FleetControl } from './controls/service.js';
import type { DeviceState } from './history/service.js';

export function formatDevices(rows: DeviceRow[]): string {
  if (!rows.length) return 'no devices enrolled';
  return renderTable(
    ['ID', 'HOSTNAME', 'ROLE', 'OS', 'SEQ', 'LAST ATTESTED', 'STATE'],
    rows.map((d) => [d.id, d.hostname, d.role, `${d.os_name ?? ''} ${d.os_version ?? ''}`.trim(), d.last_seq, d.last_attested_at ?? 'never', d.revoked_at ? 'revoked' : 'active']),
    48,
  );
}

/** Facts as short lines; facts that fail the check's schema are shown raw (truncated), never trusted. */
export function factLines(checkId: string, factsJson: string | null): string[] {
  if (factsJson === null) return [];
  const def = checkDefinition(checkId);
  try {
    const facts = JSON.parse(factsJson);
    return def ? def.summarize(facts) : [factsJson.slice(0, 200)];
  } catch {
    return [factsJson.slice(0, 200)];
  }
}

export function formatDeviceResults(d: DeviceRow, state: DeviceState, asOf?: string): string {
  const skew = d.last_clock_skew_ms === null ? '' : `, clock ${d.last_clock_skew_ms >= 0 ? '+' : ''}${d.last_clock_skew_ms} ms vs collector`;
  const env = state.envelope;
  const at = env ? `attestation #${env.seq} collected ${env.collected_at}` : 'no attestation';
  const head = `${d.hostname} (${d.id}), role ${d.role}, ${d.os_name ?? ''} ${d.os_version ?? ''}, ${at}${asOf ? ` (as of ${asOf})` : ''}${skew}`;
  if (!env) return `${head}\n  no attestation received ${asOf ? 'by then' : 'yet'}`;
  const counts = state.checks.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.effective]: (acc[r.effective] ?? 0) + 1 }), {});
  const summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
  const blocks = state.checks.map((r) => {
    const title = checkDefinition(r.checkId)?.title ?? r.checkId;
    const label = r.effective === 'waived' ? `WAIVED (${r.status})` : r.effective.toUpperCase();
    const lines = [`  ${label.padEnd(7)} ${title} [${r.checkId}]`];
    if (r.reason) lines.push(`          reason: ${r.reason}`);
    if (r.waiver) lines.push(`          waiver ${r.waiver.id}, approved by ${r.waiver.approver}, until ${r.waiver.expires_at}: ${r.waiver.reason}`);
    if (r.firstFailedAt) lines.push(`          failing since ${r.firstFailedAt}${r.lastPassedAt ? `, last passed ${r.lastPassedAt}` : ', never passed'}`);
    for (const f of factLines(r.checkId, r.factsJson)) lines.push(`          · ${f}`);
    return lines.join('\n');
  });
  return [head, `  ${summary}; policy ${env.policy_version}`, ...blocks].map((l) => l.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?')).join('\n');
}

export function formatDeviceControls(controls: DeviceControl[]): string {
  return renderTable(
    ['CONTROL', 'TITLE', 'STATUS', 'EVIDENCE (check: strength → result)'],
    controls.map((c) => [c.ref, c.title, c.status, c.checks.map((k) => `${k.checkId}: ${k.strength} → ${k.effective === 'waived' ? `waived (${k.status}, ${k.waiverId})` : k.effective}`).join(', ')]),
    70,
  );
}

export function formatFleetControls(fleet: FleetControl[]): string {
  return renderTable(
    ['CONTROL', 'TITLE', 'PASS', 'FAIL', 'UNKNOWN', 'WAIVED', 'CHECKS'],
    fleet.map((f) => [f.ref, f.title, f.counts.pass, f.counts.fail, f.counts.unknown, f.counts.waived, f.checks.map((k) => `${k.checkId} (${k.strength})`).join(', ')]),
    60,
  );
}
