// Antivirus / EDR on Windows, one PowerShell process with three probes:
// - SecurityCenter2 AntiVirusProduct: every registered antivirus (Defender and third-party), state from
//   productState (see parse-win-av.ts). Windows Server has no SecurityCenter2 ("Invalid namespace"): there
//   the inventory comes from the other two probes and a note says so.
// - Get-MpComputerStatus: Defender's own view (service, real-time protection, signature age, tamper
//   protection, passive mode when another antivirus is primary).
// - Known EDR services: Sense (Microsoft Defender for Endpoint), CSFalconService (CrowdStrike),
//   SentinelAgent (SentinelOne), CbDefense (Carbon Black), CylanceSvc, SEDService (Sophos), xagt (Trellix
//   HX). Sense ships with Windows and stays stopped (manual start) until the device is onboarded, so a
//   stopped, non-automatic Sense is not reported as an EDR.
import type { AntivirusEdrFacts } from '../../../protocol/checks/antivirus-edr.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { asArray, clip, parsePsJson, probe, probeEvidence, probeMissing, psCommand, psProbes, rec, serviceRunning, serviceStartType, str, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseMpStatusJson, parseSecurityCenterJson, type MpStatus, type ScProduct } from './parse-win-av.js';

type Product = AntivirusEdrFacts['products'][number];

const EDR_SERVICES: Record<string, string> = {
  sense: 'Microsoft Defender for Endpoint',
  csfalconservice: 'CrowdStrike Falcon',
  sentinelagent: 'SentinelOne',
  cbdefense: 'VMware Carbon Black Cloud',
  cylancesvc: 'Cylance',
  sedservice: 'Sophos Endpoint Defense',
  xagt: 'Trellix Endpoint Security (HX)',
};

export const AV_LABEL = 'SecurityCenter2 AntiVirusProduct, Get-MpComputerStatus, EDR services';
export const AV_ARGV = psCommand(
  psProbes({
    sc: '@(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct | Select-Object displayName,productState,pathToSignedProductExe,timestamp)',
    mp: 'Get-MpComputerStatus | Select-Object AMServiceEnabled,AntivirusEnabled,RealTimeProtectionEnabled,AntivirusSignatureAge,AntivirusSignatureLastUpdated,IsTamperProtected,AMRunningMode,AMProductVersion',
    svc: `@(Get-Service -Name ${Object.keys(EDR_SERVICES)
      .map((s) => `'${s}'`)
      .join(',')} -ErrorAction SilentlyContinue | Select-Object Name,DisplayName,Status,StartType)`,
  }),
);

const DAY_MS = 86_400_000;

export function scProduct(p: ScProduct): Product {
  const out: Product = { name: clip(p.name, 128), kind: 'antivirus', active: p.enabled, realtime: null, signatureAgeDays: null };
  if (p.state !== null) out.signaturesOutOfDate = p.definitionsOutOfDate;
  out.detail =
    p.state === null
      ? 'productState not reported'
      : `productState 0x${p.state.toString(16).padStart(6, '0')}: ${p.enabled ? 'on' : 'off'}, definitions ${p.definitionsOutOfDate ? 'OUT OF DATE' : 'up to date'}`;
  return out;
}

export function defenderProduct(m: MpStatus, now: number): Product {
  const passive = m.runningMode !== null && /passive/i.test(m.runningMode);
  const active = m.serviceEnabled === false || m.antivirusEnabled === false || passive ? false : m.serviceEnabled === true ? true : null;
  const age = m.signatureUpdatedMs !== null ? Math.max(0, Math.round(((now - m.signatureUpdatedMs) / DAY_MS) * 10) / 10) : m.signatureAgeDays;
  const p: Product = { name: 'Microsoft Defender Antivirus', kind: 'antivirus', active, realtime: m.realtime, signatureAgeDays: age };
  if (m.version) p.version = clip(m.version, 128);
  const detail = [
    m.runningMode ? `running mode ${m.runningMode}${passive ? ' (another antivirus is primary)' : ''}` : '',
    m.tamperProtected === null ? '' : `tamper protection ${m.tamperProtected ? 'on' : 'off'}`,
    active === null ? 'Defender service state not reported' : '',
  ].filter(Boolean);
  if (detail.length) p.detail = clip(detail.join('; '), 1024);
  return p;
}

