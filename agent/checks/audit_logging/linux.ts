// Audit logging on Linux: every log producer present is reported with whether it runs and whether what it
// records survives a reboot.
//  - auditd: the kernel audit trail (execve, file watches, logins via PAM). Running means the daemon runs
//    and the kernel has auditing on (`auditctl -s`, root); it writes /var/log/audit unless write_logs=no.
//  - journald: persistent when Storage=persistent, or Storage=auto (the default) with /var/log/journal
//    present; otherwise the journal lives in /run and is lost at reboot.
//  - rsyslog / syslog-ng, when installed: running, and whether their configuration writes or forwards.
// auditd is always listed (not installed = not running) because a policy may demand it.
import type { AuditLoggingFacts } from '../../../protocol/checks/audit-logging.js';
import { clip, dropInOrder, Probe, type ServiceState, serviceStates, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { auditdWritesLogs, journaldStorage, parseAuditctlRules, parseAuditctlStatus, syslogHasOutput } from './parse-audit.js';

type Source = AuditLoggingFacts['sources'][number];

const SPECS = [
  { unit: 'auditd.service', process: 'auditd' },
  // journald's comm is truncated to 15 characters by the kernel.
  { unit: 'systemd-journald.service', process: 'systemd-journal' },
  { unit: 'rsyslog.service', process: 'rsyslogd' },
  { unit: 'syslog-ng.service', process: 'syslog-ng' },
];

const JOURNALD_DROPIN_DIRS = ['/etc/systemd/journald.conf.d', '/run/systemd/journald.conf.d', '/usr/local/lib/systemd/journald.conf.d', '/usr/lib/systemd/journald.conf.d', '/lib/systemd/journald.conf.d'];

const running = (s: ServiceState | undefined) => s?.active ?? null;

async function auditd(p: Probe, svc: ServiceState | undefined): Promise<Source> {
  const bin = await p.firstExisting(['/sbin/auditd', '/usr/sbin/auditd']);
  if (!bin && svc?.installed !== true) return { name: 'auditd', active: false, persistent: null, detail: 'auditd is not installed' };
  const daemon = running(svc);
  const [st, rules, conf] = await Promise.all([p.run('auditctl', ['-s']), p.run('auditctl', ['-l']), p.read('/etc/audit/auditd.conf', 256 * 1024)]);
  const status = succeeded(st) ? parseAuditctlStatus(st.stdout) : null;
  const count = succeeded(rules) ? parseAuditctlRules(rules.stdout) : null;
  const details = [svc?.detail ?? ''];
  let active: boolean | null = daemon;
  if (status) {
    details.push(`kernel auditing ${status.enabled === 0 ? 'off' : status.enabled === 2 ? 'on (locked)' : 'on'}`);
    if (status.enabled === 0) active = daemon === null ? null : false;
  } else {
    details.push(`kernel audit state unknown: ${whyFailed(st)}`);
    // A running daemon with an unknown kernel state is not enough to call the trail active.
    if (daemon === true) active = null;
  }
  if (count !== null) details.push(count === 0 ? 'no audit rules loaded' : `${count} audit rule(s)`);
  const persistent = conf === null ? null : auditdWritesLogs(conf);
  if (persistent === false) details.push('write_logs = no in /etc/audit/auditd.conf');
  return { name: 'auditd', active, persistent: active === false ? null : persistent, detail: clip(details.filter(Boolean).join('; '), 1024) };
}

async function journald(p: Probe, svc: ServiceState | undefined): Promise<Source | null> {
  const bin = await p.firstExisting(['/lib/systemd/systemd-journald', '/usr/lib/systemd/systemd-journald']);
  if (!bin && svc?.installed !== true) return null;
  const listings = await Promise.all(JOURNALD_DROPIN_DIRS.map((d) => p.listDir(d)));
  const texts: string[] = [];
  const main = await p.read('/etc/systemd/journald.conf', 256 * 1024);
  if (main !== null) texts.push(main);
  const unlisted = JOURNALD_DROPIN_DIRS.filter((_, i) => listings[i] === null);
  for (const f of dropInOrder(listings.map((l) => l ?? []))) {
    const t = await p.read(f, 256 * 1024);
    if (t !== null) texts.push(t);
  }
  const storage = journaldStorage(texts) ?? 'auto';
  let persistent: boolean | null = storage === 'persistent' ? true : storage === 'volatile' || storage === 'none' ? false : await p.exists('/var/log/journal');
  if (storage === 'auto') p.evidence.push({ source: 'exists /var/log/journal', ...(persistent ? {} : { error: 'not present' }) });
  const details = [svc?.detail ?? '', `Storage=${storage}${storage === 'auto' ? (persistent ? ' with /var/log/journal present' : ' and /var/log/journal absent: the journal is kept in /run only') : ''}`];
  if (unlisted.length) {
    // A drop-in we could not see may change Storage=.
    persistent = null;
    details.push(`drop-in directories could not be listed: ${unlisted.join(', ')}`);
  }
  return { name: 'journald', active: running(svc), persistent, detail: clip(details.filter(Boolean).join('; '), 1024) };
}

async function syslog(p: Probe, name: 'rsyslog' | 'syslog-ng', svc: ServiceState | undefined): Promise<Source | null> {
  const bin = await p.firstExisting(name === 'rsyslog' ? ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'] : ['/usr/sbin/syslog-ng', '/sbin/syslog-ng']);
  if (!bin && svc?.installed !== true) return null;
  const conf = await p.read(name === 'rsyslog' ? '/etc/rsyslog.conf' : '/etc/syslog-ng/syslog-ng.conf', 256 * 1024);
  const out = conf === null ? null : syslogHasOutput(conf);
  const detail = [svc?.detail ?? '', conf === null ? 'configuration unreadable' : out ? 'writes to local files or forwards' : 'no file or forwarding output in its main configuration'];
  return { name, active: running(svc), persistent: out === false ? null : out, detail: clip(detail.filter(Boolean).join('; '), 1024) };
}

async function collect(deps: CollectDeps): Promise<Collected<AuditLoggingFacts>> {
  const p = new Probe(deps);
  const states = await serviceStates(p, SPECS);
  const sources = await Promise.all([
    auditd(p, states.get('auditd.service')),
    journald(p, states.get('systemd-journald.service')),
    syslog(p, 'rsyslog', states.get('rsyslog.service')),
    syslog(p, 'syslog-ng', states.get('syslog-ng.service')),
  ]);
  const facts: AuditLoggingFacts = { sources: sources.filter((s): s is Source => s !== null) };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<AuditLoggingFacts> = { id: 'audit_logging', collect };
export default check;
