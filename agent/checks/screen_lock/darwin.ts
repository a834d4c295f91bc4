// Screen lock on macOS is per user and lives in the user's own (-currentHost) preferences, so it is read
// in the console user's context (launchctl asuser + sudo -u). A configuration profile can set it for
// everyone (/Library/Managed Preferences/com.apple.screensaver.plist) or per user
// (/Library/Managed Preferences/<user>/com.apple.screensaver.plist); managed values win over the user's
// own. The screen locks after idleTime (screen saver start) plus the password delay, so the idle seconds
// reported are their sum. With nobody logged in only the machine-wide profile can be judged. A Mac always
// has a local display, so headless is false.
import type { ScreenLockFacts } from '../../../protocol/checks/screen-lock.js';
import type { CommandResult } from '../../runner.js';
import { asUserArgv, consoleUser, DarwinProbe, isDict, plistBool, plistInt, type PlistDict } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseDefaultsInt, parseSysadminctlScreenLock } from './parse-screensaver.js';

export const IDLE_TIME_ARGV = ['defaults', '-currentHost', 'read', 'com.apple.screensaver', 'idleTime'];
export const SCREENLOCK_STATUS_ARGV = ['sysadminctl', '-screenLock', 'status'];
export const MANAGED_SCREENSAVER = '/Library/Managed Preferences/com.apple.screensaver.plist';
export const managedUserScreensaver = (user: string) => `/Library/Managed Preferences/${user}/com.apple.screensaver.plist`;

type Setting = ScreenLockFacts['settings'][number];
const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

interface Managed {
  idle: number | null;
  ask: boolean | null;
  delay: number | null;
}

function managedValues(d: PlistDict): Managed {
  return { idle: plistInt(d.idleTime), ask: plistBool(d.askForPassword), delay: plistInt(d.askForPasswordDelay) };
}

function machineSetting(m: Managed): Setting {
  const missing = [m.idle === null ? 'idleTime' : '', m.ask === null ? 'askForPassword' : ''].filter(Boolean);
  return {
    scope: 'machine',
    enabled: m.idle === null ? null : m.idle > 0,
    idleSeconds: m.idle === null || m.idle === 0 ? null : m.idle + (m.delay ?? 0),
    requirePassword: m.ask,
    enforced: true,
    source: MANAGED_SCREENSAVER,
    ...(missing.length ? { detail: `the profile does not set ${missing.join(', ')}` } : {}),
  };
}

async function userSetting(p: DarwinProbe, user: string, uid: string): Promise<Setting> {
  const mp = await p.plist(managedUserScreensaver(user));
  const managed = isDict(mp.value) ? managedValues(mp.value) : null;
  const notes: string[] = [];

  let idle = managed?.idle ?? null;
  if (idle === null) {
    const r = await p.run(asUserArgv(uid, user, IDLE_TIME_ARGV));
    const v = r.failure ? null : parseDefaultsInt(`${r.stdout}\n${r.stderr}`);
    if (typeof v === 'number') idle = v;
    else notes.push(v === 'unset' ? 'idleTime was never set (the macOS default applies and differs between releases)' : whyFailed(r));
  }
  let ask = managed?.ask ?? null;
  let delay = managed?.delay ?? null;
  if (ask === null || delay === null) {
    const r = await p.run(asUserArgv(uid, user, SCREENLOCK_STATUS_ARGV));
    // sysadminctl logs its answer to stderr and exits 0.
    const s = r.failure ? null : parseSysadminctlScreenLock(`${r.stderr}\n${r.stdout}`);
    if (s) {
      ask ??= s.password;
      if (s.password) delay ??= s.delaySeconds;
    } else notes.push(clip(`screen-lock password setting unknown: ${ran(r) ? 'sysadminctl printed no screenLock line' : whyFailed(r)}`, 300));
  }
  const enforced = managed !== null && managed.idle !== null && managed.ask !== null;
  return {
    scope: 'user',
    user,
    enabled: idle === null ? null : idle > 0 && ask !== false,
    idleSeconds: idle === null || idle === 0 ? null : idle + (ask ? (delay ?? 0) : 0),
    requirePassword: ask,
    enforced,
    source: managed ? `${managedUserScreensaver(user)} + user preferences` : 'user preferences (defaults -currentHost, sysadminctl)',
    ...(notes.length ? { detail: clip(notes.join('; '), 1024) } : idle === 0 ? { detail: 'screen saver set to never start' } : {}),
  };
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const settings: Setting[] = [];
  const machine = await p.plist(MANAGED_SCREENSAVER);
  if (isDict(machine.value)) settings.push(machineSetting(managedValues(machine.value)));
  const cu = await consoleUser(p);
  if (cu.user !== null) settings.push(await userSetting(p, cu.user, cu.uid));
  else if (!cu.known && !settings.length) {
    return { facts: null, reason: clip(`the console user could not be determined: ${cu.reason}`, 1024), evidence: p.evidence };
  }
  const facts: ScreenLockFacts = { headless: false, settings };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<ScreenLockFacts> = { id: 'screen_lock', collect };
export default check;
