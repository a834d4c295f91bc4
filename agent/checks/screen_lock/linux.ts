// Screen lock on Linux. A machine without a local desktop (no graphical session now, and no display
// manager that would start one at boot) is headless and the check does not apply.
// Otherwise the settings are read for
//  - the machine: GNOME's dconf system databases (keyfiles and locks under /etc/dconf/db/NAME.d/),
//    enforced when every relevant key is locked;
//  - each local graphical session (systemd-logind): GNOME-family desktops through `gsettings get` run as
//    that user (runuser, with the user's session bus), KDE Plasma from ~/.config/kscreenlockerrc.
//    Other desktops (Xfce, MATE, Cinnamon…) are reported with unknown settings.
// Caveats: without systemd-logind, sessions cannot be listed and only the machine policy is read; a
// desktop started by hand (startx) without a display manager is seen only while its X socket exists.
import type { ScreenLockFacts } from '../../../protocol/checks/screen-lock.js';
import { clip, dropInOrder, parseSystemctlShow, Probe, succeeded, systemdRunning, whyFailed } from '../linux-common.js';
import { parsePasswd } from '../local_admins/parse-accounts.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import {
  GNOME_KEYS,
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
  type GValue,
  type Session,
} from './parse-screenlock.js';

type Setting = ScreenLockFacts['settings'][number];

const DM_UNITS = ['gdm.service', 'gdm3.service', 'sddm.service', 'lightdm.service', 'lxdm.service', 'xdm.service', 'slim.service', 'nodm.service', 'greetd.service'];
const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** Local graphical sessions, or null (with why) when logind cannot be asked. */
async function sessions(p: Probe): Promise<{ list: Session[] | null; why: string }> {
  if (!(await systemdRunning(p))) return { list: null, why: 'systemd-logind is not running, so sessions cannot be listed' };
  const ls = await p.run('loginctl', ['list-sessions', '--no-legend', '--no-pager']);
  if (!succeeded(ls)) return { list: null, why: whyFailed(ls) };
  const ids = parseLoginctlList(ls.stdout);
  if (!ids.length) return { list: [], why: '' };
  const show = await p.run('loginctl', ['show-session', '--no-pager', '-p', 'Id', '-p', 'Name', '-p', 'User', '-p', 'Type', '-p', 'Desktop', '-p', 'Remote', '-p', 'State', '-p', 'Class', ...ids]);
  if (!succeeded(show)) return { list: null, why: whyFailed(show) };
  const list = parseSystemctlShow(show.stdout).map(sessionFrom).filter((s): s is Session => s !== null);
  return { list: list.filter(isLocalGraphical), why: '' };
}

/** A display manager that starts a desktop at boot: installed, enabled, and the default target graphical. */
async function displayManager(p: Probe): Promise<{ present: boolean; detail: string }> {
  const alias = await p.firstExisting(UNIT_DIRS.map((d) => `${d}/display-manager.service`));
  const units = await p.firstExisting(UNIT_DIRS.flatMap((d) => DM_UNITS.map((u) => `${d}/${u}`)));
  const xsocket = await p.exists('/tmp/.X11-unix/X0');
  if (xsocket) return { present: true, detail: 'an X server socket exists (/tmp/.X11-unix/X0)' };
  if (!alias && !units) return { present: false, detail: 'no display manager is installed' };
  if (!alias) return { present: false, detail: `${units} is installed but not enabled as the display manager` };
  const t = await p.run('systemctl', ['get-default']);
  const target = succeeded(t) ? t.stdout.trim() : '';
  if (target && target !== 'graphical.target') return { present: false, detail: `display manager installed, but the default target is ${target}` };
  return { present: true, detail: `display manager enabled${target ? `, default target ${target}` : ''}` };
}

