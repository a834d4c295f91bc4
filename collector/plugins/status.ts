// A plain status page at / and a health probe. Shows only counts: device-provided strings are not shown
// to unauthenticated visitors (the dashboard, with login, is where they appear).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DevicesService } from '../devices/service.js';

export interface StatusOptions {
  devices: DevicesService;
  version: string;
  caSha256: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function statusPlugin(app: FastifyInstance, opts: StatusOptions): Promise<void> {
  app.get('/healthz', async () => ({ ok: true, version: opts.version, connected: app.stream.connected() }));
  app.get('/', async (_req, reply) => {
    const c = await opts.devices.counts();
    const fleet = await app.controls.fleet();
    const rows = fleet
      .map(
        (f) =>
          `<tr><td>${escapeHtml(f.ref)}</td><td>${escapeHtml(f.title)}</td><td>${f.counts.pass}</td><td>${f.counts.fail}</td><td>${f.counts.unknown}</td><td>${f.counts.waived}</td></tr>`,
      )
      .join('');
    reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigil collector</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.2rem .8rem;text-align:left}</style></head>
<body><h1>Vigil collector</h1>
<p>Version ${escapeHtml(opts.version)}. CA fingerprint <code>sha256:${escapeHtml(opts.caSha256)}</code>.</p>
<ul><li>Devices enrolled: ${c.devices} (${c.active} active)</li><li>Agents connected now: ${app.stream.connected()}</li>
<li>Attestations stored: ${c.envelopes}</li><li>Tamper events: ${c.tamper}</li></ul>
<h2>Annex A controls evidenced (devices passing / failing / unknown / waived)</h2>
<table><thead><tr><th>Control</th><th>Title</th><th>Pass</th><th>Fail</th><th>Unknown</th><th>Waived</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
  });
}

export default fp(statusPlugin, { name: 'vigil-status', dependencies: ['vigil-stream', 'vigil-controls'] });
