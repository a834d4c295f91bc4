// The dashboard page for gateways and the medical devices behind them: each gateway's listening-services
// and end-of-life results (compensated or not), the devices behind it with their vendors, recent new and
// vanished device events, and the MDS2 mismatches. Rendered with the dashboard's own frame and escaping.
import type { CheckStatus } from '../../protocol/checks/types.js';
import { h, type Html } from '../dashboard/html.js';
import { badge } from '../dashboard/layout.js';
import type { Db } from '../db/types.js';
import type { Mds2Finding } from '../mds2/service.js';
import type { CompensatedResult } from '../policy/compensations.js';
import type { InventoryDevice, InventoryEvent } from './service.js';

export interface GatewayRow {
  id: string;
  hostname: string;
  listening: { status: CheckStatus; reason: string | null } | null;
  osEol: { status: CheckStatus; reason: string | null } | null;
}

export async function gatewayRows(db: Db): Promise<GatewayRow[]> {
  const rows = await db.all<{ id: string; hostname: string; check_id: string | null; status: CheckStatus | null; reason: string | null }>(
    `SELECT d.id, d.hostname, s.check_id, s.status, s.reason FROM devices d
       LEFT JOIN check_state s ON s.device_id = d.id AND s.check_id IN ('listening_services', 'os_eol')
      WHERE d.revoked_at IS NULL AND (d.role = 'gateway' OR d.id IN (SELECT gateway_id FROM inventory_devices))
      ORDER BY d.hostname, d.id`,
  );
  const out = new Map<string, GatewayRow>();
  for (const r of rows) {
    const g = out.get(r.id) ?? { id: r.id, hostname: r.hostname, listening: null, osEol: null };
    if (r.check_id === 'listening_services' && r.status) g.listening = { status: r.status, reason: r.reason };
    if (r.check_id === 'os_eol' && r.status) g.osEol = { status: r.status, reason: r.reason };
    out.set(r.id, g);
  }
  return [...out.values()];
}

const status = (s: { status: CheckStatus; reason: string | null } | null): Html => (s ? h`${badge(s.status)}${s.reason ? h` <span class="note">${s.reason.slice(0, 300)}</span>` : ''}` : h`<span class="note">not reported</span>`);

export function gatewaysPage(input: { gateways: GatewayRow[]; devices: InventoryDevice[]; events: InventoryEvent[]; compensated: CompensatedResult[]; mismatches: Mds2Finding[] }): Html {
  const comp = new Map(input.compensated.map((c) => [c.deviceId, c]));
  const count = (id: string) => input.devices.filter((d) => d.gatewayId === id && d.present).length;
  return h`<p class="note">Devices behind each gateway come from its neighbour table and DHCP leases, read passively: nothing is scanned. See docs/GATEWAYS.md.</p>
<h2>Gateways</h2>
${
  input.gateways.length
    ? h`<table><thead><tr><th scope="col">Gateway</th><th scope="col">Listening services</th><th scope="col">OS end of life</th><th scope="col">Devices behind</th></tr></thead><tbody>
${input.gateways.map((g) => {
  const c = comp.get(g.id);
  return h`<tr><td><a href="/devices/${g.id}">${g.hostname}</a></td><td>${status(g.listening)}</td><td>${c ? h`<b>${c.label}</b> <span class="note">${c.compensation.id}: ${c.compensation.kind} to ${c.compensation.subnets.join(', ')}; ${c.evidence.map((e) => `${e.checkId} ${e.status ?? 'not reported'}`).join(', ')}</span>` : status(g.osEol)}</td><td>${count(g.id)}</td></tr>`;
})}
</tbody></table>`
    : h`<p>No gateway has reported yet.</p>`
}
<h2>Medical devices behind the gateways</h2>
${
  input.devices.length
    ? h`<table><thead><tr><th scope="col">Gateway</th><th scope="col">MAC</th><th scope="col">IP</th><th scope="col">Vendor</th><th scope="col">Host name</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Present</th></tr></thead><tbody>
${input.devices.map((d) => h`<tr><td>${d.gatewayHostname}</td><td class="mono">${d.mac}</td><td class="mono">${d.ip}</td><td>${d.vendor ?? ''}</td><td>${d.hostname ?? ''}</td><td>${d.firstSeenAt}</td><td>${d.lastSeenAt}</td><td>${d.present ? 'yes' : 'vanished'}</td></tr>`)}
</tbody></table>`
    : h`<p>No devices seen behind a gateway yet.</p>`
}
<h2>New and vanished devices</h2>
${
  input.events.length
    ? h`<table><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">MAC</th><th scope="col">IP</th><th scope="col">Vendor</th></tr></thead><tbody>
${input.events.map((e) => h`<tr><td>${e.at}</td><td>${e.kind === 'new' ? 'new device' : 'vanished device'}</td><td class="mono">${e.mac}</td><td class="mono">${e.ip}</td><td>${e.vendor ?? ''}</td></tr>`)}
</tbody></table>`
    : h`<p>None.</p>`
}
<h2>MDS2: declared versus observed</h2>
${
  input.mismatches.length
    ? h`<table><thead><tr><th scope="col">Device</th><th scope="col">Model</th><th scope="col">Declared</th><th scope="col">Observed</th><th scope="col">Finding</th></tr></thead><tbody>
${input.mismatches.map((f) => h`<tr><td><a href="/devices/${f.deviceId}">${f.hostname}</a></td><td>${f.model}</td><td><code>${f.question}</code> ${f.answer}</td><td>${f.checkId}: ${f.observed ?? 'not reported'}</td><td>${f.kind}: ${f.detail}</td></tr>`)}
</tbody></table>`
    : h`<p>No mismatches.</p>`
}`;
}
