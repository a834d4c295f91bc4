// Terminal renderings shared by the CLI and the demo.
import { CHECK_IDS, checkDefinition } from '../protocol/checks/index.js';
import { renderTable } from '../protocol/table.js';
import type { DeviceRow } from './devices/repo.js';
import type { DeviceControl, FleetControl, LatestResult } from './controls/service.js';

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

export function formatDeviceResults(d: DeviceRow, results: LatestResult[]): string {
  const skew = d.last_clock_skew_ms === null ? '' : `, clock ${d.last_clock_skew_ms >= 0 ? '+' : ''}${d.last_clock_skew_ms} ms vs collector`;
  const head = `${d.hostname} (${d.id}), role ${d.role}, ${d.os_name ?? ''} ${d.os_version ?? ''}, attestation #${d.last_seq} at ${d.last_attested_at ?? 'never'}${skew}`;
  if (!results.length) return `${head}\n  no attestation received yet`;
  // Display order is the catalogue's; checks this version does not know go last.
  const rank = (id: string) => (CHECK_IDS.includes(id) ? CHECK_IDS.indexOf(id) : CHECK_IDS.length);
  const sorted = [...results].sort((a, b) => rank(a.check_id) - rank(b.check_id));
  const counts = sorted.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  const summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
  const blocks = sorted.map((r) => {
    const title = checkDefinition(r.check_id)?.title ?? r.check_id;
    const lines = [`  ${r.status.toUpperCase().padEnd(7)} ${title} [${r.check_id}]`];
    if (r.reason) lines.push(`          reason: ${r.reason}`);
    for (const f of factLines(r.check_id, r.facts_json)) lines.push(`          · ${f}`);
    return lines.join('\n');
  });
  return [head, `  ${summary}`, ...blocks].join('\n');
}

export function formatDeviceControls(controls: DeviceControl[]): string {
  return renderTable(
    ['CONTROL', 'TITLE', 'STATUS', 'EVIDENCE (check: strength → result)'],
    controls.map((c) => [c.ref, c.title, c.status, c.checks.map((k) => `${k.checkId}: ${k.strength} → ${k.status}`).join(', ')]),
    70,
  );
}

export function formatFleetControls(fleet: FleetControl[]): string {
  return renderTable(
    ['CONTROL', 'TITLE', 'PASS', 'FAIL', 'UNKNOWN', 'CHECKS'],
    fleet.map((f) => [f.ref, f.title, f.counts.pass, f.counts.fail, f.counts.unknown, f.checks.map((k) => `${k.checkId} (${k.strength})`).join(', ')]),
    60,
  );
}
