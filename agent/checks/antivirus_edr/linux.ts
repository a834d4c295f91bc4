// Anti-malware and EDR on Linux. Each known product is looked for by its install path (cheap, no process
// started when absent); a present product is asked for its state with its own tool where it has one:
//  - ClamAV: clamd running (scanning service) and clamonacc (on-access, i.e. real-time) running; signature
//    age from the daily database's build time (`clamscan --version`) or, failing that, the mtime of
//    /var/lib/clamav/daily.{cld,cvd}. ClamAV without clamd is an on-demand scanner and reads as inactive.
//  - Microsoft Defender for Endpoint: `mdatp health` (healthy, real-time protection, definitions age).
//  - CrowdStrike Falcon: falcon-sensor running, not in reduced functionality mode, registered (agent id).
//  - SentinelOne: `sentinelctl control status`.
//  - Other EDR agents (Sophos, Trellix, Trend Micro, ESET, Elastic, Carbon Black, Cortex XDR): whether
//    their service runs; their protection details are not read.
// None present gives products: [] (the shared evaluate() fails that).
import type { AntivirusEdrFacts } from '../../../protocol/checks/antivirus-edr.js';
import { clip, Probe, type ServiceSpec, type ServiceState, serviceStates, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseClamVersion, parseFalconctl, parseMdatpHealthJson, parseMdatpHealthText, parseSentinelStatus } from './parse-av.js';

type Product = AntivirusEdrFacts['products'][number];

const DAY_MS = 86_400_000;

const CLAM: ServiceSpec[] = [
  { unit: 'clamav-daemon.service', process: 'clamd' },
  { unit: 'clamd@scan.service', process: 'clamd' },
  { unit: 'clamav-clamonacc.service', process: 'clamonacc' },
  { unit: 'clamonacc.service', process: 'clamonacc' },
];

const SERVICE_ONLY: Array<{ name: string; path: string; spec: ServiceSpec }> = [
  { name: 'Sophos Protection for Linux', path: '/opt/sophos-spl', spec: { unit: 'sophos-spl.service', process: 'sophos_watchdog' } },
  { name: 'Trellix Endpoint Security', path: '/opt/McAfee/ens', spec: { unit: 'mfetpd.service', process: 'mfetpd' } },
  { name: 'Trend Micro Deep Security Agent', path: '/opt/ds_agent', spec: { unit: 'ds_agent.service', process: 'ds_agent' } },
  { name: 'ESET Endpoint Antivirus', path: '/opt/eset/eea', spec: { unit: 'eea.service', process: 'eea' } },
  { name: 'Elastic Defend', path: '/opt/Elastic/Endpoint', spec: { unit: 'ElasticEndpoint.service', process: 'elastic-endpoint' } },
  { name: 'VMware Carbon Black', path: '/opt/carbonblack', spec: { unit: 'cbagentd.service', process: 'cbagentd' } },
  { name: 'Palo Alto Cortex XDR', path: '/opt/traps', spec: { unit: 'traps_pmd.service', process: 'pmd' } },
];

const MDATP: ServiceSpec = { unit: 'mdatp.service', process: 'wdavdaemon' };
const FALCON: ServiceSpec = { unit: 'falcon-sensor.service', process: 'falcon-sensor' };
const SENTINEL: ServiceSpec = { unit: 'sentinelone.service', process: 's1-agent' };

const days = (ms: number) => Math.max(0, Math.round((ms / DAY_MS) * 100) / 100);
const anyActive = (states: Array<ServiceState | undefined>) => (states.some((s) => s?.active === true) ? true : states.every((s) => s?.active === false) ? false : null);

async function clamav(p: Probe, tool: string, states: Map<string, ServiceState>): Promise<Product> {
  const daemonStates = CLAM.slice(0, 2).map((s) => states.get(s.unit));
  const details: string[] = [];
  let version: string | undefined;
  let age: number | null = null;
  const r = await p.run(tool, ['--version']);
  const v = succeeded(r) ? parseClamVersion(r.stdout) : null;
  if (v) {
    version = v.engine;
    const built = v.dbBuilt ? Date.parse(v.dbBuilt) : NaN;
    if (Number.isFinite(built)) {
      age = days(p.deps.now() - built);
      details.push(`daily database ${v.dbVersion} built ${v.dbBuilt}`);
    }
  } else details.push(`version unknown: ${whyFailed(r)}`);
  if (age === null) {
    const mtimes = (await Promise.all(['daily.cld', 'daily.cvd'].map((f) => p.deps.files.mtimeMs(`/var/lib/clamav/${f}`)))).filter((m): m is number => m !== null);
    if (mtimes.length) {
      age = days(p.deps.now() - Math.max(...mtimes));
      details.push('signature age from /var/lib/clamav/daily.* modification time');
    } else details.push('no signature database found in /var/lib/clamav');
  }
  const active = anyActive(daemonStates);
  const realtime = active === false ? false : anyActive(CLAM.slice(2).map((s) => states.get(s.unit)));
  details.unshift(active === true ? 'clamd running' : active === false ? 'clamd not running (on-demand scanner only)' : (daemonStates.find((s) => s?.active === null)?.detail ?? 'clamd state unknown'));
  if (realtime === false && active) details.push('clamonacc (on-access scanning) not running');
  return { name: 'ClamAV', kind: 'antivirus', active, realtime, signatureAgeDays: age, ...(version ? { version: clip(version, 128) } : {}), detail: clip(details.join('; '), 1024) };
}

