// Server-rendered pages. Every value goes through h`` (escaped); device-provided strings (hostname,
// OS, serial, facts, reasons) are never trusted.
import { CHECK_IDS } from '../../protocol/checks/index.js';
import type { DeviceRow } from '../devices/repo.js';
import { trendChart } from './chart.js';
import { h, qs, type Html } from './html.js';
import { badge, csrfField, pct, when, type PageContext } from './layout.js';
import { remediationFor } from './remediation.js';
import { checkTitle, type DashboardService, type Overview } from './service.js';
import type { DeviceSort } from './repo.js';

type Devices = Awaited<ReturnType<DashboardService['devices']>>;
type Detail = Awaited<ReturnType<DashboardService['device']>>;
type Controls = Awaited<ReturnType<DashboardService['controls']>>;

export function overviewPage(o: Overview): Html {
  const now = new Date(o.at);
  const totalResults = o.checks.reduce((n, c) => n + c.pass + c.fail + c.unknown, 0);
  const passing = o.checks.reduce((n, c) => n + c.pass, 0);
  return h`<section class="cards" aria-label="Fleet">
<div class="card"><span class="n">${o.devices}</span> active devices</div>
<div class="card"><span class="n">${pct(passing, totalResults)}</span> check results passing</div>
<div class="card ${o.stale ? 'warn' : ''}"><a href="/devices?status=stale"><span class="n">${o.stale}</span> stale</a> (no attestation for ${Math.round(o.staleAfterSeconds / 60)} min)</div>
<div class="card ${o.tamper.last24h ? 'bad' : ''}"><span class="n">${o.tamper.last24h}</span> tamper events in 24 h (${o.tamper.devices24h} devices; ${o.tamper.total} in total)</div>
<div class="card"><span class="n">${o.revoked}</span> revoked</div>
</section>
<h2>Trend</h2>
${trendChart(o.trend)}
<h2>Compliance by check</h2>
<table><caption class="sr">Devices per result for each check, now</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Pass</th><th scope="col">Fail</th><th scope="col">Unknown / error</th><th scope="col">Not applicable</th><th scope="col">Passing</th></tr></thead>
<tbody>${o.checks.map((c) => h`<tr><th scope="row">${c.title}</th>
<td><a href="/devices${qs({ check: c.checkId, status: 'pass' })}">${c.pass}</a></td>
<td><a href="/devices${qs({ check: c.checkId, status: 'fail' })}">${c.fail}</a></td>
<td><a href="/devices${qs({ check: c.checkId, status: 'unknown' })}">${c.unknown}</a></td><td>${c.other}</td>
<td>${pct(c.pass, c.pass + c.fail + c.unknown)}</td></tr>`)}</tbody></table>
<h2>Compliance by Annex A control</h2>
<p>Controls with automated evidence from the checks; <a href="/controls">all 93 controls</a> with applicability and manual evidence.</p>
<table><caption class="sr">Devices per status for each control with automated evidence</caption>
<thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Pass</th><th scope="col">Fail</th><th scope="col">Unknown</th><th scope="col">Waived</th></tr></thead>
<tbody>${o.controls.map((c) => h`<tr><th scope="row">${c.ref}</th><td>${c.title}</td><td>${c.counts.pass}</td><td>${c.counts.fail}</td><td>${c.counts.unknown}</td><td>${c.counts.waived}</td></tr>`)}</tbody></table>
<p class="muted">As of <time datetime="${o.at}">${o.at}</time> (${when(o.at, now)}).</p>`;
}

export interface DeviceListParams {
  q: string;
  status: string;
  role: string;
  site: string;
  os: string;
  check: string;
  sort: DeviceSort;
  order: 'asc' | 'desc';
  cursor: string;
}

const STATUS_CHOICES: [string, string][] = [['', 'any'], ['fail', 'failing'], ['unknown', 'unknown or error'], ['pass', 'all passing'], ['stale', 'stale'], ['none', 'never attested'], ['revoked', 'revoked']];

