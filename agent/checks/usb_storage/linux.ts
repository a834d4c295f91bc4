// USB mass storage on Linux. Three things decide whether a stick can be used:
//  1. USBGuard, when it runs: a device it does not authorise gets no driver at all, whatever the modules.
//  2. The kernel: usb-storage built in (modprobe settings cannot stop it) or already loaded (works now,
//     whatever the configuration says) defeats a modprobe block; a kernel without loadable-module support
//     and without the built-in driver can never drive a stick.
//  3. modprobe configuration: `install usb-storage /bin/false` (or /bin/true) stops every load. A blacklist
//     alone is reported but not counted (see parse-usb.ts).
// Reading all of this needs no root except `usbguard list-rules`.
import type { UsbStorageFacts } from '../../../protocol/checks/usb-storage.js';
import { clip, dropInOrder, Probe, serviceStates, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import {
  implicitPolicyTarget,
  modprobeBlocksUsbStorage,
  parseModprobeConfig,
  parseModulesBuiltin,
  parseProcModules,
  parseUsbguardRules,
  usbguardBlocksStorage,
  type ModprobeConfig,
} from './parse-usb.js';

type Mechanism = UsbStorageFacts['mechanisms'][number];

const MODPROBE_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/lib/modprobe.d', '/usr/lib/modprobe.d'];

/** The effective modprobe configuration: kmod's own merge, or the files read in kmod's order. */
async function modprobeConfig(p: Probe): Promise<{ config: ModprobeConfig | null; why: string; from: string }> {
  // --showconfig also dumps the alias and symbol indexes after the configuration (megabytes with modules).
  const r = await p.run('modprobe', ['--showconfig'], { maxOutputBytes: 64 * 1024 * 1024 });
  if (succeeded(r) && /^# End of configuration files/m.test(r.stdout)) {
    return { config: parseModprobeConfig(r.stdout.split(/^# End of configuration files/m)[0] ?? ''), why: '', from: 'modprobe --showconfig' };
  }
  const listings = await Promise.all(MODPROBE_DIRS.map((d) => p.listDir(d)));
  if (listings.some((l) => l === null)) return { config: null, why: `${whyFailed(r)}; modprobe.d directories could not be listed`, from: '' };
  const texts: string[] = [];
  for (const f of dropInOrder(listings.map((l) => l ?? []))) {
    const t = await p.read(f, 256 * 1024);
    if (t === null) return { config: null, why: `${f} could not be read`, from: '' };
    texts.push(t);
  }
  return { config: parseModprobeConfig(texts.join('\n')), why: '', from: `${texts.length} file(s) under modprobe.d (${whyFailed(r)})` };
}

async function kernelState(p: Probe): Promise<Mechanism & { decisive: 'blocks' | 'defeats' | null }> {
  const [procModules, release, sysModule, modprobeSysctl] = await Promise.all([
    p.read('/proc/modules', 4 * 1024 * 1024),
    p.read('/proc/sys/kernel/osrelease', 4096),
    p.exists('/sys/module/usb_storage'),
    p.exists('/proc/sys/kernel/modprobe'),
  ]);
  const loaded = procModules === null ? null : parseProcModules(procModules);
  const rel = release?.trim();
  const builtinText = rel && /^[\w.+~-]+$/.test(rel) ? ((await p.read(`/lib/modules/${rel}/modules.builtin`, 4 * 1024 * 1024)) ?? (await p.read(`/usr/lib/modules/${rel}/modules.builtin`, 4 * 1024 * 1024))) : null;
  // /sys/module/usb_storage exists for a loaded module and for a built-in one; only the latter is missing
  // from /proc/modules.
  const builtin = (builtinText !== null && parseModulesBuiltin(builtinText).has('usb_storage')) || (sysModule && !loaded?.has('usb_storage'));
  if (builtin) return { name: 'kernel', blocking: false, detail: 'usb-storage is built into the kernel, so modprobe settings cannot stop it', decisive: 'defeats' };
  if (loaded?.has('usb_storage') || loaded?.has('uas')) return { name: 'kernel', blocking: false, detail: `${loaded.has('usb_storage') ? 'usb_storage' : 'uas'} is loaded now, so USB storage works whatever modprobe says`, decisive: 'defeats' };
  // A kernel built without loadable-module support has neither /proc/modules nor the kernel.modprobe
  // sysctl. Absence alone proves little (an unreadable /proc looks the same), so a readable kernel release
  // is required as evidence that /proc itself answered.
  if (procModules === null && !modprobeSysctl && !sysModule && rel && /^\d+\.\d+/.test(rel)) {
    return { name: 'kernel', blocking: true, detail: 'kernel without loadable-module support and without a built-in usb-storage driver', decisive: 'blocks' };
  }
  if (procModules === null) return { name: 'kernel', blocking: null, detail: '/proc/modules could not be read', decisive: null };
  return { name: 'kernel', blocking: false, detail: 'usb-storage is not loaded; the kernel loads it when a stick is plugged in unless configuration stops it', decisive: null };
}

async function usbguard(p: Probe): Promise<Mechanism | null> {
  const bin = await p.firstExisting(['/usr/sbin/usbguard-daemon', '/usr/bin/usbguard', '/usr/sbin/usbguard']);
  if (!bin) return null;
  const svc = (await serviceStates(p, [{ unit: 'usbguard.service', process: 'usbguard-daemon' }])).get('usbguard.service')!;
  if (svc.active === false) return { name: 'usbguard', blocking: false, detail: clip(`installed but not running (${svc.detail})`, 1024) };
  if (svc.active === null) return { name: 'usbguard', blocking: null, detail: clip(svc.detail, 1024) };
  const [list, conf] = await Promise.all([p.run('usbguard', ['list-rules']), p.read('/etc/usbguard/usbguard-daemon.conf', 256 * 1024)]);
  const rules = succeeded(list) ? parseUsbguardRules(list.stdout) : null;
  if (!rules) return { name: 'usbguard', blocking: null, detail: clip(`running, but its rules could not be read: ${succeeded(list) ? 'unparseable output' : whyFailed(list)}`, 1024) };
  const v = usbguardBlocksStorage(rules, implicitPolicyTarget(conf ?? ''));
  return { name: 'usbguard', blocking: v.blocking, detail: clip(`running; ${v.detail}${conf === null ? ' (daemon configuration unreadable: default ImplicitPolicyTarget assumed)' : ''}`, 1024) };
}

async function collect(deps: CollectDeps): Promise<Collected<UsbStorageFacts>> {
  const p = new Probe(deps);
  const [mp, kernel, guard] = await Promise.all([modprobeConfig(p), kernelState(p), usbguard(p)]);
  const modprobe: Mechanism = mp.config
    ? { name: 'modprobe', ...((v) => ({ blocking: v.blocking, detail: clip(`${v.detail} [${mp.from}]`, 1024) }))(modprobeBlocksUsbStorage(mp.config)) }
    : { name: 'modprobe', blocking: null, detail: clip(`configuration could not be read: ${mp.why}`, 1024) };
  const { decisive, ...kernelMechanism } = kernel;
  const mechanisms: Mechanism[] = [modprobe, kernelMechanism, ...(guard ? [guard] : [])];

  let blocked: boolean | null;
  if (guard?.blocking === true) blocked = true;
  else if (decisive === 'defeats') blocked = guard?.blocking === null ? null : false;
  else if (decisive === 'blocks' || modprobe.blocking === true) blocked = true;
  else if (modprobe.blocking === null || guard?.blocking === null) blocked = null;
  else blocked = false;
  return { facts: { blocked, mechanisms }, evidence: p.evidence };
}

const check: PlatformCheck<UsbStorageFacts> = { id: 'usb_storage', collect };
export default check;
