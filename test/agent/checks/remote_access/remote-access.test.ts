import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/remote_access/linux.js';
import { globalSettings, globMatches, inetdServesTelnet, parseProcNetTcp, parseSshdConfig, parseSshdT, sshdVerdict, xinetdServesTelnet } from '../../../../agent/checks/remote_access/parse-remote.js';
import type { RemoteAccessFacts } from '../../../../protocol/checks/remote-access.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

describe('sshd parsers', () => {
  it('sshd -T on this machine (Debian 12 defaults): root by key only ("without-password"), passwords accepted', () => {
    const s = parseSshdT(fixture('sshd-T/debian12-default.txt'))!;
    expect([s.get('port'), s.get('permitrootlogin'), s.get('passwordauthentication'), s.get('kbdinteractiveauthentication'), s.get('usepam')]).toEqual(['22', 'without-password', 'yes', 'no', 'yes']);
    expect(sshdVerdict(s)).toEqual({ permitRootLogin: 'prohibit-password', passwordAuthentication: true, defaulted: [] });
    expect(parseSshdT(fixture('sshd-T/debian12-missing-privsep-dir.stderr.txt'))).toBeNull();
    expect(parseSshdT('')).toBeNull();
  });

  it('sshd_config as shipped: Include first, so drop-ins win; unset keys take OpenSSH defaults', () => {
    const items = parseSshdConfig(fixture('sshd_config/debian12-default.txt'));
    expect(items[0]).toEqual({ kind: 'include', patterns: ['/etc/ssh/sshd_config.d/*.conf'] });
    const g = globalSettings(items);
    expect(g.settings.get('kbdinteractiveauthentication')).toBe('no');
    expect(g.settings.get('usepam')).toBe('yes');
    expect(g.matchBlocks).toBe(0);
    expect(sshdVerdict(g.settings)).toEqual({ permitRootLogin: 'prohibit-password', passwordAuthentication: true, defaulted: ['permitrootlogin', 'passwordauthentication'] });
  });

  it('first value wins, Keyword=value, Match blocks are set aside, "Match all" returns to global', () => {
    const g = globalSettings(parseSshdConfig('PasswordAuthentication=no\npasswordauthentication yes\nMatch User backup\n  PermitRootLogin yes\nMatch all\nPermitRootLogin no # trailing comment\n'));
    expect([g.settings.get('passwordauthentication'), g.settings.get('permitrootlogin'), g.matchBlocks]).toEqual(['no', 'no', 1]);
    // keyboard-interactive through PAM asks for the password too; the pre-8.7 keyword counts.
    expect(sshdVerdict(new Map([['passwordauthentication', 'no'], ['challengeresponseauthentication', 'yes'], ['usepam', 'yes']])).passwordAuthentication).toBe(true);
    expect(globMatches('*.conf', '50-cloud-init.conf')).toBe(true);
    expect(globMatches('*.conf', 'x.conf.bak')).toBe(false);
  });

  it('telnet in inetd/xinetd', () => {
    expect(inetdServesTelnet('telnet\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/in.telnetd\n')).toBe(true);
    expect(inetdServesTelnet('#<off># telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n')).toBe(false);
    expect(xinetdServesTelnet('service telnet\n{\n  disable = no\n  socket_type = stream\n}\n')).toBe(true);
    expect(xinetdServesTelnet('service telnet\n{\n  disable = yes\n}\n')).toBe(false);
  });

  it('/proc/net/tcp and tcp6 on this machine, with and without sshd listening', () => {
    expect([...parseProcNetTcp(fixture('proc-net-tcp/debian12-no-ssh.txt'))!]).toEqual([2024]);
    expect([...parseProcNetTcp(fixture('proc-net-tcp/debian12-sshd-listening.txt'))!].sort((a, b) => a - b)).toEqual([22, 2024]);
    expect([...parseProcNetTcp(fixture('proc-net-tcp6/debian12-sshd-listening.txt'))!]).toEqual([22]);
    expect([...parseProcNetTcp(fixture('proc-net-tcp6/debian12-no-ssh.txt'))!]).toEqual([]);
    expect(parseProcNetTcp('')).toBeNull();
  });
});

const PGREP = 'pgrep -l -x sshd|in\\.telnetd|inetd|xinetd|x11vnc|vncserver-x11-s|xrdp|gnome-remote-de';
const NET = { '/proc/net/tcp': fixture('proc-net-tcp/debian12-no-ssh.txt'), '/proc/net/tcp6': fixture('proc-net-tcp6/debian12-no-ssh.txt') };
const LISTENING = { '/proc/net/tcp': fixture('proc-net-tcp/debian12-sshd-listening.txt'), '/proc/net/tcp6': fixture('proc-net-tcp6/debian12-sshd-listening.txt') };
const SSHD = { '/usr/sbin/sshd': '', '/etc/ssh/sshd_config': fixture('sshd_config/debian12-default.txt') };
const FIND_D = 'find /etc/ssh/sshd_config.d -mindepth 1 -maxdepth 1 -type f';

async function collect(replies: Record<string, Reply>, files: Record<string, string>, dirs: Record<string, number> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, dirs)));
  const facts = c.facts as RemoteAccessFacts;
  return { c, facts, s: (n: string) => facts.services.find((x) => x.name === n), verdict: verdictOf('remote_access', c) };
}