/** GNOME machine policy from the dconf system databases named in the user profile. */
async function dconfMachine(p: Probe): Promise<Setting | null> {
  const profile = await p.read('/etc/dconf/profile/user', 64 * 1024);
  if (profile === null) return null;
  const dbs = parseDconfProfile(profile);
  const values = new Map<string, GValue>();
  const locks = new Set<string>();
  const notCompiled: string[] = [];
  let files = 0;
  for (const db of dbs) {
    const dir = `/etc/dconf/db/${db}.d`;
    const [keyfiles, lockfiles] = await Promise.all([p.listDir(dir), p.listDir(`${dir}/locks`)]);
    if (keyfiles === null || lockfiles === null) return { scope: 'machine', enabled: null, idleSeconds: null, requirePassword: null, enforced: null, source: `dconf ${db}`, detail: `${dir} could not be listed` };
    if (!keyfiles.length && !lockfiles.length) continue;
    // Later files in a database override earlier ones; the first database in the profile wins over later ones.
    const dbValues = new Map<string, GValue>();
    for (const f of dropInOrder([keyfiles], '')) for (const [k, v] of parseDconfKeyfile((await p.read(f, 256 * 1024)) ?? '')) dbValues.set(k, v);
    for (const f of lockfiles) for (const k of parseDconfLocks((await p.read(f, 64 * 1024)) ?? '')) locks.add(k);
    for (const [k, v] of dbValues) if (!values.has(k)) values.set(k, v);
    files += keyfiles.length + lockfiles.length;
    const compiled = await p.deps.files.mtimeMs(`/etc/dconf/db/${db}`);
    const newest = Math.max(0, ...(await Promise.all([...keyfiles, ...lockfiles].map((f) => p.deps.files.mtimeMs(f)))).map((m) => m ?? 0));
    if (compiled === null || compiled < newest) notCompiled.push(db);
  }
  if (!files) return null;
  const relevant = GNOME_KEYS.map((k) => k[2]);
  if (!relevant.some((k) => values.has(k) || locks.has(k))) return null;
  const lock = gnomeLock(gnomeValues((k) => values.get(k)));
  const allLocked = relevant.slice(0, 3).every((k) => locks.has(k));
  const details = [`${relevant.filter((k) => locks.has(k)).length} of the screen-lock keys locked`];
  if (notCompiled.length) details.push(`not in effect until "dconf update" compiles ${notCompiled.join(', ')}`);
  return {
    scope: 'machine',
    ...lock,
    enforced: allLocked && !notCompiled.length,
    source: clip(`dconf system-db ${dbs.join(', ')}`, 256),
    detail: clip(details.join('; '), 1024),
  };
}

async function gnomeUser(p: Probe, s: Session, home: string): Promise<Setting> {
  const env = [`DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/${s.uid}/bus`, `XDG_RUNTIME_DIR=/run/user/${s.uid}`, `HOME=${home}`];
  const results = await Promise.all(GNOME_KEYS.map(([schema, key]) => p.run('runuser', ['-u', s.user, '--', 'env', ...env, 'gsettings', 'get', schema, key])));
  const failed = results.find((r) => !succeeded(r));
  const got = new Map<string, GValue | null>(GNOME_KEYS.map((k, i) => [k[2], succeeded(results[i]!) ? parseGVariant(results[i]!.stdout) : null]));
  const lock = gnomeLock(gnomeValues((k) => got.get(k)));
  return { scope: 'user', user: clip(s.user, 128), ...lock, source: 'gsettings', ...(failed ? { detail: clip(whyFailed(failed), 1024) } : {}) };
}

async function kdeUser(p: Probe, s: Session, home: string): Promise<Setting> {
  const text = await p.read(`${home}/.config/kscreenlockerrc`, 64 * 1024);
  // No file means KDE's defaults: lock after 5 minutes, 5 seconds of grace.
  const k = parseKscreenlockerrc(text ?? '');
  return { scope: 'user', user: clip(s.user, 128), enabled: k.enabled, idleSeconds: k.idleSeconds, requirePassword: k.requirePassword, source: 'kscreenlockerrc', ...(text === null ? { detail: 'no kscreenlockerrc: KDE defaults' } : {}) };
}

async function collect(deps: CollectDeps): Promise<Collected<ScreenLockFacts>> {
  const p = new Probe(deps);
  const [sess, dm] = await Promise.all([sessions(p), displayManager(p)]);
  if (sess.list !== null && !sess.list.length && !dm.present) return { facts: { headless: true, settings: [] }, evidence: p.evidence };
  if (sess.list === null && !dm.present) {
    // Without logind a session could still exist, but then an X socket would too (checked above).
    return { facts: { headless: true, settings: [] }, evidence: p.evidence };
  }
  const settings: Setting[] = [];
  const machine = await dconfMachine(p);
  if (machine) settings.push(machine);
  const passwd = parsePasswd((await p.read('/etc/passwd', 4 * 1024 * 1024)) ?? '');
  for (const s of (sess.list ?? []).slice(0, 32)) {
    const home = passwd.find((u) => u.name === s.user)?.home;
    const desktop = s.desktop.toLowerCase();
    if (!home || s.uid === null) settings.push({ scope: 'user', user: clip(s.user, 128), enabled: null, idleSeconds: null, requirePassword: null, source: 'loginctl', detail: 'home directory or uid unknown' });
    else if (/kde|plasma/.test(desktop)) settings.push(await kdeUser(p, s, home));
    else if (desktop === '' || /gnome|unity|ubuntu|pantheon|budgie/.test(desktop)) settings.push(await gnomeUser(p, s, home));
    else settings.push({ scope: 'user', user: clip(s.user, 128), enabled: null, idleSeconds: null, requirePassword: null, source: clip(`desktop ${s.desktop}`, 256), detail: clip(`screen-lock settings of ${s.desktop} are not read by this agent version`, 1024) });
  }
  if (sess.list === null) {
    settings.push({ scope: 'user', enabled: null, idleSeconds: null, requirePassword: null, source: 'loginctl', detail: clip(`${dm.detail}, but sessions could not be listed: ${sess.why}`, 1024) });
  }
  return { facts: { headless: false, settings: settings.slice(0, 64) }, evidence: p.evidence };
}

const check: PlatformCheck<ScreenLockFacts> = { id: 'screen_lock', collect };
export default check;
