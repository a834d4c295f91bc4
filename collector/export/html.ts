// report/report.html: what an auditor reads. Self-contained (no scripts, fonts, images or links out),
// printable (tables repeat headers, rows do not split across pages), every dynamic string HTML-escaped
// and a Content-Security-Policy that forbids everything but inline styles, in case a hostile hostname
// slipped past the escaping.
import { checkDefinition } from '../../protocol/checks/index.js';
import type { ControlStatus, FleetControl } from '../controls/service.js';
import type { CheckView, DeviceState } from '../history/service.js';
import type { SoaEntry } from '../soa/service.js';
import type { WaiverRow } from '../waivers/apply.js';
import { auditStatus } from './csv.js';
import { html } from './text.js';

export interface ReportMeta {
  exportId: string;
  createdAt: string;
  from: string;
  to: string;
  collectorVersion: string;
  fingerprint: string;
  archiveName: string;
  envelopeSelection: 'cited' | 'period';
}

export interface ReportTotals {
  devices: number;
  withEvidenceInPeriod: number;
  staleEvidence: number;
  noEvidence: number;
  envelopes: number;
  results: Record<'pass' | 'fail' | 'unknown' | 'waived' | 'not_applicable', number>;
}

const STYLE = `
body{font:12px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#111;max-width:80rem}
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #333}
h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.2rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}thead{display:table-header-group}tr{page-break-inside:avoid}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;word-break:break-all}
.pass{color:#075e07}.fail{color:#a00;font-weight:600}.unknown{color:#8a5a00}.waived{color:#5a2d91;font-weight:600}.not_applicable{color:#555}
.n{text-align:right;white-space:nowrap}.note{color:#444}
dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem}dt{font-weight:600}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}a{color:inherit;text-decoration:none}}
`;

const status = (s: string) => `<span class="${html(s)}">${html(s)}</span>`;

export function reportHead(meta: ReportMeta): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Endpoint compliance evidence ${html(meta.from)} – ${html(meta.to)}</title>
<style>${STYLE}</style></head><body>
<h1>Endpoint compliance evidence: ISO/IEC 27001:2022 Annex A</h1>
<dl>
<dt>Period</dt><dd>${html(meta.from)} to ${html(meta.to)} (UTC)</dd>
<dt>State shown</dt><dd>as of ${html(meta.to)}</dd>
<dt>Generated</dt><dd>${html(meta.createdAt)} by Vigil collector ${html(meta.collectorVersion)}</dd>
<dt>Export id</dt><dd><code>${html(meta.exportId)}</code></dd>
<dt>Signing key</dt><dd><code>sha256:${html(meta.fingerprint)}</code> — compare with the fingerprint the operator gives you by another channel</dd>
</dl>
<h2>How to read this report</h2>
<ul>
<li>Each device runs an agent that checks its own configuration, signs what it saw with a key that never leaves the device (ECDSA P-256) and chains every attestation to the previous one (sha256). The collector verified each signature and the chain before storing the attestation byte for byte; this archive contains those attestations (<code>envelopes/</code>), so each result below can be checked back to what the device signed.</li>
<li>The state shown is, for each device enrolled and not revoked at the end of the period, its newest attestation collected at or before the end of the period, judged by the collector under the policy version in force when the attestation arrived (stamped on every result; the policy files are in <code>policy/</code>) and with the waivers in force at the end of the period.</li>
<li><b>pass</b>, <b>fail</b>; <b>unknown</b>: the device could not produce the evidence (needs privileges, tool missing, evaluation error, check not reported) — never counted as pass; <b>waived</b>: a failure or unknown excused by an approved, time-limited waiver (listed under Exceptions and waivers) — never counted as pass; <b>not applicable</b>: disabled by policy for the device's role.</li>
<li><b>first failed</b>: the first failing evaluation since the check last passed. <b>last passed</b>: the newest passing evaluation.</li>
<li>Envelopes included: ${
    meta.envelopeSelection === 'period'
      ? "for every device, every attestation it collected within the period, up to the one its results rest on (that one alone when the device sent none during the period). They form an unbroken run of the device's hash chain, which <code>vigil verify</code> checks: no attestation of the period was left out or altered."
      : "for every device, the attestations its results cite: the one its state rests on and, for each check, the one of its first failure since it last passed and the one of its last pass (usually consecutive, so the chain link between them shows nothing came in between). Runs of consecutive attestations are checked link by link by <code>vigil verify</code>. The collector keeps every attestation; an export with <code>--envelopes period</code> includes all of them for the period."
  }</li>