export function edrProducts(services: unknown): Product[] {
  const out: Product[] = [];
  for (const s of asArray(services)) {
    const r = rec(s);
    const name = (str(r?.Name) ?? '').toLowerCase();
    const label = EDR_SERVICES[name];
    if (!r || !label) continue;
    const running = serviceRunning(r.Status);
    const start = serviceStartType(r.StartType);
    if (name === 'sense' && running !== true && start !== 'automatic') continue;
    out.push({ name: label, kind: 'edr', active: running, realtime: null, signatureAgeDays: null, detail: clip(`service ${str(r.Name)} ${running === null ? 'state unknown' : running ? 'running' : 'not running'}${start ? `, start ${start}` : ''}`, 1024) });
  }
  return out;
}

async function collect(deps: CollectDeps): Promise<Collected<AntivirusEdrFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(AV_ARGV[0]!, AV_ARGV.slice(1));
  evidence.push(winEvidence(ps, AV_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  if (out === null) return { facts: null, reason: winWhyFailed(ps, `powershell.exe: ${AV_LABEL}`), evidence };

  const products: Product[] = [];
  const notes: string[] = [];

  const mp = probe(out, 'mp');
  const status = mp.ok ? parseMpStatusJson(mp.value) : null;
  if (status) products.push(defenderProduct(status, deps.now()));
  else {
    if (!mp.ok) evidence.push(probeEvidence('Get-MpComputerStatus', mp.failure));
    notes.push(mp.ok ? 'Get-MpComputerStatus output unreadable' : whyProbeFailed('Microsoft Defender (Get-MpComputerStatus)', mp.failure));
  }

  const sc = probe(out, 'sc');
  const scList = sc.ok ? parseSecurityCenterJson(sc.value) : null;
  if (scList) {
    // Defender's own status is richer than its SecurityCenter2 entry.
    for (const p of scList) if (!(status && /defender/i.test(p.name))) products.push(scProduct(p));
  } else {
    if (!sc.ok) evidence.push(probeEvidence('SecurityCenter2 AntiVirusProduct', sc.failure));
    notes.push(
      !sc.ok && probeMissing(sc.failure)
        ? 'SecurityCenter2 is not available (Windows Server has none): third-party antivirus is not inventoried, only Defender and known EDR services'
        : sc.ok
          ? 'SecurityCenter2 output unreadable'
          : whyProbeFailed('SecurityCenter2', sc.failure),
    );
  }

  const svc = probe(out, 'svc');
  if (svc.ok) products.push(...edrProducts(svc.value));
  else {
    evidence.push(probeEvidence('Get-Service (EDR services)', svc.failure));
    notes.push(whyProbeFailed('EDR services', svc.failure));
  }

  if (!mp.ok && !sc.ok && !svc.ok) {
    return { facts: null, reason: clip(`no anti-malware source could be read: ${notes.join('; ')}`, 1024), evidence };
  }
  if (!products.length && !scList) {
    // Without SecurityCenter2 an antivirus we do not know by name is invisible: say so instead of "none".
    products.push({
      name: 'Other antivirus (not inventoried)',
      kind: 'antivirus',
      active: null,
      realtime: null,
      signatureAgeDays: null,
      detail: 'SecurityCenter2 is unavailable, so antivirus products other than Defender and known EDR agents cannot be seen',
    });
  }
  const facts: AntivirusEdrFacts = { products: products.slice(0, 32) };
  if (notes.length) facts.notes = notes.slice(0, 8).map((n) => clip(n, 1024));
  return { facts, evidence };
}

const check: PlatformCheck<AntivirusEdrFacts> = { id: 'antivirus_edr', collect };
export default check;
