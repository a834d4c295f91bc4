import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/time_sync/linux.js';
import { parseChronyTracking, parseNtpqPeers, parseTimedatectlShow, parseTimedatectlStatus, parseTimesyncStatus, systemdDurationMs } from '../../../../agent/checks/time_sync/parse-time.js';
import type { TimeSyncFacts } from '../../../../protocol/checks/time-sync.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

describe('time parsers', () => {
  it('chronyc tracking: synchronised captures (AWS, CentOS) and the unsynchronised chronyd recorded on this machine', () => {
    expect(parseChronyTracking(fixture('chronyc-tracking/amazon-linux2-aws-time-sync.txt'))).toEqual({ referenceId: 'A9FEA97B', source: '169.254.169.123', offsetMs: 0.011, leap: 'Normal', synchronized: true });
    expect(parseChronyTracking(fixture('chronyc-tracking/centos7-synced-public-pool.txt'))).toMatchObject({ source: 'pyramid.latt.net', offsetMs: 0.032, synchronized: true });
    expect(parseChronyTracking(fixture('chronyc-tracking/debian12-chrony-4.3-not-synchronised.txt'))).toEqual({ referenceId: '00000000', source: '', offsetMs: 0, leap: 'Not synchronised', synchronized: false });
  });

  it('chronyc: the local clock reference is not a time source; errors and garbage are null', () => {
    expect(parseChronyTracking('Reference ID    : 7F7F0101 ()\nLeap status     : Normal\n')?.synchronized).toBe(false);
    expect(parseChronyTracking('506 Cannot talk to daemon')).toBeNull();
    expect(parseChronyTracking('')).toBeNull();
  });

  it('timedatectl prose (systemd >= 239 wording), a fragment without the sync line, and the no-systemd error', () => {
    expect(parseTimedatectlStatus(fixture('timedatectl/raspbian-buster-synchronized-ntp-active.txt'))).toEqual({ synchronized: true, ntpEnabled: true });
    expect(parseTimedatectlStatus(fixture('timedatectl/timezone-line-only-no-newline.txt'))).toBeNull();
    expect(parseTimedatectlStatus(fixture('timedatectl-show/debian12-no-systemd.stderr.txt'))).toBeNull();
    // Older systemd said "NTP synchronized" and "Network time on".
    expect(parseTimedatectlStatus('      Local time: Mon 2017-01-02\n  Network time on: yes\n NTP synchronized: no\n')).toEqual({ synchronized: false, ntpEnabled: true });
  });

  // timedatectl show, timesync-status and ntpq could not be recorded here (no systemd as PID 1, no ntpd);
  // the text follows timedatectl(1) and ntpq(1).
  it('timedatectl show key=value', () => {
    expect(parseTimedatectlShow('Timezone=Etc/UTC\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=yes\nTimeUSec=Mon 2026-11-23 12:00:00 UTC\n')).toEqual({ synchronized: true, ntpEnabled: true });
    expect(parseTimedatectlShow(fixture('timedatectl-show/debian12-no-systemd.stderr.txt'))).toBeNull();
    expect(parseTimedatectlShow('')).toBeNull();
  });

  it('timesync-status with systemd durations', () => {
    const t = parseTimesyncStatus('       Server: 91.189.91.157 (ntp.ubuntu.com)\nPoll interval: 34min 8s (min: 32s; max 34min 8s)\n         Leap: normal\n       Offset: -1.063ms\n        Delay: 40.974ms\n');
    expect(t).toEqual({ server: '91.189.91.157 (ntp.ubuntu.com)', offsetMs: 1.063, leap: 'normal', answered: true });
    expect(systemdDurationMs('1min 2.5s')).toBe(62500);
    expect(systemdDurationMs('+27us')).toBe(0.027);
    expect(systemdDurationMs('n/a')).toBeNull();
    expect(parseTimesyncStatus('Failed to query server: Unit dbus-org.freedesktop.timesync1.service not found.')).toBeNull();
  });

  it('ntpq -pn: the system peer and its offset', () => {
    const text = '     remote           refid      st t when poll reach   delay   offset  jitter\n==============================================================================\n*192.0.2.10      .GPS.            1 u   33   64  377    0.345   -2.123   0.012\n+2001:db8::1     192.0.2.1        2 u   12   64  377    1.101    0.456   0.101\n';
    expect(parseNtpqPeers(text)).toEqual({ peers: ['192.0.2.10', '2001:db8::1'], systemPeer: '192.0.2.10', offsetMs: 2.123 });
    expect(parseNtpqPeers('ntpq: read: Connection refused')).toBeNull();
  });
});

