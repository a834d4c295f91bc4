import { describe, expect, it } from 'vitest';
import check, { IDLE_TIME_ARGV, MANAGED_SCREENSAVER, SCREENLOCK_STATUS_ARGV, managedUserScreensaver } from '../../../../agent/checks/screen_lock/darwin.js';
import { parseDefaultsInt, parseSysadminctlScreenLock } from '../../../../agent/checks/screen_lock/parse-screensaver.js';
import { asUserArgv, CONSOLE_USER_ARGV, idArgv } from '../../../../agent/checks/darwin-common.js';
import type { ScreenLockFacts } from '../../../../protocol/checks/screen-lock.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture, merge, plistAt } from '../fakes-darwin.js';

const DELAY300 = macFixture('sysadminctl-screenlock/constructed-delay-300.txt');
const OFF = macFixture('sysadminctl-screenlock/constructed-off.txt');

describe('screen-lock parsers', () => {
  it('defaults read: the integer, "unset" when never set, null for garbage', () => {
    expect(parseDefaultsInt(macFixture('defaults-idletime/600.txt'))).toBe(600);
    expect(parseDefaultsInt('0\r\n')).toBe(0);
    expect(parseDefaultsInt('\n2024-05-02 09:14:07.512 defaults[1:2] \nThe domain/default pair of (com.apple.screensaver, idleTime) does not exist\n')).toBe('unset');
    expect(parseDefaultsInt('')).toBeNull();
    expect(parseDefaultsInt('6OO')).toBeNull();
  });
  it('sysadminctl: delay seconds, immediate, off', () => {
    expect(parseSysadminctlScreenLock(DELAY300)).toEqual({ password: true, delaySeconds: 300 });
    expect(parseSysadminctlScreenLock(OFF)).toEqual({ password: false });
    expect(parseSysadminctlScreenLock('2024-05-02 sysadminctl[1:2] screenLock delay is immediate')).toEqual({ password: true, delaySeconds: 0 });
    expect(parseSysadminctlScreenLock('screenLock delay is -1.000000 seconds')).toEqual({ password: false });
    expect(parseSysadminctlScreenLock('Bildschirmsperre ist aus')).toBeNull();
    expect(parseSysadminctlScreenLock('')).toBeNull();
  });
  it('never throw', () => {
    assertParserTotal(parseDefaultsInt);
    assertParserTotal(parseSysadminctlScreenLock);
  });
});

const USER = { [key(CONSOLE_USER_ARGV)]: ok('williamj\n'), [key(idArgv('williamj'))]: ok('501\n') };
const IDLE = key(asUserArgv('501', 'williamj', IDLE_TIME_ARGV));
const LOCK = key(asUserArgv('501', 'williamj', SCREENLOCK_STATUS_ARGV));

async function collect(replies: Record<string, Reply>, files: Record<string, string> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files)));
  return { c, facts: c.facts as ScreenLockFacts | null };
}

describe('screen_lock collect (darwin, replayed)', () => {
  it('console user with idle 600 s and password after 300 s: locks after 900 s, passes', async () => {
    const { c, facts } = await collect({ ...USER, [IDLE]: ok(macFixture('defaults-idletime/600.txt')), [LOCK]: { stdout: '', stderr: DELAY300, exitCode: 0 } });
    expect(facts).toEqual({ headless: false, settings: [{ scope: 'user', user: 'williamj', enabled: true, idleSeconds: 900, requirePassword: true, enforced: false, source: 'user preferences (defaults -currentHost, sysadminctl)' }] });
    expect(c.evidence.map((e) => e.source)).toContain(IDLE);
    expect(schemaErrors('screen_lock', facts)).toEqual([]);
    expect(verdictOf('screen_lock', c)).toEqual({ status: 'pass' });
  });

  it('screen lock off fails', async () => {
    const { c } = await collect({ ...USER, [IDLE]: ok('600\n'), [LOCK]: { stdout: '', stderr: OFF, exitCode: 0 } });
    expect(verdictOf('screen_lock', c)).toEqual({ status: 'fail', reason: 'user williamj: screen lock is off' });
  });

  it('idleTime never set: unknown, not pass', async () => {
    const { c, facts } = await collect({ ...USER, [IDLE]: exit(1, '', 'The domain/default pair of (com.apple.screensaver, idleTime) does not exist'), [LOCK]: { stdout: '', stderr: DELAY300, exitCode: 0 } });
    expect(facts!.settings[0]).toMatchObject({ enabled: null, idleSeconds: null, requirePassword: true });
    expect(verdictOf('screen_lock', c).status).toBe('unknown');
  });

  it('nobody logged in: the machine-wide profile alone passes', async () => {
    const m = merge(plistAt(MANAGED_SCREENSAVER, macFixture('managed-preferences/constructed-screensaver-machine-600-immediate.txt')));
    const { c, facts } = await collect({ ...m.replies, [key(CONSOLE_USER_ARGV)]: ok('root\n') }, m.files);
    expect(facts!.settings).toEqual([{ scope: 'machine', enabled: true, idleSeconds: 600, requirePassword: true, enforced: true, source: MANAGED_SCREENSAVER }]);
    expect(verdictOf('screen_lock', c)).toEqual({ status: 'pass' });
  });

  it('a per-user managed profile overrides the user settings', async () => {
    const m = plistAt(managedUserScreensaver('williamj'), macFixture('managed-preferences/constructed-screensaver-machine-600-immediate.txt'));
    const calls: string[] = [];
    const c = await check.collect(fakeDeps(fakeRunner({ ...USER, ...m.replies }, calls), fakeFiles(m.files)));
    expect((c.facts as ScreenLockFacts).settings[0]).toMatchObject({ user: 'williamj', idleSeconds: 600, enforced: true });
    expect(calls).not.toContain(IDLE);
  });

  it('console user unknown (stat missing, timed out) and no profile: no facts', async () => {
    for (const r of [notFound, timedOut]) {
      const { c, facts } = await collect({ [key(CONSOLE_USER_ARGV)]: r });
      expect(facts).toBeNull();
      expect(verdictOf('screen_lock', c).status).toBe('unknown');
    }
    const nobody = await collect({ [key(CONSOLE_USER_ARGV)]: ok('loginwindow\n') });
    expect(verdictOf('screen_lock', nobody.c)).toEqual({ status: 'unknown', reason: 'no enforced machine policy and no logged-in user to inspect' });
  });

  it('sudo refused in the user context: unknown', async () => {
    const { c } = await collect({ ...USER, [IDLE]: { exitCode: null, failure: 'permission' }, [LOCK]: { exitCode: null, failure: 'permission' } });
    expect(verdictOf('screen_lock', c).status).toBe('unknown');
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('defaults-idletime/600.txt', 'sysadminctl-screenlock/constructed-delay-300.txt', 'sysadminctl-screenlock/constructed-off.txt'));
  });
});
