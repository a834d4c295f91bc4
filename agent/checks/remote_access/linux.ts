// Remote access on Linux: the SSH server's effective authentication settings, and whether telnet, VNC or
// RDP servers are enabled. A service counts as enabled when it runs, starts at boot (systemd), or
// something listens on its port (/proc/net/tcp*, readable by anyone). Only services that are present are
// reported; none gives services: [].
//  - sshd: `sshd -T` (root) prints the effective global settings; where it cannot run, sshd_config and its
//    Includes are read (first value wins), Match blocks are noted but not applied, and unset keywords take
//    OpenSSH's defaults (said in the detail).
//  - telnet: inetd/xinetd entries, telnet.socket, or a listener on port 23.
//  - VNC: x11vnc, RealVNC, or any listener on 5900-5999; RDP: xrdp, gnome-remote-desktop, 3389.
import type { RemoteAccessFacts } from '../../../protocol/checks/remote-access.js';
import { clip, Probe, type ServiceSpec, type ServiceState, serviceStates, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { globalSettings, globMatches, inetdServesTelnet, parseProcNetTcp, parseSshdConfig, parseSshdT, sshdVerdict, xinetdServesTelnet, type ConfigItem } from './parse-remote.js';

type Service = RemoteAccessFacts['services'][number];

const SSH: ServiceSpec[] = ['ssh.service', 'sshd.service', 'ssh.socket', 'sshd.socket'].map((unit) => ({ unit, process: 'sshd' }));
const TELNET: ServiceSpec[] = [
  { unit: 'telnet.socket', process: 'in.telnetd' },
  { unit: 'inetd.service', process: 'inetd' },
  { unit: 'openbsd-inetd.service', process: 'inetd' },
  { unit: 'xinetd.service', process: 'xinetd' },
];
const VNC: ServiceSpec[] = [
  { unit: 'x11vnc.service', process: 'x11vnc' },
  { unit: 'vncserver-x11-serviced.service', process: 'vncserver-x11-s' },
  // TigerVNC/TightVNC run as template instances (vncserver@:N) whose N is site-specific: their
  // listeners on 5900+N find them.
];
const RDP: ServiceSpec[] = [
  { unit: 'xrdp.service', process: 'xrdp' },
  { unit: 'gnome-remote-desktop.service', process: 'gnome-remote-de' },
];

interface Listening {
  ports: Set<number> | null;
  why: string;
}

async function listening(p: Probe): Promise<Listening> {
  const [v4, v6] = await Promise.all([p.readAll('/proc/net/tcp', 8 * 1024 * 1024), p.readAll('/proc/net/tcp6', 8 * 1024 * 1024)]);
  const a = v4 === null ? null : parseProcNetTcp(v4);
  const b = v6 === null ? new Set<number>() : parseProcNetTcp(v6); // no tcp6 file: IPv6 disabled
  if (!a || !b) return { ports: null, why: '/proc/net/tcp could not be read' };
  return { ports: new Set([...a, ...b]), why: '' };
}

/** Running, starting at boot, or listening; null when none of that could be told. */
function enabledFrom(states: Array<ServiceState | undefined>, listens: boolean | null): boolean | null {
  if (listens === true || states.some((s) => s?.active === true || s?.enabled === true)) return true;
  if (listens === null || states.some((s) => !s || s.active === null)) return null;
  return false;
}

/** Resolves Include lines in place (relative to /etc/ssh, globs in the file name), depth-limited. */
async function expandConfig(p: Probe, path: string, depth: number, seen: Set<string>): Promise<ConfigItem[] | string> {
  if (depth > 8 || seen.has(path)) return [];
  seen.add(path);
  const text = await p.read(path, 1024 * 1024);
  if (text === null) return `${path} could not be read`;
  const out: ConfigItem[] = [];
  for (const it of parseSshdConfig(text)) {
    if (it.kind !== 'include') {
      out.push(it);
      continue;
    }
    for (const pattern of it.patterns) {
      const full = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
      const dir = full.slice(0, full.lastIndexOf('/'));
      const base = full.slice(full.lastIndexOf('/') + 1);
      let files: string[];
      if (/[*?]/.test(base)) {
        const listed = await p.listDir(dir);
        if (listed === null) return `${dir} could not be listed`;
        files = listed.filter((f) => globMatches(base, f.slice(f.lastIndexOf('/') + 1)));
      } else files = (await p.exists(full)) ? [full] : [];
      for (const f of files) {
        const sub = await expandConfig(p, f, depth + 1, seen);
        if (typeof sub === 'string') return sub;
        out.push(...sub);
      }
    }
  }
  return out;
}

interface SshdConfig {
  bin: string | null;
  settings: Map<string, string> | null;
  effective: boolean;
  port: number;
  details: string[];
}

/** The effective settings: sshd -T, or the configuration files where it cannot run. */
async function sshdConfig(p: Probe): Promise<SshdConfig> {
  const bin = await p.firstExisting(['/usr/sbin/sshd', '/sbin/sshd']);
  const details: string[] = [];
  const t = bin ? await p.run(bin, ['-T']) : null;
  const effective = t && succeeded(t) ? parseSshdT(t.stdout) : null;
  if (effective) return { bin, settings: effective, effective: true, port: Number(effective.get('port')) || 22, details: ['effective settings from sshd -T'] };
  details.push(`sshd -T: ${t ? whyFailed(t) : 'no sshd binary'}`);
  const items = await expandConfig(p, '/etc/ssh/sshd_config', 0, new Set());
  if (typeof items === 'string') return { bin, settings: null, effective: false, port: 22, details: [...details, items] };
  const g = globalSettings(items);
  details.push('settings read from sshd_config and its includes');
  if (g.matchBlocks) details.push(`${g.matchBlocks} Match block(s) not applied`);
  return { bin, settings: g.settings, effective: false, port: Number(g.settings.get('port')) || 22, details };
}

function sshd(cfg: SshdConfig, states: Map<string, ServiceState>, ports: Listening): Service | null {
  const unitStates = SSH.map((s) => states.get(s.unit));
  if (!cfg.bin && !unitStates.some((s) => s?.installed === true)) return null;
  const details = [...cfg.details];
  const enabled = enabledFrom(unitStates, ports.ports ? ports.ports.has(cfg.port) : null);
  details.push(...unitStates.filter((s): s is ServiceState => s !== undefined && s.installed !== false).map((s) => s.detail));
  if (ports.ports?.has(cfg.port)) details.push(`listening on port ${cfg.port}`);
  if (!cfg.settings) return { name: 'sshd', enabled, permitRootLogin: null, passwordAuthentication: null, detail: clip([...new Set(details)].join('; '), 1024) };
  const v = sshdVerdict(cfg.settings);
  if (v.defaulted.length && !cfg.effective) details.push(`OpenSSH defaults assumed for ${v.defaulted.join(', ')}`);
  return { name: 'sshd', enabled, permitRootLogin: clip(v.permitRootLogin, 32), passwordAuthentication: v.passwordAuthentication, detail: clip([...new Set(details)].join('; '), 1024) };
}

async function telnet(p: Probe, states: Map<string, ServiceState>, ports: Listening): Promise<Service | null> {
  const [inetd, xinetd] = await Promise.all([p.read('/etc/inetd.conf', 256 * 1024), p.read('/etc/xinetd.d/telnet', 64 * 1024)]);
  const viaInetd = inetd !== null && inetdServesTelnet(inetd);
  const viaXinetd = xinetd !== null && xinetdServesTelnet(xinetd);
  const socket = states.get('telnet.socket');
  const listens = ports.ports ? ports.ports.has(23) : null;
  if (ports.ports === null) return { name: 'telnet', enabled: null, detail: clip(`listening ports unknown: ${ports.why}`, 1024) };
  if (!viaInetd && !viaXinetd && socket?.installed !== true && socket?.active !== true && !listens) return null;
  const superservers = [...(viaInetd ? [states.get('inetd.service'), states.get('openbsd-inetd.service')] : []), ...(viaXinetd ? [states.get('xinetd.service')] : [])];
  const enabled = enabledFrom([socket, ...superservers], listens);
  const detail = [viaInetd ? 'telnet entry in /etc/inetd.conf' : '', viaXinetd ? '/etc/xinetd.d/telnet enabled' : '', listens ? 'listening on port 23' : 'nothing listens on port 23'].filter(Boolean).join('; ');
  return { name: 'telnet', enabled, detail: clip(detail, 1024) };
}

function byProcessOrPort(name: string, specs: ServiceSpec[], states: Map<string, ServiceState>, ports: Listening, inRange: (port: number) => boolean, extra: Partial<Service> = {}): Service | null {
  const st = specs.map((s) => states.get(s.unit));
  const listens = ports.ports ? [...ports.ports].some(inRange) : null;
  if (!listens && !st.some((s) => s?.installed === true || s?.active === true)) return null;
  const enabled = enabledFrom(st.filter((s) => s?.installed !== false), listens);
  const detail = [...new Set(st.filter((s): s is ServiceState => s !== undefined && (s.installed === true || s.active === true)).map((s) => s.detail)), listens ? 'listening' : ''].filter(Boolean).join('; ');
  return { name, enabled, ...extra, detail: clip(detail || 'present', 1024) };
}

async function collect(deps: CollectDeps): Promise<Collected<RemoteAccessFacts>> {
  const p = new Probe(deps);
  const [states, ports] = await Promise.all([serviceStates(p, [...SSH, ...TELNET, ...VNC, ...RDP]), listening(p)]);
  // Only after the process list was taken: `sshd -T` is itself a process named sshd.
  const [cfg, tel] = await Promise.all([sshdConfig(p), telnet(p, states, ports)]);
  const ssh = sshd(cfg, states, ports);
  const vnc = byProcessOrPort('vnc', VNC, states, ports, (x) => x >= 5900 && x <= 5999);
  const xrdpInstalled = states.get('xrdp.service')?.installed === true || states.get('xrdp.service')?.active === true;
  // xrdp offers no Network Level Authentication (CredSSP): the login screen is exposed before authentication.
  const rdp = byProcessOrPort('rdp', RDP, states, ports, (x) => x === 3389, xrdpInstalled ? { nla: false } : {});
  const facts: RemoteAccessFacts = { services: [ssh, tel, vnc, rdp].filter((s): s is Service => s !== null) };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<RemoteAccessFacts> = { id: 'remote_access', collect };
export default check;
