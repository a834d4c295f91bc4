import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/audit_logging/linux.js';
import { auditdWritesLogs, journaldStorage, parseAuditctlRules, parseAuditctlStatus, syslogHasOutput } from '../../../../agent/checks/audit_logging/parse-audit.js';
import type { AuditLoggingFacts } from '../../../../protocol/checks/audit-logging.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

describe('audit parsers', () => {
  it('auditctl -s on this machine: installed but stopped (enabled 0, pid 0), running (enabled 1 with its pid), after the daemon stopped', () => {
    expect(parseAuditctlStatus(fixture('auditctl-s/debian12-installed-not-running.txt'))).toEqual({ enabled: 0, pid: 0, lost: 0 });
    const running = parseAuditctlStatus(fixture('auditctl-s/debian12-auditd-running.txt'))!;
    expect(running.enabled).toBe(1);
    expect(running.pid).toBeGreaterThan(0);
    expect(parseAuditctlStatus(fixture('auditctl-s/debian12-enabled-after-auditd-stopped.txt'))).toEqual({ enabled: 1, pid: 0, lost: 0 });
    expect(parseAuditctlStatus(fixture('auditctl-s/debian12-nonroot.stderr.txt'))).toBeNull();
    expect(parseAuditctlStatus('')).toBeNull();
  });

  it('auditctl -l: "No rules", two rules, and refusal text', () => {
    expect(parseAuditctlRules(fixture('auditctl-l/debian12-no-rules.txt'))).toBe(0);
    expect(parseAuditctlRules(fixture('auditctl-l/debian12-two-rules.txt'))).toBe(2);
    expect(parseAuditctlRules(fixture('auditctl-s/debian12-nonroot.stderr.txt'))).toBeNull();
    expect(parseAuditctlRules('')).toBeNull();
  });

  it('auditd.conf: the Debian default writes logs; write_logs = no does not', () => {
    expect(auditdWritesLogs(fixture('etc-audit-auditd-conf/debian12-default.txt'))).toBe(true);
    expect(auditdWritesLogs('write_logs = no\n')).toBe(false);
  });

  it('journald Storage=: default auto, the last assignment wins, only in [Journal]', () => {
    expect(journaldStorage(['[Journal]\n#Storage=auto\n'])).toBeNull();
    expect(journaldStorage(['[Journal]\nStorage=volatile\n', '[Journal]\nStorage=persistent\n'])).toBe('persistent');
    expect(journaldStorage(['[Journal]\nStorage=persistent\n', '[Journal]\nStorage=\n'])).toBe('auto');
    expect(journaldStorage(['[Other]\nStorage=none\n'])).toBeNull();
  });

  it('syslog outputs', () => {
    expect(syslogHasOutput('*.*;auth,authpriv.none\t\t-/var/log/syslog\n')).toBe(true);
    expect(syslogHasOutput('*.* @@logs.example.org:514\n')).toBe(true);
    expect(syslogHasOutput('action(type="omfwd" target="10.0.0.1")\n')).toBe(true);
    expect(syslogHasOutput('# nothing\nmodule(load="imuxsock")\n')).toBe(false);
  });
});

const PGREP = 'pgrep -l -x auditd|systemd-journal|rsyslogd|syslog-ng';
const SHOW = 'systemctl show --no-pager --property=Id,LoadState,ActiveState,UnitFileState -- auditd.service systemd-journald.service rsyslog.service syslog-ng.service';
const JOURNALD = { '/lib/systemd/systemd-journald': '', '/etc/systemd/journald.conf': '[Journal]\n#Storage=auto\n' };
const AUDITD = { '/usr/sbin/auditd': '', '/etc/audit/auditd.conf': fixture('etc-audit-auditd-conf/debian12-default.txt') };

function show(states: Record<string, string>): string {
  return ['auditd.service', 'systemd-journald.service', 'rsyslog.service', 'syslog-ng.service']
    .map((u) => (u in states ? `Id=${u}\nLoadState=loaded\nActiveState=${states[u]}\nUnitFileState=enabled\n` : `Id=${u}\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n`))
    .join('\n');
}

async function collect(replies: Record<string, Reply>, files: Record<string, string>, dirs: Record<string, number> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, dirs)));
  const facts = c.facts as AuditLoggingFacts;
  return { c, facts, s: (n: string) => facts.sources.find((x) => x.name === n), verdict: verdictOf('audit_logging', c) };
}

