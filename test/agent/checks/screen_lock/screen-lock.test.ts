import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/screen_lock/linux.js';
import { parseSystemctlShow } from '../../../../agent/checks/linux-common.js';
import {
  gnomeLock,
  gnomeValues,
  isLocalGraphical,
  parseDconfKeyfile,
  parseDconfLocks,
  parseDconfProfile,
  parseGVariant,
  parseKscreenlockerrc,
  parseLoginctlList,
  sessionFrom,
} from '../../../../agent/checks/screen_lock/parse-screenlock.js';
import type { ScreenLockFacts } from '../../../../protocol/checks/screen-lock.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

// `gsettings get SCHEMA KEY` recorded on this machine, one file per key.
const RECORDED: Record<string, string> = {
  'idle-delay': 'gsettings-get/debian12-defaults-idle-delay.txt',
  'lock-enabled': 'gsettings-get/debian12-defaults-lock-enabled.txt',
  'lock-delay': 'gsettings-get/debian12-defaults-lock-delay.txt',
  'disable-lock-screen': 'gsettings-get/debian12-defaults-disable-lock-screen.txt',
};
const GS = (key: string) => fixture(RECORDED[key]!);

describe('screen-lock parsers', () => {
  it('gsettings values recorded on this machine (GNOME schema defaults): 300 s idle, lock on, no delay, lock screen allowed', () => {
    expect([parseGVariant(GS('idle-delay')), parseGVariant(GS('lock-enabled')), parseGVariant(GS('lock-delay')), parseGVariant(GS('disable-lock-screen'))]).toEqual([300, true, 0, false]);
    const v = gnomeValues((k) => ({ '/org/gnome/desktop/session/idle-delay': 300, '/org/gnome/desktop/screensaver/lock-enabled': true, '/org/gnome/desktop/screensaver/lock-delay': 0, '/org/gnome/desktop/lockdown/disable-lock-screen': false })[k]);
    expect(gnomeLock(v)).toEqual({ enabled: true, idleSeconds: 300, requirePassword: true });
    expect(parseGVariant("'text'")).toBe('text');
    expect(parseGVariant('No such key “idle-dely”')).toBeNull();
  });

  it('GNOME semantics: idle-delay 0 never locks; lock-enabled false blanks without a password; unknown values stay unknown', () => {
    expect(gnomeLock({ idleDelay: 0, lockEnabled: true, lockDelay: 0, disableLockScreen: false }).enabled).toBe(false);
    expect(gnomeLock({ idleDelay: 300, lockEnabled: false, lockDelay: 0, disableLockScreen: false })).toEqual({ enabled: false, idleSeconds: null, requirePassword: false });
    expect(gnomeLock({ idleDelay: 300, lockEnabled: true, lockDelay: 600, disableLockScreen: false }).idleSeconds).toBe(900);
    expect(gnomeLock({ idleDelay: 300, lockEnabled: true, lockDelay: 0, disableLockScreen: true }).enabled).toBe(false);
    expect(gnomeLock({ idleDelay: null, lockEnabled: null, lockDelay: null, disableLockScreen: null })).toEqual({ enabled: null, idleSeconds: null, requirePassword: null });
  });

  // dconf databases, kscreenlockerrc and logind sessions could not be recorded here (no desktop, no
  // logind); the text follows dconf(7), KDE's kscreenlockerrc keys and loginctl(1).
  it('dconf keyfiles, locks and the user profile', () => {
    expect([...parseDconfKeyfile('[org/gnome/desktop/session]\nidle-delay=uint32 600\n\n[org/gnome/desktop/screensaver]\nlock-enabled=true\nlock-delay=uint32 0\n')]).toEqual([
      ['/org/gnome/desktop/session/idle-delay', 600],
      ['/org/gnome/desktop/screensaver/lock-enabled', true],
      ['/org/gnome/desktop/screensaver/lock-delay', 0],
    ]);
    expect([...parseDconfLocks('# locks\n/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/screensaver/\n')]).toEqual(['/org/gnome/desktop/session/idle-delay']);
    expect(parseDconfProfile('user-db:user\nsystem-db:local\nsystem-db:site\n')).toEqual(['local', 'site']);
  });

  it('kscreenlockerrc: KDE defaults when keys are absent, minutes plus grace seconds', () => {
    expect(parseKscreenlockerrc('')).toEqual({ enabled: true, idleSeconds: 305, requirePassword: true, lockGraceSeconds: 5 });
    expect(parseKscreenlockerrc('[Daemon]\nTimeout=10\nLockGrace=0\n')).toMatchObject({ enabled: true, idleSeconds: 600 });
    expect(parseKscreenlockerrc('[Daemon]\nAutolock=false\n').enabled).toBe(false);
    expect(parseKscreenlockerrc('[Greeter]\nTimeout=99\n').idleSeconds).toBe(305);
  });

  it('loginctl sessions', () => {
    expect(parseLoginctlList('     2 1000 alice seat0 tty2\n    c1  120 gdm   seat0 tty1\n')).toEqual(['2', 'c1']);
    expect(parseLoginctlList(fixture('loginctl/debian12-no-systemd.stderr.txt'))).toEqual([]);
    const [a, g] = parseSystemctlShow('Id=2\nName=alice\nUser=1000\nType=wayland\nDesktop=GNOME\nRemote=no\nState=active\nClass=user\n\nId=c1\nName=gdm\nUser=120\nType=wayland\nRemote=no\nState=online\nClass=greeter\n').map(sessionFrom);
    expect(a).toMatchObject({ id: '2', user: 'alice', uid: 1000, desktop: 'GNOME' });
    expect(isLocalGraphical(a!)).toBe(true);
    expect(isLocalGraphical(g!)).toBe(false);
    expect(sessionFrom(new Map())).toBeNull();
  });
});