<li>A check is partial evidence for a control: each control also needs policy and process evidence (see the Statement of Applicability). Evidence from a software key is the device's self-report; a compromised device can lie about itself.</li>
</ul>
<h2>How to verify this archive</h2>
<ol>
<li>Offline, with no access to the collector: <code>vigil verify ${html(meta.archiveName)}</code>. It checks the manifest signature, every file's SHA-256 and size, that no file was added or removed, every envelope's signature against its device's key, that each envelope names that device, and each device's hash chain. It prints one row per device and exits 0 only if everything holds.</li>
<li>Compare the signing-key fingerprint it prints with the one above and with the one the operator gives you out of band.</li>
<li>Without Vigil: each envelope is a DSSE envelope (ECDSA P-256, SHA-256, DER signature) over PAE(payloadType, payload); see <code>README.txt</code> in the archive for the openssl commands.</li>
</ol>
`;
}

export function reportSummary(totals: ReportTotals, fleet: readonly FleetControl[], policyVersions: readonly string[]): string {
  const r = totals.results;
  const controlsBy = (s: ControlStatus) => fleet.filter((f) => worst(f.counts) === s).length;
  return `<h2>Summary</h2>
<table><tbody>
<tr><th>Devices in scope at the end of the period</th><td class="n">${totals.devices}</td></tr>
<tr><th>… with an attestation collected in the period</th><td class="n">${totals.withEvidenceInPeriod}</td></tr>
<tr><th>… whose newest attestation predates the period (stale)</th><td class="n">${totals.staleEvidence}</td></tr>
<tr><th>… with no attestation at all</th><td class="n">${totals.noEvidence}</td></tr>
<tr><th>Attestations included</th><td class="n">${totals.envelopes}</td></tr>
<tr><th>Check results: pass / fail / unknown / waived / not applicable</th><td class="n">${status('pass')} ${r.pass} · ${status('fail')} ${r.fail} · ${status('unknown')} ${r.unknown} · ${status('waived')} ${r.waived} · ${status('not_applicable')} ${r.not_applicable}</td></tr>
<tr><th>Controls with automated evidence: all devices pass / some fail / some unknown / some waived</th><td class="n">${controlsBy('pass')} / ${controlsBy('fail')} / ${controlsBy('unknown')} / ${controlsBy('waived')}</td></tr>
<tr><th>Policy versions behind these results</th><td>${policyVersions.map((v) => `<code>${html(v)}</code>`).join('<br>') || 'none'}</td></tr>
</tbody></table>
`;
}

function worst(c: Record<ControlStatus, number>): ControlStatus {
  if (c.fail) return 'fail';
  if (c.unknown) return 'unknown';
  if (c.waived) return 'waived';
  if (c.pass) return 'pass';
  return 'not_applicable';
}

export function reportControls(fleet: readonly FleetControl[], soa: readonly SoaEntry[]): string {
  const applicable = new Map(soa.map((s) => [s.id, s.applicable]));
  const rows = fleet
    .map((f) => {
      const a = applicable.get(f.id);
      return `<tr><td>${html(f.ref)}</td><td>${html(f.title)}</td><td>${a === false ? 'not applicable (SoA)' : status(worst(f.counts))}</td>
<td class="n">${f.counts.pass}</td><td class="n">${f.counts.fail}</td><td class="n">${f.counts.unknown}</td><td class="n">${f.counts.waived}</td><td class="n">${f.counts.not_applicable}</td>
<td>${f.checks.map((c) => `${html(c.checkId)} (${c.strength})`).join(', ')}</td></tr>`;
    })
    .join('\n');
  return `<h2>Per control (automated evidence)</h2>
<p class="note">Devices per status of each control: a control on a device takes the worst status of the checks that evidence it.</p>
<table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Pass</th><th>Fail</th><th>Unknown</th><th>Waived</th><th>N/A</th><th>Checks (strength)</th></tr></thead><tbody>
${rows}
</tbody></table>
`;
}

export function reportSoa(soa: readonly SoaEntry[]): string {
  const rows = soa
    .map((s) => {
      const decision = s.applicable === null ? '<span class="unknown">undecided</span>' : s.applicable ? 'yes' : 'no';
      const manual = s.manualEvidence.map((e) => `${html(e.filename)} <span class="mono">${html(e.sha256.slice(0, 12))}…</span>: ${html(e.note)}`).join('<br>');
      return `<tr><td>${html(s.ref)}</td><td>${html(s.title)}</td><td>${decision}</td><td>${html(s.justification ?? '')}${s.decidedBy ? `<br><span class="note">${html(s.decidedBy)}, ${html(s.decidedAt)}</span>` : ''}</td>
<td>${s.automated.map((a) => html(a.checkId)).join(', ') || '—'}</td><td>${manual || (s.needsManualEvidence ? '<span class="unknown">none attached</span>' : '—')}</td></tr>`;
    })
    .join('\n');
  return `<h2>Statement of Applicability</h2>
<table><thead><tr><th>Control</th><th>Title</th><th>Applicable</th><th>Justification</th><th>Automated evidence</th><th>Manual evidence (in <code>manual-evidence/</code>)</th></tr></thead><tbody>
${rows}
</tbody></table>
`;
}

export function reportDevicesStart(): string {
  return `<h2>Per device</h2>
