// Time synchronisation on Linux. Which daemon disciplines the clock (chronyd, systemd-timesyncd, ntpd)
// comes from the service manager, or from the process list where systemd is not PID 1. Whether the clock
// is synchronised comes from timedated (`timedatectl show`: the kernel's own adjtimex() state) when
// systemd runs, and from the daemon itself (chronyc tracking, timedatectl timesync-status, ntpq -p),
// which also gives the source and the offset. No root needed.
// Caveat: a guest whose clock is set only by the hypervisor (kvm-clock, VMware Tools time sync) without
// an NTP daemon reports no running service; that is reported as such, not guessed as synchronised.
import type { TimeSyncFacts } from '../../../protocol/checks/time-sync.js';
import { clip, Probe, type ServiceSpec, serviceStates, succeeded, systemdRunning, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseChronyTracking, parseNtpqPeers, parseTimedatectlShow, parseTimedatectlStatus, parseTimesyncStatus, type TimedatectlState } from './parse-time.js';

interface Daemon {
  name: string;
  specs: ServiceSpec[];
  binaries: string[];
}

const DAEMONS: Daemon[] = [
  { name: 'chronyd', specs: [{ unit: 'chrony.service', process: 'chronyd' }, { unit: 'chronyd.service', process: 'chronyd' }], binaries: ['/usr/sbin/chronyd', '/sbin/chronyd'] },
  {
    name: 'systemd-timesyncd',
    specs: [{ unit: 'systemd-timesyncd.service', process: 'systemd-timesyncd' }],
    binaries: ['/lib/systemd/systemd-timesyncd', '/usr/lib/systemd/systemd-timesyncd'],
  },
  {
    name: 'ntpd',
    specs: [{ unit: 'ntp.service', process: 'ntpd' }, { unit: 'ntpd.service', process: 'ntpd' }, { unit: 'ntpsec.service', process: 'ntpd' }, { unit: 'openntpd.service', process: 'ntpd' }],
    binaries: ['/usr/sbin/ntpd', '/sbin/ntpd'],
  },
];

interface Reading {
  synchronized: boolean | null;
  sources: string[];
  offsetMs: number | null;
  detail: string;
}

async function chrony(p: Probe): Promise<Reading> {
  const r = await p.run('chronyc', ['-n', 'tracking']);
  const t = succeeded(r) ? parseChronyTracking(r.stdout) : null;
  if (!t) return { synchronized: null, sources: [], offsetMs: null, detail: succeeded(r) ? 'chronyc tracking output could not be parsed' : whyFailed(r) };
  return {
    synchronized: t.synchronized,
    sources: t.source ? [clip(t.source, 256)] : [],
    offsetMs: t.offsetMs,
    detail: clip(`chrony reference ${t.referenceId}${t.source ? ` (${t.source})` : ''}, leap status ${t.leap ?? 'unknown'}`, 1024),
  };
}

async function timesyncd(p: Probe): Promise<Reading> {
  const r = await p.run('timedatectl', ['timesync-status']);
  const t = succeeded(r) ? parseTimesyncStatus(r.stdout) : null;
  if (!t) return { synchronized: null, sources: [], offsetMs: null, detail: succeeded(r) ? 'timesync-status output could not be parsed' : whyFailed(r) };
  // timesyncd has no synchronised flag of its own; timedated's NTPSynchronized is the authority.
  return { synchronized: null, sources: t.server ? [clip(t.server, 256)] : [], offsetMs: t.offsetMs, detail: t.answered ? `timesyncd server ${t.server ?? 'unknown'}` : 'timesyncd has not reached a server yet' };
}

async function ntpd(p: Probe): Promise<Reading> {
  const r = await p.run('ntpq', ['-pn']);
  const t = succeeded(r) ? parseNtpqPeers(r.stdout) : null;
  if (!t) return { synchronized: null, sources: [], offsetMs: null, detail: succeeded(r) ? 'ntpq peer list could not be parsed' : whyFailed(r) };
  return {
    synchronized: t.systemPeer !== null,
    sources: t.peers.slice(0, 16).map((x) => clip(x, 256)),
    offsetMs: t.offsetMs,
    detail: t.systemPeer ? `ntpd synchronised to ${t.systemPeer}` : 'ntpd has not selected a system peer',
  };
}