const SYSTEMD = { '/run/systemd/system': '' };
const DM = { '/etc/systemd/system/display-manager.service': '', '/lib/systemd/system/gdm3.service': '' };
const PASSWD = { '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n' };
const LIST = 'loginctl list-sessions --no-legend --no-pager';
const SHOW = 'loginctl show-session --no-pager -p Id -p Name -p User -p Type -p Desktop -p Remote -p State -p Class 2';
const session = (desktop: string) => ok(`Id=2\nName=alice\nUser=1000\nType=wayland\nDesktop=${desktop}\nRemote=no\nState=active\nClass=user\n`);
const gsettings = (schema: string, key: string) => `runuser -u alice -- env DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus XDG_RUNTIME_DIR=/run/user/1000 HOME=/home/alice gsettings get ${schema} ${key}`;
const GNOME_DEFAULTS: Record<string, Reply> = {
  [gsettings('org.gnome.desktop.session', 'idle-delay')]: ok(GS('idle-delay')),
  [gsettings('org.gnome.desktop.screensaver', 'lock-enabled')]: ok(GS('lock-enabled')),
  [gsettings('org.gnome.desktop.screensaver', 'lock-delay')]: ok(GS('lock-delay')),
  [gsettings('org.gnome.desktop.lockdown', 'disable-lock-screen')]: ok(GS('disable-lock-screen')),
};

async function collect(replies: Record<string, Reply>, files: Record<string, string>, mtimes: Record<string, number> = {}) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files, mtimes)));
  return { c, calls, facts: c.facts as ScreenLockFacts, verdict: verdictOf('screen_lock', c) };
}