describe('audit_logging collect (replayed)', () => {
  it('this build machine: no auditd, journald not running (systemd is not PID 1) though /var/log/journal exists: fail', async () => {
    const { facts, verdict } = await collect({ [PGREP]: exit(1, '') }, JOURNALD, { '/var/log/journal': 1 });
    expect(facts.sources).toEqual([
      { name: 'auditd', active: false, persistent: null, detail: 'auditd is not installed' },
      { name: 'journald', active: false, persistent: true, detail: expect.stringContaining('Storage=auto with /var/log/journal present') },
    ]);
    expect(schemaErrors('audit_logging', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'fail', reason: 'no audit log source is running and persistent' });
  });

  it('auditd running with auditing on (recorded while it ran here): pass', async () => {
    const { s, verdict } = await collect(
      { [PGREP]: ok('812 auditd\n'), 'auditctl -s': ok(fixture('auditctl-s/debian12-auditd-running.txt')), 'auditctl -l': ok(fixture('auditctl-l/debian12-two-rules.txt')) },
      { ...AUDITD, ...JOURNALD },
    );
    expect(s('auditd')).toMatchObject({ active: true, persistent: true });
    expect(s('auditd')?.detail).toContain('2 audit rule(s)');
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('auditd installed but not running (recorded): not active', async () => {
    const { s } = await collect({ [PGREP]: exit(1, ''), 'auditctl -s': ok(fixture('auditctl-s/debian12-installed-not-running.txt')), 'auditctl -l': ok(fixture('auditctl-l/debian12-no-rules.txt')) }, AUDITD);
    expect(s('auditd')).toMatchObject({ active: false, persistent: null });
  });

  it('auditd running but kernel state unreadable (not root, recorded refusal): unknown, never pass on that alone', async () => {
    const refused = exit(4, '', fixture('auditctl-s/debian12-nonroot.stderr.txt'));
    const { s, verdict } = await collect({ [PGREP]: ok('812 auditd\n'), 'auditctl -s': refused, 'auditctl -l': refused }, AUDITD);
    expect(s('auditd')?.active).toBeNull();
    expect(s('auditd')?.detail).toContain('needs root');
    expect(verdict.status).toBe('unknown');
  });

  it('journald under systemd with Storage=persistent in a drop-in: pass; volatile: fail', async () => {
    const find = 'find /etc/systemd/journald.conf.d -mindepth 1 -maxdepth 1 -type f';
    const files = { ...JOURNALD, '/run/systemd/system': '', '/etc/systemd/journald.conf.d/10-persist.conf': '[Journal]\nStorage=persistent\n' };
    const persistent = await collect({ systemctl: ok(show({ 'systemd-journald.service': 'active' })), [find]: ok('/etc/systemd/journald.conf.d/10-persist.conf\n') }, files, { '/etc/systemd/journald.conf.d': 1 });
    expect(persistent.s('journald')).toMatchObject({ active: true, persistent: true });
    expect(persistent.verdict.status).toBe('pass');
    const volatile = await collect(
      { systemctl: ok(show({ 'systemd-journald.service': 'active' })), [find]: ok('/etc/systemd/journald.conf.d/10-persist.conf\n') },
      { ...files, '/etc/systemd/journald.conf.d/10-persist.conf': '[Journal]\nStorage=volatile\n' },
      { '/etc/systemd/journald.conf.d': 1 },
    );
    expect(volatile.s('journald')).toMatchObject({ active: true, persistent: false });
    expect(volatile.verdict.status).toBe('fail');
  });

  it('a drop-in directory that cannot be listed leaves persistence unknown', async () => {
    const { s, verdict } = await collect(
      { [SHOW]: ok(show({ 'systemd-journald.service': 'active' })), find: timedOut },
      { ...JOURNALD, '/run/systemd/system': '' },
      { '/etc/systemd/journald.conf.d': 1 },
    );
    expect(s('journald')).toMatchObject({ active: true, persistent: null });
    expect(s('journald')?.detail).toContain('could not be listed');
    // The shared evaluate() counts a running source with unknown persistence as good (persistent !== false).
    expect(verdict.status).not.toBe('fail');
  });

  it('rsyslog running and writing /var/log: counts as a persistent source', async () => {
    const { s, verdict } = await collect({ [PGREP]: ok('500 rsyslogd\n') }, { '/usr/sbin/rsyslogd': '', '/etc/rsyslog.conf': '*.*;auth,authpriv.none\t\t-/var/log/syslog\n' });
    expect(s('rsyslog')).toMatchObject({ active: true, persistent: true });
    expect(verdict.status).toBe('pass');
  });

  it('the process list timing out leaves every source unknown: never pass', async () => {
    const { facts, verdict } = await collect({ pgrep: timedOut, auditctl: timedOut }, { ...AUDITD, ...JOURNALD });
    expect(facts.sources.map((x) => x.active)).toEqual([null, null]);
    expect(verdict.status).toBe('unknown');
  });
});