/** timedated's view, when systemd runs: `timedatectl show`, or the prose of older systemd. */
async function timedated(p: Probe): Promise<{ state: TimedatectlState | null; why: string }> {
  const show = await p.run('timedatectl', ['show']);
  const s = succeeded(show) ? parseTimedatectlShow(show.stdout) : null;
  if (s) return { state: s, why: '' };
  if (show.failure === 'not-found') return { state: null, why: 'timedatectl is not installed' };
  // systemd < 239 has no "show" verb.
  const status = await p.run('timedatectl', ['status']);
  const t = succeeded(status) ? parseTimedatectlStatus(status.stdout) : null;
  return { state: t, why: t ? '' : whyFailed(status.failure || !succeeded(status) ? status : show) };
}

async function collect(deps: CollectDeps): Promise<Collected<TimeSyncFacts>> {
  const p = new Probe(deps);
  const withSystemd = await systemdRunning(p);
  const [states, td, installed] = await Promise.all([
    serviceStates(p, DAEMONS.flatMap((d) => d.specs)),
    withSystemd ? timedated(p) : Promise.resolve({ state: null, why: 'systemd is not the service manager here, so timedated cannot be asked' }),
    Promise.all(DAEMONS.map(async (d) => (await p.firstExisting(d.binaries)) !== null)),
  ]);
  const stateOf = (d: Daemon) => d.specs.map((s) => states.get(s.unit)!);
  const running = DAEMONS.filter((d) => stateOf(d).some((s) => s.active === true));
  const unclear = DAEMONS.filter((d) => !running.includes(d) && stateOf(d).some((s) => s.active === null));
  const present = DAEMONS.filter((d, i) => installed[i] || stateOf(d).some((s) => s.installed === true));

  let reading: Reading | null = null;
  const main = running[0];
  if (main) reading = await (main.name === 'chronyd' ? chrony(p) : main.name === 'ntpd' ? ntpd(p) : timesyncd(p));

  const details: string[] = [];
  let serviceActive: boolean | null;
  if (main) serviceActive = true;
  else if (unclear.length) {
    serviceActive = null;
    details.push(...unclear.map((d) => stateOf(d).find((s) => s.active === null)!.detail));
  } else {
    serviceActive = false;
    details.push(present.length ? `${present.map((d) => d.name).join(', ')} installed but not running` : 'no time synchronisation daemon (chronyd, systemd-timesyncd, ntpd) is installed');
    if (!withSystemd) details.push('systemd is not the service manager here');
  }
  if (running.length > 1) details.push(`several time daemons run at once (${running.map((d) => d.name).join(', ')}), which fight over the clock`);
  if (reading) details.push(reading.detail);

  // The kernel's flag (via timedated) is the authority; the daemon's own view stands in without it.
  let synchronized = td.state?.synchronized ?? null;
  if (synchronized === null && reading) synchronized = reading.synchronized;
  if (synchronized === null && withSystemd) details.push(td.why || 'whether the clock is synchronised could not be determined');

  // The kernel clock is disciplined although no daemon this check knows runs (ptp4l/phc2sys, a vendor
  // agent): the clock is what matters, the service is simply not one named here.
  const foreign = !main && synchronized === true;
  if (foreign) details.push('the clock is synchronised by a service this check does not recognise');
  const facts: TimeSyncFacts = {
    service: foreign ? null : (main?.name ?? present[0]?.name ?? null),
    serviceActive: foreign ? null : serviceActive,
    synchronized,
    sources: reading?.sources ?? [],
    offsetMs: reading?.offsetMs ?? null,
  };
  if (details.length) facts.detail = clip(details.join('; '), 1024);
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<TimeSyncFacts> = { id: 'time_sync', collect };
export default check;