async function defender(p: Probe, states: Map<string, ServiceState>): Promise<Product> {
  const svc = states.get(MDATP.unit);
  const json = await p.run('mdatp', ['health', '--output', 'json']);
  let h = succeeded(json) ? parseMdatpHealthJson(json.stdout) : null;
  if (!h && !json.failure) {
    const text = await p.run('mdatp', ['health']);
    h = succeeded(text) ? parseMdatpHealthText(text.stdout) : null;
  }
  const base = { name: 'Microsoft Defender for Endpoint', kind: 'antivirus' as const };
  if (!h) return { ...base, active: svc?.active === false ? false : null, realtime: null, signatureAgeDays: null, detail: clip(`mdatp health gave no answer: ${whyFailed(json)}${svc ? `; ${svc.detail}` : ''}`, 1024) };
  const details = [h.healthy === false ? 'mdatp reports unhealthy' : h.healthy ? 'healthy' : 'health unknown'];
  if (h.licensed === false) details.push('not onboarded (unlicensed)');
  if (h.passive) details.push('passive mode: another product is the primary antivirus');
  if (h.definitionsStatus) details.push(`definitions ${h.definitionsStatus}`);
  return {
    ...base,
    active: h.healthy === null ? null : h.healthy && h.licensed !== false,
    realtime: h.realtime,
    signatureAgeDays: h.definitionsAgeMinutes === null ? null : Math.round((h.definitionsAgeMinutes / 1440) * 100) / 100,
    ...(h.appVersion ? { version: clip(h.appVersion, 128) } : {}),
    detail: clip(details.join('; '), 1024),
  };
}

async function falcon(p: Probe, states: Map<string, ServiceState>): Promise<Product> {
  const svc = states.get(FALCON.unit);
  const r = await p.run('/opt/CrowdStrike/falconctl', ['-g', '--rfm-state', '--aid']);
  const f = succeeded(r) ? parseFalconctl(r.stdout) : null;
  const details = [svc?.detail ?? 'service state unknown'];
  let active = svc?.active ?? null;
  if (!f) details.push(`falconctl gave no answer: ${whyFailed(r)}`);
  else {
    if (f.rfm === true) {
      active = false;
      details.push('reduced functionality mode (kernel not supported by the sensor)');
    }
    if (f.aid === null) {
      active = false;
      details.push('no agent id: the sensor has not registered with the CrowdStrike cloud');
    }
    if (f.rfm === null && active) active = null;
  }
  return { name: 'CrowdStrike Falcon', kind: 'edr', active, realtime: null, signatureAgeDays: null, detail: clip(details.join('; '), 1024) };
}

async function sentinelOne(p: Probe, states: Map<string, ServiceState>): Promise<Product> {
  const r = await p.run('/opt/sentinelone/bin/sentinelctl', ['control', 'status']);
  const running = succeeded(r) ? parseSentinelStatus(r.stdout) : null;
  const svc = states.get(SENTINEL.unit);
  const active = running ?? (svc?.active === false ? false : null);
  const detail = running === null ? `sentinelctl gave no clear state: ${succeeded(r) ? 'unrecognised output' : whyFailed(r)}` : `sentinelctl: agent ${running ? 'running' : 'not running'}`;
  return { name: 'SentinelOne', kind: 'edr', active, realtime: null, signatureAgeDays: null, detail: clip(detail, 1024) };
}

async function collect(deps: CollectDeps): Promise<Collected<AntivirusEdrFacts>> {
  const p = new Probe(deps);
  // Presence first, from files: nothing is started for products that are not there.
  const [clamTool, mdatp, falconctl, sentinelctl, ...present] = await Promise.all([
    p.firstExisting(['/usr/bin/clamscan', '/usr/sbin/clamd', '/usr/bin/freshclam']),
    p.firstExisting(['/usr/bin/mdatp', '/opt/microsoft/mdatp/sbin/wdavdaemonclient']),
    p.exists('/opt/CrowdStrike/falconctl'),
    p.exists('/opt/sentinelone/bin/sentinelctl'),
    ...SERVICE_ONLY.map((x) => p.exists(x.path)),
  ]);
  const others = SERVICE_ONLY.filter((_, i) => present[i]);
  const specs = [...(clamTool ? CLAM : []), ...(mdatp ? [MDATP] : []), ...(falconctl ? [FALCON] : []), ...(sentinelctl ? [SENTINEL] : []), ...others.map((o) => o.spec)];
  const states = specs.length ? await serviceStates(p, specs) : new Map<string, ServiceState>();
  const products = await Promise.all([
    ...(clamTool ? [clamav(p, clamTool, states)] : []),
    ...(mdatp ? [defender(p, states)] : []),
    ...(falconctl ? [falcon(p, states)] : []),
    ...(sentinelctl ? [sentinelOne(p, states)] : []),
  ]);
  for (const o of others) {
    const s = states.get(o.spec.unit)!;
    products.push({ name: o.name, kind: 'edr', active: s.active, realtime: null, signatureAgeDays: null, detail: clip(`${o.path} present; ${s.detail}; protection details are not read`, 1024) });
  }
  return { facts: { products: products.slice(0, 32) }, evidence: p.evidence };
}

const check: PlatformCheck<AntivirusEdrFacts> = { id: 'antivirus_edr', collect };
export default check;
