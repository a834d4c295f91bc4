// Screen-lock settings on Linux desktops, from text.
//
// GNOME (and GNOME-based desktops) keep them in GSettings, backed by dconf:
//   org.gnome.desktop.session idle-delay          uint32 seconds of inactivity before the screen blanks (0: never)
//   org.gnome.desktop.screensaver lock-enabled    lock when the screen blanks
//   org.gnome.desktop.screensaver lock-delay      uint32 seconds after blanking before the lock engages
//   org.gnome.desktop.lockdown disable-lock-screen  true removes the lock screen altogether
// `gsettings get` prints GVariant text ("uint32 300", "true"); the effective value for that user, locks and
// system defaults included. Machine-wide policy lives in dconf system databases: keyfiles under
// /etc/dconf/db/NAME.d/ (INI sections named by path, "idle-delay=uint32 300") and locks under
// /etc/dconf/db/NAME.d/locks/ (one key path per line), used only when /etc/dconf/profile/user lists
// "system-db:NAME" and only after `dconf update` compiled them into /etc/dconf/db/NAME.
//
// KDE Plasma: ~/.config/kscreenlockerrc, [Daemon] Autolock (default true), Timeout (minutes, default 5),
// LockGrace (seconds after the screen locks during which no password is asked, default 5).

export type GValue = number | boolean | string;

/** One GVariant value as gsettings/dconf print it: "uint32 300", "300", "true", "'text'". */
export function parseGVariant(text: string): GValue | null {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  const n = /^(?:u?int(?:16|32|64)|byte|double)?\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (n?.[1]) return Number(n[1]);
  const s = /^'(.*)'$/.exec(t);
  return s ? (s[1] ?? '') : null;
}

export interface GnomeValues {
  idleDelay: number | null;
  lockEnabled: boolean | null;
  lockDelay: number | null;
  disableLockScreen: boolean | null;
}

export const GNOME_KEYS = [
  ['org.gnome.desktop.session', 'idle-delay', '/org/gnome/desktop/session/idle-delay'],
  ['org.gnome.desktop.screensaver', 'lock-enabled', '/org/gnome/desktop/screensaver/lock-enabled'],
  ['org.gnome.desktop.screensaver', 'lock-delay', '/org/gnome/desktop/screensaver/lock-delay'],
  ['org.gnome.desktop.lockdown', 'disable-lock-screen', '/org/gnome/desktop/lockdown/disable-lock-screen'],
] as const;

export function gnomeValues(get: (path: string) => GValue | null | undefined): GnomeValues {
  const num = (v: GValue | null | undefined) => (typeof v === 'number' && v >= 0 ? Math.floor(v) : null);
  const bool = (v: GValue | null | undefined) => (typeof v === 'boolean' ? v : null);
  return {
    idleDelay: num(get(GNOME_KEYS[0][2])),
    lockEnabled: bool(get(GNOME_KEYS[1][2])),
    lockDelay: num(get(GNOME_KEYS[2][2])),
    disableLockScreen: bool(get(GNOME_KEYS[3][2])),
  };
}

export interface LockSetting {
  enabled: boolean | null;
  idleSeconds: number | null;
  requirePassword: boolean | null;
}

/** What GNOME does with these values: locks idle-delay + lock-delay seconds after the last input. */
export function gnomeLock(v: GnomeValues): LockSetting {
  if (v.disableLockScreen === true) return { enabled: false, idleSeconds: null, requirePassword: false };
  if (v.idleDelay === 0 || v.lockEnabled === false) return { enabled: false, idleSeconds: null, requirePassword: v.lockEnabled === false ? false : null };
  // disable-lock-screen unset means its default, false.
  const enabled = v.idleDelay !== null && v.lockEnabled === true ? true : null;
  const idleSeconds = v.idleDelay !== null && v.lockDelay !== null ? v.idleDelay + v.lockDelay : null;
  return { enabled, idleSeconds, requirePassword: enabled };
}

/** dconf keyfile: "[org/gnome/desktop/session]" then "key=value" lines; returns "/path/key" -> value. */
export function parseDconfKeyfile(text: string): Map<string, GValue> {
  const out = new Map<string, GValue>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[([^\]]+)\]$/.exec(line);
    if (s?.[1]) {
      section = s[1].replace(/^\/+|\/+$/g, '');
      continue;
    }
    const kv = /^([A-Za-z0-9-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv?.[1] || kv[2] === undefined || !section) continue;
    const v = parseGVariant(kv[2]);
    if (v !== null) out.set(`/${section}/${kv[1]}`, v);
  }
  return out;
}

/** dconf locks file: one absolute key path per line. */
export function parseDconfLocks(text: string): Set<string> {
  return new Set(text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/') && !l.endsWith('/')));
}

/** /etc/dconf/profile/user: the system databases ("system-db:local") in lookup order. */
export function parseDconfProfile(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*system-db:([A-Za-z0-9_-]+)\s*$/.exec(line);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

export interface KdeLock extends LockSetting {
  lockGraceSeconds: number;
}

/** kscreenlockerrc [Daemon] section with KDE's defaults for keys not written. */
export function parseKscreenlockerrc(text: string): KdeLock {
  const kv = new Map<string, string>();
  let inDaemon = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    const s = /^\[([^\]]+)\]$/.exec(line);
    if (s) {
      inDaemon = s[1] === 'Daemon';
      continue;
    }
    const m = /^([A-Za-z]+)(?:\[\$[a-z]+\])?\s*=\s*(.*)$/.exec(line);
    if (inDaemon && m?.[1] && m[2] !== undefined) kv.set(m[1], m[2].trim());
  }
  const autolock = (kv.get('Autolock') ?? 'true').toLowerCase() !== 'false';
  const timeout = /^\d+$/.test(kv.get('Timeout') ?? '') ? Number(kv.get('Timeout')) : 5;
  const grace = /^\d+$/.test(kv.get('LockGrace') ?? '') ? Number(kv.get('LockGrace')) : 5;
  if (!autolock || timeout === 0) return { enabled: false, idleSeconds: null, requirePassword: null, lockGraceSeconds: grace };
  // During LockGrace the locked screen opens without a password, so it counts towards the idle time.
  return { enabled: true, idleSeconds: timeout * 60 + grace, requirePassword: true, lockGraceSeconds: grace };
}

export interface Session {
  id: string;
  user: string;
  uid: number | null;
  type: string;
  desktop: string;
  remote: boolean;
  state: string;
  klass: string;
}

/** `loginctl list-sessions --no-legend`: the session id is the first column of each line. */
export function parseLoginctlList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*([A-Za-z0-9]+)\s+\d+\s+\S+/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** One session from a `loginctl show-session -p …` block (see parseSystemctlShow for the block format). */
export function sessionFrom(b: Map<string, string>): Session | null {
  const id = b.get('Id');
  const user = b.get('Name');
  if (!id || !user) return null;
  return {
    id,
    user,
    uid: /^\d+$/.test(b.get('User') ?? '') ? Number(b.get('User')) : null,
    type: b.get('Type') ?? '',
    desktop: b.get('Desktop') ?? '',
    remote: b.get('Remote') === 'yes',
    state: b.get('State') ?? '',
    klass: b.get('Class') ?? '',
  };
}

/** A local desktop a person sits in front of: X11/Wayland, user class, not remote, not closing. */
export function isLocalGraphical(s: Session): boolean {
  return ['x11', 'wayland', 'mir'].includes(s.type) && (s.klass === 'user' || s.klass === '') && !s.remote && s.state !== 'closing';
}