describe('remote_access collect (replayed)', () => {
  it('this build machine: sshd installed, sshd -T refused (no /run/sshd), not running, nothing on port 22: pass', async () => {
    const { facts, verdict } = await collect(
      { [PGREP]: exit(1, ''), '/usr/sbin/sshd -T': exit(255, '', fixture('sshd-T/debian12-missing-privsep-dir.stderr.txt')), [FIND_D]: ok('') },
      { ...NET, ...SSHD },
      { '/etc/ssh/sshd_config.d': 1 },
    );
    expect(facts.services).toHaveLength(1);
    expect(facts.services[0]).toMatchObject({ name: 'sshd', enabled: false, permitRootLogin: 'prohibit-password', passwordAuthentication: true });
    expect(facts.services[0]!.detail).toContain('Missing privilege separation directory');
    expect(facts.services[0]!.detail).toContain('OpenSSH defaults assumed for permitrootlogin, passwordauthentication');
    expect(schemaErrors('remote_access', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('sshd running with the recorded defaults: passwords accepted, fail', async () => {
    const { s, verdict } = await collect({ [PGREP]: ok('900 sshd\n'), '/usr/sbin/sshd -T': ok(fixture('sshd-T/debian12-default.txt')) }, { ...LISTENING, ...SSHD });
    expect(s('sshd')).toMatchObject({ enabled: true, permitRootLogin: 'prohibit-password', passwordAuthentication: true });
    expect(s('sshd')?.detail).toContain('listening on port 22');
    expect(verdict).toEqual({ status: 'fail', reason: 'sshd accepts password authentication' });
  });

  it('under systemd an enabled ssh.socket counts (socket activation), with settings from a drop-in that hardens it', async () => {
    const show = ['ssh.service', 'sshd.service', 'ssh.socket', 'sshd.socket'].map((u) => (u === 'ssh.socket' ? `Id=${u}\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n` : u === 'ssh.service' ? `Id=${u}\nLoadState=loaded\nActiveState=inactive\nUnitFileState=disabled\n` : `Id=${u}\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n`));
    const rest = ['telnet.socket', 'inetd.service', 'openbsd-inetd.service', 'xinetd.service', 'x11vnc.service', 'vncserver-x11-serviced.service', 'xrdp.service', 'gnome-remote-desktop.service'].map((u) => `Id=${u}\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n`);
    const { s, verdict } = await collect(
      { systemctl: ok([...show, ...rest].join('\n')), '/usr/sbin/sshd -T': exit(255, '', 'sshd: no hostkeys available -- exiting.\n'), [FIND_D]: ok('/etc/ssh/sshd_config.d/10-harden.conf\n') },
      { ...NET, ...SSHD, '/run/systemd/system': '', '/etc/ssh/sshd_config.d/10-harden.conf': 'PasswordAuthentication no\nPermitRootLogin no\n' },
      { '/etc/ssh/sshd_config.d': 1 },
    );
    expect(s('sshd')).toMatchObject({ enabled: true, permitRootLogin: 'no', passwordAuthentication: false });
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('sshd -T failing and sshd_config unreadable: settings unknown, so unknown when sshd is enabled', async () => {
    const { s, verdict } = await collect({ [PGREP]: ok('900 sshd\n'), '/usr/sbin/sshd -T': timedOut }, { ...LISTENING, '/usr/sbin/sshd': '' });
    expect(s('sshd')).toMatchObject({ enabled: true, permitRootLogin: null, passwordAuthentication: null });
    expect(verdict.status).toBe('unknown');
  });

  it('telnet from inetd with something on port 23 fails; VNC listening is reported', async () => {
    const tcp = `${fixture('proc-net-tcp/debian12-no-ssh.txt')}   2: 00000000:0017 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0000000000000000 100 0 0 10 0\n   3: 00000000:170C 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0000000000000000 100 0 0 10 0\n`;
    const { s, verdict } = await collect({ [PGREP]: ok('77 inetd\n') }, { '/proc/net/tcp': tcp, '/proc/net/tcp6': fixture('proc-net-tcp6/debian12-no-ssh.txt'), '/etc/inetd.conf': 'telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n' });
    expect(s('telnet')).toMatchObject({ enabled: true });
    expect(s('vnc')).toMatchObject({ enabled: true });
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toContain('telnet is enabled');
  });

  it('xrdp running: no NLA, fail', async () => {
    const { s, verdict } = await collect({ [PGREP]: ok('55 xrdp\n') }, NET);
    expect(s('rdp')).toMatchObject({ enabled: true, nla: false });
    expect(verdict.status).toBe('fail');
  });

  it('the process list failing and /proc/net/tcp unreadable: unknown, never pass', async () => {
    const { facts, verdict } = await collect({ pgrep: timedOut, '/usr/sbin/sshd -T': ok(fixture('sshd-T/debian12-default.txt')) }, { '/usr/sbin/sshd': '' });
    expect(facts.services.find((x) => x.name === 'sshd')?.enabled).toBeNull();
    expect(facts.services.find((x) => x.name === 'telnet')?.enabled).toBeNull();
    expect(verdict.status).toBe('unknown');
  });
});