function select(name: string, label: string, value: string, choices: [string, string][]): Html {
  return h`<label>${label} <select name="${name}">${choices.map(([v, t]) => h`<option value="${v}"${v === value ? h` selected` : ''}>${t}</option>`)}</select></label>`;
}

export function devicesPage(p: DeviceListParams, result: Devices, total: number, facets: { roles: string[]; sites: string[]; oses: string[] }, now: Date): Html {
  const base = { q: p.q, status: p.status, role: p.role, site: p.site, os: p.os, check: p.check };
  const sortHeader = (key: DeviceSort, label: string) => {
    const active = p.sort === key;
    const order = active && p.order === 'asc' ? 'desc' : 'asc';
    return h`<th scope="col"${active ? h` aria-sort="${p.order === 'asc' ? 'ascending' : 'descending'}"` : ''}><a href="/devices${qs({ ...base, sort: key, order })}">${label}${active ? (p.order === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
  };
  const any = (xs: string[]): [string, string][] => [['', 'any'], ...xs.map((x): [string, string] => [x, x])];
  return h`<form class="filters" method="get" action="/devices" role="search" aria-label="Filter devices">
<label>Search <input type="search" name="q" value="${p.q}" placeholder="hostname, serial or id" maxlength="100"></label>
${select('status', 'Status', p.status, STATUS_CHOICES)}
${select('check', 'Check', p.check, [['', 'any'], ...CHECK_IDS.map((c): [string, string] => [c, checkTitle(c)])])}
${select('role', 'Role', p.role, any(facets.roles))}
${select('site', 'Site', p.site, any(facets.sites))}
${select('os', 'OS', p.os, any(facets.oses))}
<input type="hidden" name="sort" value="${p.sort}"><input type="hidden" name="order" value="${p.order}">
<button type="submit">Apply</button> <a href="/devices">Clear</a>
</form>
<p id="device-count">${total} devices match.</p>
<table aria-describedby="device-count"><thead><tr>
${sortHeader('hostname', 'Hostname')}<th scope="col">Role</th><th scope="col">Site</th><th scope="col">OS</th>
${sortHeader('last_seen', 'Last attested')}${sortHeader('failing', 'Failing')}<th scope="col">Unknown</th><th scope="col">Pass</th></tr></thead>
<tbody>${result.devices.map((d) => h`<tr${d.stale ? h` class="stale"` : ''}>
<th scope="row"><a href="/devices/${d.id}">${d.hostname}</a>${d.revoked_at ? h` ${badge('revoked')}` : d.stale ? h` ${badge('stale')}` : ''}</th>
<td>${d.role}</td><td>${d.site ?? ''}</td><td>${d.os_name ?? d.os_platform ?? ''} ${d.os_version ?? ''}</td>
<td>${when(d.last_attested_at, now)}</td><td>${d.counts.fail ? badge('fail') : ''} ${d.counts.fail}</td><td>${d.counts.unknown}</td><td>${d.counts.pass}</td></tr>`)}</tbody></table>
<nav class="pager" aria-label="Pages">${p.cursor ? h`<a href="/devices${qs({ ...base, sort: p.sort, order: p.order })}">First page</a>` : ''}
${result.next ? h`<a rel="next" href="/devices${qs({ ...base, sort: p.sort, order: p.order, cursor: result.next })}">Next page</a>` : ''}</nav>`;
}

/** label@sha256:abcd… → label@abcd1234 (the full value is in the title). */
function shortVersion(v: string): string {
  const m = /^(.*)@sha256:([0-9a-f]{8})[0-9a-f]*$/.exec(v);
  return m ? `${m[1]}@${m[2]}` : v;
}

function facts(json: string | null): Html {
  if (json === null) return h`<span class="muted">none</span>`;
  return h`<details><summary>Facts</summary><pre>${JSON.stringify(JSON.parse(json), null, 2)}</pre></details>`;
}

export function devicePage(ctx: PageContext, d: DeviceRow, detail: Detail, alerts: Html, canWrite: boolean, now: Date): Html {
  const st = detail.state;
  return h`<dl class="facts">
<dt>Hostname</dt><dd>${d.hostname}</dd><dt>Device id</dt><dd><code>${d.id}</code></dd>
<dt>Role</dt><dd>${d.role}</dd><dt>Site</dt><dd>${d.site ?? '–'}</dd>
<dt>OS</dt><dd>${d.os_name ?? d.os_platform ?? '–'} ${d.os_version ?? ''} (${d.arch ?? '?'})</dd><dt>Serial</dt><dd>${d.serial ?? '–'}</dd>
<dt>Agent</dt><dd>${d.agent_version ?? '–'}</dd><dt>Enrolled</dt><dd>${when(d.enrolled_at, now)}</dd>
<dt>Last attested</dt><dd>${when(d.last_attested_at, now)} (sequence ${d.last_seq})</dd>
<dt>Clock skew</dt><dd>${d.last_clock_skew_ms === null ? '–' : `${d.last_clock_skew_ms} ms`}</dd>
<dt>Status</dt><dd>${d.revoked_at ? h`${badge('revoked')} ${d.revoked_at}` : 'active'}</dd>
</dl>
<h2>Latest result per check</h2>
${st && st.checks.length ? h`<table class="results"><thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Reason and remediation</th><th scope="col">First failed</th><th scope="col">Last passed</th><th scope="col">Facts</th></tr></thead>
<tbody>${st.checks.map((c) => h`<tr><th scope="row">${checkTitle(c.checkId)}</th><td>${badge(c.effective)}${c.effective !== c.status ? h` <span class="muted">(${c.status})</span>` : ''}</td>
<td>${c.reason ?? ''}${c.status !== 'pass' && c.status !== 'not_applicable' ? h`<p class="hint"><strong>Remediation:</strong> ${remediationFor(c.checkId)}</p>` : ''}${c.waiver ? h`<p class="hint">Waived by ${c.waiver.approver} until ${c.waiver.expires_at}: ${c.waiver.reason}</p>` : ''}</td>
<td>${c.firstFailedAt ? when(c.firstFailedAt, now) : ''}</td><td>${c.lastPassedAt ? when(c.lastPassedAt, now) : ''}</td><td>${facts(c.factsJson)}</td></tr>`)}</tbody></table>`
    : h`<p>No attestation stored yet.</p>`}
<h2>Alerts</h2>
${alerts}
<h2>Signed envelopes</h2>
<p><a href="/api/v1/devices/${d.id}/envelopes.jsonl" download>Download all stored envelopes (JSON lines)</a>. Each is the DSSE envelope exactly as the device signed it.</p>
<table><thead><tr><th scope="col">Sequence</th><th scope="col">Collected</th><th scope="col">Received</th><th scope="col">SHA-256</th><th scope="col">Policy</th><th scope="col"><span class="sr">Download</span></th></tr></thead>
<tbody>${detail.envelopes.map((e) => h`<tr><td>${e.seq}</td><td>${e.collected_at}</td><td>${e.received_at}</td><td><code title="${e.sha256}">${e.sha256.slice(0, 16)}…</code></td><td><code title="${e.policy_version}">${shortVersion(e.policy_version)}</code></td>
<td><a href="/api/v1/devices/${d.id}/envelopes/${e.seq}" download>envelope ${e.seq}</a></td></tr>`)}</tbody></table>
<h2>History</h2>
<ol class="timeline">${timeline(detail.timeline)}</ol>
<h2>Tamper events</h2>
${detail.tamper.length ? h`<table><thead><tr><th scope="col">When</th><th scope="col">Code</th><th scope="col">Sequence</th><th scope="col">Detail</th></tr></thead>
<tbody>${detail.tamper.map((t) => h`<tr><td>${t.at}</td><td><code>${t.code}</code></td><td>${t.seq ?? ''}</td><td>${t.detail ?? ''}</td></tr>`)}</tbody></table>` : h`<p>None recorded.</p>`}
${canWrite && !d.revoked_at ? h`<h2>Revoke</h2><form method="post" action="/devices/${d.id}/revoke" data-confirm="Revoke this device? Its attestations will be refused from now on.">
${csrfField(ctx)}<label>Reason <input name="reason" required maxlength="500" value="decommissioned"></label> <button type="submit" class="danger">Revoke device</button></form>` : ''}`;
}

/** Status changes only (one entry per check whose result changed), newest first. */
function timeline(rows: Detail['timeline']): Html[] {
  const byCheck = new Map<string, Detail['timeline']>();
  for (const r of [...rows].reverse()) {
    const list = byCheck.get(r.check_id) ?? [];
    if (!list.length || list[list.length - 1]!.status !== r.status) list.push(r);
    byCheck.set(r.check_id, list);
  }
  const changes = [...byCheck.values()].flat().sort((a, b) => b.seq - a.seq || a.check_id.localeCompare(b.check_id));
  if (!changes.length) return [h`<li>No evaluations stored yet.</li>`];
  return changes.slice(0, 100).map((r) => h`<li><time datetime="${r.collected_at}">${r.collected_at}</time> ${checkTitle(r.check_id)}: ${badge(r.status)} ${r.reason ?? ''} <span class="muted">(sequence ${r.seq})</span></li>`);
}

export function controlsPage(rows: Controls): Html {
  const decided = rows.filter((r) => r.applicable !== null).length;
  return h`<p>${rows.length} Annex A controls (ISO/IEC 27001:2022). ${rows.filter((r) => r.checks.length).length} have automated evidence from the checks; ${decided} have an applicability decision. Every applicable control also needs policy and process evidence.</p>
<table class="controls"><thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Applicable</th><th scope="col">Evidence</th><th scope="col">Devices pass / fail / unknown / waived</th><th scope="col">Crosswalk</th></tr></thead>
<tbody>${rows.map((r) => h`<tr id="c-${r.id}"><th scope="row">${r.ref}</th><td>${r.title} <span class="muted">${r.theme}</span></td>
<td>${r.applicable === null ? h`<span class="muted" title="no decision recorded: treated as applicable">undecided</span>` : r.applicable ? 'yes' : h`no <span class="muted">${r.justification ?? ''}</span>`}</td>
<td>${r.coverage}${r.checks.length ? h`<br><span class="muted">${r.checks.map((c) => `${checkTitle(c.checkId)} (${c.strength})`).join(', ')}</span>` : ''}${r.manualEvidence ? h`<br>${r.manualEvidence} manual file(s)` : ''}</td>
<td>${r.devices ? h`${r.devices.pass} / ${r.devices.fail} / ${r.devices.unknown} / ${r.devices.waived}` : '–'}</td>
<td class="xw">${r.crosswalk.iso27001_2013.length ? h`<span class="tag" title="ISO/IEC 27001:2013">2013 ${r.crosswalk.iso27001_2013.join(', ')}</span>` : ''}
${r.crosswalk.hipaa.length ? h`<span class="tag" title="HIPAA Security Rule">HIPAA ${r.crosswalk.hipaa.join(', ')}</span>` : ''}
${r.crosswalk.nist_800_53.length ? h`<span class="tag" title="NIST SP 800-53 r5">NIST ${r.crosswalk.nist_800_53.join(', ')}</span>` : ''}
${r.crosswalk.cis_v8.length ? h`<span class="tag" title="CIS Controls v8">CIS ${r.crosswalk.cis_v8.join(', ')}</span>` : ''}</td></tr>`)}</tbody></table>`;
}