<p class="note">One row per device: its newest attestation as of the end of the period, and every result that is not a pass.</p>
<table><thead><tr><th>Device</th><th>Role / OS</th><th>Attestation</th><th>Results</th><th>Not passing (reason; first failed)</th></tr></thead><tbody>
`;
}

export function reportDeviceRow(state: DeviceState, from: string, missing: readonly string[]): string {
  const d = state.device;
  const env = state.envelope;
  const counts: Record<string, number> = {};
  for (const c of state.checks) {
    const s = auditStatus(c.effective);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  if (missing.length) counts.unknown = (counts.unknown ?? 0) + missing.length;
  const bad = state.checks.filter((c) => c.effective !== 'pass' && c.effective !== 'not_applicable');
  const items = [
    ...bad.map((c: CheckView) => {
      const title = checkDefinition(c.checkId)?.title ?? c.checkId;
      const waiver = c.waiver ? ` — waiver <code>${html(c.waiver.id)}</code> until ${html(c.waiver.expires_at)}` : '';
      const since = c.firstFailedAt ? `; first failed ${html(c.firstFailedAt)}` : '';
      return `${status(auditStatus(c.effective))} ${html(title)}${c.effective === 'waived' ? ` (${html(c.status)})` : ''}: ${html(c.reason ?? '')}${since}${waiver}`;
    }),
    ...missing.map((id) => `${status('unknown')} ${html(checkDefinition(id)?.title ?? id)}: not reported`),
  ];
  const att = env
    ? `#${env.seq}, ${html(env.collected_at)}${env.collected_at < from ? ' <span class="unknown">(before the period)</span>' : ''}<br><span class="mono">${html(env.sha256.slice(0, 16))}…</span>`
    : '<span class="unknown">none</span>';
  const summary = ['pass', 'fail', 'unknown', 'waived', 'not_applicable'].filter((s) => counts[s]).map((s) => `${status(s)} ${counts[s]}`).join(' ');
  return `<tr><td>${html(d.hostname)}<br><span class="mono">${html(d.id)}</span></td><td>${html(d.role)}<br>${html([d.os_name, d.os_version].filter(Boolean).join(' '))}</td><td>${att}</td><td>${summary || '—'}</td><td>${items.join('<br>') || '—'}</td></tr>\n`;
}

export function reportDevicesEnd(): string {
  return '</tbody></table>\n';
}

export interface TamperRow {
  at: string;
  device_id: string | null;
  code: string;
  seq: number | null;
  detail: string | null;
}

export function reportExceptions(
  waivers: readonly { w: WaiverRow; state: string; excused: number }[],
  revoked: readonly { id: string; hostname: string; revoked_at: string }[],
  tamper: { rows: readonly TamperRow[]; total: number },
): string {
  const wrows = waivers
    .map(
      ({ w, state, excused }) => `<tr><td><code>${html(w.id)}</code></td><td>${html(w.device_id ?? 'every device')}</td><td>${html(w.check_id ?? (w.control_id ? `control A.${w.control_id}` : 'every check'))}</td>
<td>${html(w.reason)}</td><td>${html(w.approver)}<br><span class="note">recorded by ${html(w.created_by)}, ${html(w.created_at)}</span></td><td>${html(w.expires_at)}</td><td>${html(state)}${w.revoked_at ? `<br>${html(w.revoked_at)}: ${html(w.revoke_reason ?? '')}` : ''}</td><td class="n">${excused}</td></tr>`,
    )
    .join('\n');
  const rrows = revoked.map((r) => `<tr><td>${html(r.hostname)}<br><span class="mono">${html(r.id)}</span></td><td>${html(r.revoked_at)}</td></tr>`).join('\n');
  const trows = tamper.rows
    .map((t) => `<tr><td>${html(t.at)}</td><td class="mono">${html(t.device_id ?? '')}</td><td><code>${html(t.code)}</code></td><td class="n">${t.seq ?? ''}</td><td>${html((t.detail ?? '').slice(0, 300))}</td></tr>`)
    .join('\n');
  return `<h2>Exceptions and waivers</h2>
<p class="note">Every waiver in force at some point of the period. State is as of the end of the period; "results waived" counts results at the end of the period reported as waived because of it.</p>
${waivers.length ? `<table><thead><tr><th>Waiver</th><th>Device</th><th>Check / control</th><th>Reason</th><th>Approver</th><th>Expires</th><th>State</th><th>Results waived</th></tr></thead><tbody>\n${wrows}\n</tbody></table>` : '<p>No waivers were in force during the period.</p>'}
<h3>Devices revoked during the period</h3>
${revoked.length ? `<p class="note">Not part of the fleet at the end of the period; their results are not counted above.</p><table><thead><tr><th>Device</th><th>Revoked</th></tr></thead><tbody>\n${rrows}\n</tbody></table>` : '<p>None.</p>'}
<h3>Tamper events during the period</h3>
<p class="note">Attestations or sessions the collector refused: bad signature, broken hash chain, replay, clock outside the allowed skew. Nothing from them was stored.</p>
${tamper.total ? `<table><thead><tr><th>When</th><th>Device</th><th>Code</th><th>Seq</th><th>Detail</th></tr></thead><tbody>\n${trows}\n</tbody></table>${tamper.total > tamper.rows.length ? `<p>… and ${tamper.total - tamper.rows.length} more.</p>` : ''}` : '<p>None.</p>'}
`;
}

export function reportFoot(): string {
  return '</body></html>\n';
}
