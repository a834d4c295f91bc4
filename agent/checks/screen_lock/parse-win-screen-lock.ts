// Windows screen-lock settings from registry values (as our script prints them). Pure; never throws.
//
// Two mechanisms lock an idle Windows session:
// - the machine inactivity limit (policy "Interactive logon: Machine inactivity limit",
//   HKLM\...\Policies\System InactivityTimeoutSecs): locks every session after N seconds, password needed;
// - the screen saver with "On resume, display logon screen": ScreenSaveActive "1", a screen saver chosen
//   (SCRNSAVE.EXE), ScreenSaverIsSecure "1", ScreenSaveTimeOut seconds. Set per user in
//   HKU\<SID>\Control Panel\Desktop, or enforced by policy in ...\Software\Policies\Microsoft\Windows\
//   Control Panel\Desktop (user policy; a machine-wide copy under HKLM is honoured too). Policy wins.
//   ScreenSaveActive "1" without SCRNSAVE.EXE (the Windows 10/11 default) starts nothing: off.
import type { ScreenLockFacts } from '../../../protocol/checks/screen-lock.js';
import { clip, num, rec, str } from '../windows-common.js';

type Setting = ScreenLockFacts['settings'][number];

const NAMES = ['ScreenSaveActive', 'ScreenSaverIsSecure', 'ScreenSaveTimeOut', 'SCRNSAVE.EXE'] as const;

function flag(v: unknown): boolean | null {
  const s = (str(v) ?? '').trim();
  if (s === '1') return true;
  if (s === '0') return false;
  return null;
}

/** Server Core and Nano Server have no desktop to lock; everything else is treated as interactive. */
export function isHeadless(installationType: unknown): boolean {
  return /^(server core|nano server)$/i.test((str(installationType) ?? '').trim());
}

/** The machine inactivity limit; null when the policy is not set. */
export function inactivitySetting(values: unknown): Setting | null {
  const n = num(rec(values)?.InactivityTimeoutSecs);
  if (n === null || n < 0) return null;
  return {
    scope: 'machine',
    enabled: n > 0,
    idleSeconds: Math.floor(n),
    requirePassword: true,
    enforced: true,
    source: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System InactivityTimeoutSecs',
    detail: n > 0 ? `machine inactivity limit ${Math.floor(n)} s` : 'machine inactivity limit 0 (disabled)',
  };
}

/**
 * A screen-saver setting from the policy values (enforced) over the user's own values. null when neither
 * holds any of the values.
 */
export function saverSetting(policyIn: unknown, ownIn: unknown, scope: 'machine' | 'user', source: string, user?: string): Setting | null {
  const policy = rec(policyIn) ?? {};
  const own = rec(ownIn) ?? {};
  const pick = (k: (typeof NAMES)[number]) => (policy[k] !== null && policy[k] !== undefined ? policy[k] : own[k]);
  if (NAMES.every((k) => pick(k) === null || pick(k) === undefined)) return null;
  const active = flag(pick('ScreenSaveActive'));
  const exe = (str(pick('SCRNSAVE.EXE')) ?? '').trim();
  const timeout = num(pick('ScreenSaveTimeOut'));
  const enabled = active === false || (active === true && !exe) ? false : active === true && exe ? true : null;
  const s: Setting = {
    scope,
    enabled,
    idleSeconds: timeout !== null && timeout >= 0 ? Math.floor(timeout) : null,
    requirePassword: flag(pick('ScreenSaverIsSecure')),
    enforced: NAMES.some((k) => policy[k] !== null && policy[k] !== undefined),
    source: clip(source, 256),
  };
  if (user) s.user = clip(user, 128);
  const detail: string[] = [];
  if (active === true && !exe) detail.push('screen saver enabled but none selected (SCRNSAVE.EXE empty): nothing starts');
  if (active === null) detail.push('ScreenSaveActive not set');
  if (s.idleSeconds === null) detail.push('ScreenSaveTimeOut not set');
  if (s.requirePassword === null) detail.push('ScreenSaverIsSecure not set');
  if (detail.length) s.detail = clip(detail.join('; '), 1024);
  return s;
}

/** One logged-on user's entry: { sid, user, policy, desktop }. A user with nothing set has the saver off. */
export function userSetting(entry: unknown): Setting | null {
  const r = rec(entry);
  const sid = str(r?.sid);
  if (!r || !sid || !/^S-1-[0-9-]+$/.test(sid)) return null;
  const who = str(r.user)?.trim() || sid;
  const source = `HKU\\${sid}\\Control Panel\\Desktop`;
  return (
    saverSetting(r.policy, r.desktop, 'user', source, who) ?? {
      scope: 'user',
      user: clip(who, 128),
      enabled: false,
      idleSeconds: null,
      requirePassword: null,
      enforced: false,
      source,
      detail: 'no screen saver settings: Windows default, no screen saver',
    }
  );
}
