// The gateway part of an evidence export: MDS2 declared-versus-observed findings, end-of-life results
// under a compensation (shown "fail (compensated)", never pass, with the compensation's evidence), and the
// new / vanished device events behind the gateways during the period. Findings and compensations are as
// at the time of the export (they are computed from the devices' current results); events are those of
// the period.
import type { Db } from '../db/types.js';
import { InventoryService } from '../inventory/service.js';
import { Mds2Service, type Mds2Finding } from '../mds2/service.js';
import { CompensationsService, type CompensatedResult } from '../policy/compensations.js';
import { csvRow, html } from './text.js';

export const GATEWAY_PATHS = {
  mds2: 'csv/mds2-findings.csv',
  compensations: 'csv/eol-compensations.csv',
  inventoryEvents: 'csv/inventory-events.csv',
} as const;

export interface GatewayEvidence {
  findings: Mds2Finding[];
  compensated: CompensatedResult[];
  events: Awaited<ReturnType<InventoryService['events']>>;
}

export async function gatewayEvidence(db: Db, now: () => Date, from: string, to: string): Promise<GatewayEvidence> {
  const inventory = new InventoryService(db);
  await inventory.sync();
  const events = (await inventory.events({ limit: 5000 })).filter((e) => e.at >= from && e.at <= to).reverse();
  return { findings: await new Mds2Service(db, now).findings(), compensated: await new CompensationsService(db, now).compensated(), events };
}

export function mds2Csv(g: GatewayEvidence): string {
  return (
    csvRow(['device_id', 'hostname', 'model', 'question', 'answer', 'check_id', 'expected', 'observed', 'finding', 'detail']) +
    g.findings.map((f) => csvRow([f.deviceId, f.hostname, f.model, f.question, f.answer, f.checkId, f.expected, f.observed, f.kind, f.detail])).join('')
  );
}

export function compensationsCsv(g: GatewayEvidence): string {
  return (
    csvRow(['device_id', 'hostname', 'check_id', 'status', 'label', 'compensation_id', 'kind', 'subnets', 'reason', 'approver', 'expires_at', 'evidence']) +
    g.compensated
      .map((r) =>
        csvRow([r.deviceId, r.hostname, 'os_eol', r.status, r.label, r.compensation.id, r.compensation.kind, r.compensation.subnets.join(' '), r.compensation.reason, r.compensation.approver, r.compensation.expiresAt, r.evidence.map((e) => `${e.checkId}=${e.status ?? 'missing'}`).join(' ')]),
      )
      .join('')
  );
}

export function inventoryEventsCsv(g: GatewayEvidence): string {
  return csvRow(['at', 'gateway_id', 'seq', 'event', 'mac', 'ip', 'vendor', 'hostname']) + g.events.map((e) => csvRow([e.at, e.gatewayId, e.seq, e.kind, e.mac, e.ip, e.vendor, e.hostname])).join('');
}

export function gatewaysHtml(g: GatewayEvidence): string {
  const problems = g.findings.filter((f) => f.kind === 'mismatch' || f.kind === 'segregation-missing' || f.kind === 'understated');
  const frows = problems
    .map((f) => `<tr><td>${html(f.hostname)}<br><span class="mono">${html(f.deviceId)}</span></td><td>${html(f.model)}</td><td><code>${html(f.question)}</code> ${html(f.answer)}</td><td>${html(f.checkId)}: ${html(f.observed ?? 'not reported')}</td><td>${html(f.kind)}</td><td>${html(f.detail)}</td></tr>`)
    .join('\n');
  const crows = g.compensated
    .map((r) => `<tr><td>${html(r.hostname)}<br><span class="mono">${html(r.deviceId)}</span></td><td><b>${html(r.label)}</b></td><td><code>${html(r.compensation.id)}</code> ${html(r.compensation.kind)} to ${html(r.compensation.subnets.join(', '))}<br>${html(r.compensation.reason)}</td><td>${html(r.compensation.approver)}</td><td>${html(r.compensation.expiresAt)}</td><td>${r.evidence.map((e) => `${html(e.checkId)}: ${html(e.status ?? 'not reported')}`).join('<br>')}</td></tr>`)
    .join('\n');
  return `<h2>Gateways and medical devices</h2>
<h3>MDS2: declared versus observed</h3>
<p class="note">Each device with an imported MDS2 form (${GATEWAY_PATHS.mds2} lists every mapped answer). A declared capability the attestation contradicts is a mismatch; a declared missing protection requires segregation, evidenced by the device's firewall check.</p>
${problems.length ? `<table><thead><tr><th>Device</th><th>Model</th><th>Declared</th><th>Observed</th><th>Finding</th><th>Detail</th></tr></thead><tbody>\n${frows}\n</tbody></table>` : '<p>No mismatches.</p>'}
<h3>End-of-life operating systems under compensating controls</h3>
<p class="note">A compensated end-of-life result stays a failure: "fail (compensated)" is never a pass. The compensation's own evidence is the device's firewall and listening-services results.</p>
${g.compensated.length ? `<table><thead><tr><th>Device</th><th>os_eol</th><th>Compensation</th><th>Approver</th><th>Expires</th><th>Evidence</th></tr></thead><tbody>\n${crows}\n</tbody></table>` : '<p>None.</p>'}
<h3>Devices behind gateways</h3>
<p>${g.events.filter((e) => e.kind === 'new').length} new and ${g.events.filter((e) => e.kind === 'vanished').length} vanished device event(s) during the period (${GATEWAY_PATHS.inventoryEvents}).</p>
`;
}