describe('screen_lock collect (replayed)', () => {
  it('this build machine: no logind (systemd not PID 1) and no display manager: headless, nothing run', async () => {
    const { facts, verdict, calls } = await collect({}, {});
    expect(facts).toEqual({ headless: true, settings: [] });
    expect(calls).toEqual([]);
    expect(verdict).toEqual({ status: 'not_applicable', reason: 'no graphical sessions on this machine' });
  });

  it('GNOME session with the recorded default settings (locks after 300 s): pass', async () => {
    const { facts, verdict } = await collect({ [LIST]: ok('     2 1000 alice seat0 tty2\n'), [SHOW]: session('GNOME'), ...GNOME_DEFAULTS }, { ...SYSTEMD, ...DM, ...PASSWD });
    expect(facts).toEqual({ headless: false, settings: [{ scope: 'user', user: 'alice', enabled: true, idleSeconds: 300, requirePassword: true, source: 'gsettings' }] });
    expect(schemaErrors('screen_lock', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('GNOME with idle-delay 0: never locks, fail', async () => {
    const { verdict } = await collect({ [LIST]: ok('     2 1000 alice seat0 tty2\n'), [SHOW]: session('ubuntu:GNOME'), ...GNOME_DEFAULTS, [gsettings('org.gnome.desktop.session', 'idle-delay')]: ok('uint32 0\n') }, { ...SYSTEMD, ...DM, ...PASSWD });
    expect(verdict).toEqual({ status: 'fail', reason: 'user alice: screen lock is off' });
  });

  it('gsettings failing for the user: unknown, never pass', async () => {
    const { facts, verdict } = await collect({ [LIST]: ok('     2 1000 alice seat0 tty2\n'), [SHOW]: session('GNOME'), runuser: timedOut }, { ...SYSTEMD, ...DM, ...PASSWD });
    expect(facts.settings[0]).toMatchObject({ enabled: null, idleSeconds: null });
    expect(verdict.status).toBe('unknown');
  });

  it('KDE Plasma locking after 30 minutes: fail', async () => {
    const { facts, verdict } = await collect({ [LIST]: ok('     2 1000 alice seat0 tty2\n'), [SHOW]: session('KDE') }, { ...SYSTEMD, ...DM, ...PASSWD, '/home/alice/.config/kscreenlockerrc': '[Daemon]\nTimeout=30\n' });
    expect(facts.settings[0]).toMatchObject({ source: 'kscreenlockerrc', idleSeconds: 1805 });
    expect(verdict.status).toBe('fail');
  });

  it('Xfce is reported but not read: unknown', async () => {
    const { verdict } = await collect({ [LIST]: ok('     2 1000 alice seat0 tty2\n'), [SHOW]: session('XFCE') }, { ...SYSTEMD, ...DM, ...PASSWD });
    expect(verdict.status).toBe('unknown');
  });

  it('a display manager but logind unreachable (recorded error): not headless, unknown', async () => {
    const { facts, verdict } = await collect({ [LIST]: exit(1, '', fixture('loginctl/debian12-no-systemd.stderr.txt')), 'systemctl get-default': ok('graphical.target\n') }, { ...SYSTEMD, ...DM });
    expect(facts.headless).toBe(false);
    expect(facts.settings[0]?.detail).toContain('System has not been booted with systemd');
    expect(verdict.status).toBe('unknown');
  });

  it('a display manager with multi-user.target as default: headless', async () => {
    const { facts } = await collect({ [LIST]: ok(''), 'systemctl get-default': ok('multi-user.target\n') }, { ...SYSTEMD, ...DM });
    expect(facts.headless).toBe(true);
  });

  it('an enforced GNOME machine policy (all keys locked, compiled) passes even with no one logged in', async () => {
    const files = {
      ...SYSTEMD, ...DM,
      '/etc/dconf/profile/user': 'user-db:user\nsystem-db:local\n',
      '/etc/dconf/db/local.d/00-screensaver': '[org/gnome/desktop/session]\nidle-delay=uint32 600\n[org/gnome/desktop/screensaver]\nlock-enabled=true\nlock-delay=uint32 0\n',
      '/etc/dconf/db/local.d/locks/screensaver': '/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/screensaver/lock-enabled\n/org/gnome/desktop/screensaver/lock-delay\n',
      '/etc/dconf/db/local': 'GVDB',
    };
    const replies = {
      [LIST]: ok(''),
      'systemctl get-default': ok('graphical.target\n'),
      'find /etc/dconf/db/local.d -mindepth 1 -maxdepth 1 -type f': ok('/etc/dconf/db/local.d/00-screensaver\n'),
      'find /etc/dconf/db/local.d/locks -mindepth 1 -maxdepth 1 -type f': ok('/etc/dconf/db/local.d/locks/screensaver\n'),
    };
    const dirs = { '/etc/dconf/db/local.d': 1, '/etc/dconf/db/local.d/locks': 1 };
    const compiled = await collect(replies, files, { ...dirs, '/etc/dconf/db/local': 2000, '/etc/dconf/db/local.d/00-screensaver': 1000, '/etc/dconf/db/local.d/locks/screensaver': 1000 });
    expect(compiled.facts.settings[0]).toMatchObject({ scope: 'machine', enabled: true, idleSeconds: 600, enforced: true });
    expect(compiled.verdict).toEqual({ status: 'pass' });
    // Keyfiles newer than the compiled database are not in effect yet.
    const stale = await collect(replies, files, { ...dirs, '/etc/dconf/db/local': 500, '/etc/dconf/db/local.d/00-screensaver': 1000, '/etc/dconf/db/local.d/locks/screensaver': 1000 });
    expect(stale.facts.settings[0]).toMatchObject({ enforced: false });
    expect(stale.facts.settings[0]?.detail).toContain('dconf update');
    expect(stale.verdict.status).toBe('unknown');
  });
});