const SYSTEMD = { '/run/systemd/system': '' };
const TIMESYNCD = { '/lib/systemd/systemd-timesyncd': '' };
const CHRONYD = { '/usr/sbin/chronyd': '' };
const SHOW = 'systemctl show --no-pager --property=Id,LoadState,ActiveState,UnitFileState -- chrony.service chronyd.service systemd-timesyncd.service ntp.service ntpd.service ntpsec.service openntpd.service';
const PGREP = 'pgrep -l -x chronyd|systemd-timesyn|ntpd';
/** systemctl show blocks for the seven units, with the given ones active. */
function units(active: Record<string, boolean>): string {
  const all = ['chrony.service', 'chronyd.service', 'systemd-timesyncd.service', 'ntp.service', 'ntpd.service', 'ntpsec.service', 'openntpd.service'];
  return all.map((u) => (u in active ? `Id=${u}\nLoadState=loaded\nActiveState=${active[u] ? 'active' : 'inactive'}\nUnitFileState=${active[u] ? 'enabled' : 'disabled'}\n` : `Id=${u}\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n`)).join('\n');
}

async function collect(replies: Record<string, Reply>, files: Record<string, string>) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files)));
  return { c, calls, facts: c.facts as TimeSyncFacts, verdict: verdictOf('time_sync', c) };
}

