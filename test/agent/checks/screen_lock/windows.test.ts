// The registry values below are shaped as our script prints them (RegVals: null for a missing key, else
// the named values); names and meanings follow Microsoft's documentation of the policies involved.
import { describe, expect, it } from 'vitest';
import check, { SCREEN_ARGV } from '../../../../agent/checks/screen_lock/windows.js';
import { inactivitySetting, isHeadless, saverSetting, userSetting } from '../../../../agent/checks/screen_lock/parse-win-screen-lock.js';
import { parsePsJson } from '../../../../agent/checks/windows-common.js';
import type { ScreenLockFacts } from '../../../../protocol/checks/screen-lock.js';
import { assertNeverPasses, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, type Reply } from '../fakes-win32.js';

const SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';
const desk = (active: string | null, secure: string | null, timeout: string | null, exe: string | null) => ({ ScreenSaveActive: active, ScreenSaverIsSecure: secure, ScreenSaveTimeOut: timeout, 'SCRNSAVE.EXE': exe });
const user = (policy: unknown, desktop: unknown) => ({ sid: SID, user: 'HOSP\\nurse1', policy, desktop });
const out = (o: Record<string, unknown>) => ok(JSON.stringify({ inactivity: null, machineSaver: null, install: { InstallationType: 'Client' }, users: [], ...o }));

async function collect(reply: Reply) {
  const { deps } = winDeps([[SCREEN_ARGV, reply]]);
  const c = await check.collect(deps);
  return { c, facts: c.facts as ScreenLockFacts, verdict: verdictOf('screen_lock', c) };
}

describe('Windows screen-lock settings', () => {
  it('machine inactivity limit', () => {
    expect(inactivitySetting({ InactivityTimeoutSecs: 900 })).toMatchObject({ scope: 'machine', enabled: true, idleSeconds: 900, requirePassword: true, enforced: true });
    expect(inactivitySetting({ InactivityTimeoutSecs: 0 })).toMatchObject({ enabled: false });
    expect(inactivitySetting(null)).toBeNull();
    expect(inactivitySetting({ InactivityTimeoutSecs: null })).toBeNull();
  });

  it('screen saver: policy wins over the user value; "1" without a screen saver starts nothing', () => {
    expect(saverSetting(desk(null, '1', '600', null), desk('1', '0', '1800', 'C:\\Windows\\system32\\scrnsave.scr'), 'user', 'x', 'u')).toMatchObject({
      enabled: true,
      idleSeconds: 600,
      requirePassword: true,
      enforced: true,
    });
    expect(saverSetting(null, desk('1', '0', '900', null), 'user', 'x', 'u')).toMatchObject({
      enabled: false,
      enforced: false,
      detail: 'screen saver enabled but none selected (SCRNSAVE.EXE empty): nothing starts',
    });
    expect(saverSetting(null, null, 'user', 'x')).toBeNull();
  });

  it('a logged-on user with nothing set has no screen saver; bad entries are skipped', () => {
    expect(userSetting(user(null, desk(null, null, null, null)))).toMatchObject({ scope: 'user', user: 'HOSP\\nurse1', enabled: false, source: `HKU\\${SID}\\Control Panel\\Desktop` });
    expect(userSetting({ sid: 'not-a-sid' })).toBeNull();
    expect(userSetting('x')).toBeNull();
  });

  it('headless only for Server Core and Nano Server', () => {
    expect(isHeadless('Server Core')).toBe(true);
    expect(isHeadless('Server')).toBe(false);
    expect(isHeadless('Client')).toBe(false);
    expect(isHeadless(null)).toBe(false);
  });

  it('property: never throws; random input never passes', () => {
    assertNeverPasses('screen_lock', (t) => {
      const v = parsePsJson(t);
      const settings = [inactivitySetting(v), saverSetting(v, null, 'machine', 'x'), userSetting(v)].filter((s) => s !== null);
      return { headless: false, settings };
    });
  });
});

describe('screen_lock collect on Windows (replayed)', () => {
  it('machine inactivity limit of 15 minutes covers every user: pass', async () => {
    const { facts, verdict, c } = await collect(out({ inactivity: { InactivityTimeoutSecs: 900 }, users: [user(null, desk('1', '0', '900', null))] }));
    expect(facts.headless).toBe(false);
    expect(facts.settings.map((s) => `${s.scope}:${s.enabled}:${s.idleSeconds}`)).toEqual(['machine:true:900', 'user:false:900']);
    expect(verdict).toEqual({ status: 'pass' });
    expect(c.evidence[0]?.source).toBe('powershell.exe: InactivityTimeoutSecs, screen-saver policy, HKU\\<SID>\\Control Panel\\Desktop of logged-on users');
    expect(schemaErrors('screen_lock', facts)).toEqual([]);
  });

  it('no machine policy, the logged-on user has no screen saver: fail', async () => {
    const { verdict } = await collect(out({ users: [user(null, desk('1', '0', '900', null))] }));
    expect(verdict).toEqual({ status: 'fail', reason: 'user HOSP\\nurse1: screen lock is off' });
  });

  it('user screen-saver policy with a password after 10 minutes: pass', async () => {
    const { verdict } = await collect(out({ users: [user(desk('1', '1', '600', 'scrnsave.scr'), desk('1', '0', '900', null))] }));
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('too long an inactivity limit and no users fails; nobody logged on and no policy is unknown', async () => {
    expect((await collect(out({ inactivity: { InactivityTimeoutSecs: 3600 } }))).verdict).toEqual({ status: 'fail', reason: 'machine policy: locks after 3600 s (allowed 900 s)' });
    expect((await collect(out({}))).verdict).toEqual({ status: 'unknown', reason: 'no enforced machine policy and no logged-in user to inspect' });
  });

  it('Server Core is headless: not applicable', async () => {
    const { facts, verdict } = await collect(out({ install: { InstallationType: 'Server Core' } }));
    expect(facts.headless).toBe(true);
    expect(verdict.status).toBe('not_applicable');
  });

  it('users could not be listed: unknown, never pass', async () => {
    const { facts, verdict } = await collect(out({ users: probeError('Requested registry access is not allowed.', 'System.Security.SecurityException', 'PermissionDenied') }));
    expect(facts.settings.at(-1)).toMatchObject({ scope: 'machine', enabled: null, detail: 'logged-on users: access denied, needs administrator (Requested registry access is not allowed.)' });
    expect(verdict.status).toBe('unknown');
  });

  it('PowerShell timing out or printing garbage: facts null', async () => {
    expect((await collect(timedOut)).c.facts).toBeNull();
    expect((await collect(ok('ScreenSaveActive : 1'))).c.facts).toBeNull();
  });
});