describe('time_sync collect (replayed)', () => {
  it('this build machine: systemd is not PID 1 and no time daemon runs; timesyncd is installed but idle: fail', async () => {
    const { facts, verdict, calls } = await collect({ [PGREP]: exit(1, '') }, TIMESYNCD);
    expect(calls).toEqual([PGREP]);
    expect(facts).toMatchObject({ service: 'systemd-timesyncd', serviceActive: false, synchronized: null, sources: [], offsetMs: null });
    expect(facts.detail).toContain('systemd is not the service manager');
    expect(schemaErrors('time_sync', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'fail', reason: 'systemd-timesyncd is not running' });
  });

  it('chronyd under systemd, kernel synchronised, chrony source and offset (AWS capture): pass', async () => {
    const { facts, verdict } = await collect(
      { [SHOW]: ok(units({ 'chrony.service': true })), 'timedatectl show': ok('NTP=yes\nNTPSynchronized=yes\n'), 'chronyc -n tracking': ok(fixture('chronyc-tracking/amazon-linux2-aws-time-sync.txt')) },
      { ...SYSTEMD, ...CHRONYD },
    );
    expect(facts).toEqual({ service: 'chronyd', serviceActive: true, synchronized: true, sources: ['169.254.169.123'], offsetMs: 0.011, detail: 'chrony reference A9FEA97B (169.254.169.123), leap status Normal' });
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('chronyd running without systemd and not synchronised (recorded here): fail', async () => {
    const { facts, verdict } = await collect({ [PGREP]: ok('4321 chronyd\n'), 'chronyc -n tracking': ok(fixture('chronyc-tracking/debian12-chrony-4.3-not-synchronised.txt')) }, CHRONYD);
    expect(facts).toMatchObject({ service: 'chronyd', serviceActive: true, synchronized: false });
    expect(verdict).toEqual({ status: 'fail', reason: 'the clock is not synchronised to a time source' });
  });

  it('old systemd without "timedatectl show": the prose status is read instead (Raspbian capture)', async () => {
    const { facts, calls } = await collect(
      { [SHOW]: ok(units({ 'systemd-timesyncd.service': true })), 'timedatectl show': exit(1, '', 'Unknown operation show.\n'), 'timedatectl status': ok(fixture('timedatectl/raspbian-buster-synchronized-ntp-active.txt')), 'timedatectl timesync-status': exit(1, '', 'Unknown operation timesync-status.\n') },
      { ...SYSTEMD, ...TIMESYNCD },
    );
    expect(calls).toContain('timedatectl status');
    expect(facts).toMatchObject({ service: 'systemd-timesyncd', serviceActive: true, synchronized: true });
  });

  it('timedated unreachable (recorded error) and timesyncd without an answer: synchronisation unknown, never pass', async () => {
    const err = exit(1, '', fixture('timedatectl-show/debian12-no-systemd.stderr.txt'));
    const { facts, verdict } = await collect({ [SHOW]: ok(units({ 'systemd-timesyncd.service': true })), 'timedatectl show': err, 'timedatectl status': err, 'timedatectl timesync-status': err }, { ...SYSTEMD, ...TIMESYNCD });
    expect(facts.synchronized).toBeNull();
    expect(verdict.status).toBe('unknown');
  });

  it('a large offset fails even when synchronised', async () => {
    const { verdict } = await collect(
      { [SHOW]: ok(units({ 'systemd-timesyncd.service': true })), 'timedatectl show': ok('NTP=yes\nNTPSynchronized=yes\n'), 'timedatectl timesync-status': ok('       Server: 192.0.2.1 (pool)\n       Offset: +1min 5s\n') },
      { ...SYSTEMD, ...TIMESYNCD },
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toContain('65000 ms');
  });

  it('ntpd with a system peer passes', async () => {
    const peers = '     remote           refid      st t when poll reach   delay   offset  jitter\n==============================================================================\n*192.0.2.10      .GPS.            1 u   33   64  377    0.345   -0.123   0.012\n';
    const { facts, verdict } = await collect({ [SHOW]: ok(units({ 'ntp.service': true })), 'timedatectl show': ok('NTP=no\nNTPSynchronized=yes\n'), 'ntpq -pn': ok(peers) }, SYSTEMD);
    expect(facts).toMatchObject({ service: 'ntpd', synchronized: true, sources: ['192.0.2.10'], offsetMs: 0.123 });
    expect(verdict.status).toBe('pass');
  });

  it('a synchronised kernel clock with no known daemon (e.g. ptp4l): service unknown, pass on the clock itself', async () => {
    const { facts, verdict } = await collect({ [SHOW]: ok(units({})), 'timedatectl show': ok('NTP=no\nNTPSynchronized=yes\n') }, SYSTEMD);
    expect(facts).toMatchObject({ service: null, serviceActive: null, synchronized: true });
    expect(verdict.status).toBe('pass');
  });

  it('no daemon installed and none running under systemd: fail', async () => {
    const { facts, verdict } = await collect({ [SHOW]: ok(units({})), 'timedatectl show': ok('NTP=no\nNTPSynchronized=no\n') }, SYSTEMD);
    expect(facts).toMatchObject({ service: null, serviceActive: false, synchronized: false });
    expect(facts.detail).toContain('no time synchronisation daemon');
    expect(verdict.status).toBe('fail');
  });

  it('the service probe timing out or failing leaves the state unknown, never pass', async () => {
    for (const reply of [timedOut, exit(2, '', 'pgrep: bad')]) {
      const { facts, verdict } = await collect({ pgrep: reply }, TIMESYNCD);
      expect(facts.serviceActive).toBeNull();
      expect(verdict.status).not.toBe('pass');
    }
    const s = await collect({ systemctl: timedOut, 'timedatectl show': timedOut, 'timedatectl status': timedOut }, { ...SYSTEMD, ...TIMESYNCD });
    expect(s.facts).toMatchObject({ serviceActive: null, synchronized: null });
    expect(s.verdict.status).toBe('unknown');
  });
});
