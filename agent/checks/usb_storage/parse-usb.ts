// What can stop a USB stick from being used on Linux, read from text:
//  - modprobe configuration (`modprobe --showconfig`, or the files under */modprobe.d): "blacklist NAME"
//    and "install NAME COMMAND". Module names compare with '-' and '_' equal (kmod normalises to '_').
//  - the kernel's module state: /proc/modules (loaded), modules.builtin (compiled in).
//  - USBGuard rules (`usbguard list-rules`, rules.conf) and its ImplicitPolicyTarget.

export interface ModprobeConfig {
  blacklisted: Set<string>;
  /** Module -> install command (the first one given wins, as in kmod). */
  install: Map<string, string>;
}

export const normModule = (name: string) => name.trim().replace(/-/g, '_');

export function parseModprobeConfig(text: string): ModprobeConfig {
  const out: ModprobeConfig = { blacklisted: new Set(), install: new Map() };
  let acc = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.endsWith('\\')) {
      acc += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (acc + line).trim();
    acc = '';
    if (!full || full.startsWith('#')) continue;
    const bl = /^blacklist\s+(\S+)\s*$/.exec(full);
    if (bl?.[1]) out.blacklisted.add(normModule(bl[1]));
    const inst = /^install\s+(\S+)\s+(.+)$/.exec(full);
    if (inst?.[1] && inst[2]) {
      const m = normModule(inst[1]);
      if (!out.install.has(m)) out.install.set(m, inst[2].trim());
    }
  }
  return out;
}

/**
 * An install command stops the module from loading unless it loads it itself ("/sbin/modprobe
 * --ignore-install usb-storage", insmod). "/bin/true", "/bin/false", "/usr/bin/logger …; /bin/false" block.
 */
export function installCommandBlocks(cmd: string): boolean {
  return !/\b(modprobe|insmod)\b/.test(cmd);
}

export interface ModprobeVerdict {
  blocking: boolean;
  detail: string;
}

/**
 * usb-storage is blocked by an install command that does not load it. A blacklist alone is not counted:
 * it only stops loading by device alias, while uas (which depends on usb-storage) or an explicit
 * `modprobe usb-storage` still loads it; CIS benchmarks ask for the install line for that reason.
 */
export function modprobeBlocksUsbStorage(c: ModprobeConfig): ModprobeVerdict {
  const cmd = c.install.get('usb_storage');
  if (cmd !== undefined && installCommandBlocks(cmd)) return { blocking: true, detail: `install usb-storage ${cmd}` };
  const bl = ['usb_storage', 'uas'].filter((m) => c.blacklisted.has(m));
  if (cmd !== undefined) return { blocking: false, detail: `install usb-storage ${cmd} loads the module` };
  if (bl.length) return { blocking: false, detail: `only blacklisted (${bl.join(', ')}): stops automatic loading by alias, not loading as a dependency of uas or an explicit modprobe; add "install usb-storage /bin/false"` };
  return { blocking: false, detail: 'no blacklist or install rule for usb-storage' };
}

/** /proc/modules: "usb_storage 81920 1 uas, Live 0x0000000000000000": first column per line. */
export function parseProcModules(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_-]+)\s+\d+\s+\d+/.exec(line);
    if (m?.[1]) out.add(normModule(m[1]));
  }
  return out;
}

/** modules.builtin: "kernel/drivers/usb/storage/usb-storage.ko" per line: module names. */
export function parseModulesBuiltin(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /(?:^|\/)([^/\s]+)\.ko\s*$/.exec(line.trim());
    if (m?.[1]) out.add(normModule(m[1]));
  }
  return out;
}

// USBGuard rule language (usbguard-rules.conf(5)): "TARGET [id VID:PID] [attribute value…] [if CONDITION]",
// TARGET allow | block | reject | match | device. `usbguard list-rules` prefixes each with "N: ".
// The first rule that matches a device decides; with none, ImplicitPolicyTarget (default block) applies.

export interface UsbguardRule {
  target: string;
  /** Tied to particular devices (id other than *:*, hash, parent-hash, serial): not "any stick". */
  specific: boolean;
  /** Could match a mass-storage interface (class 08): no with-interface, or one naming 08 or *. */
  storage: boolean;
}

export function parseUsbguardRules(text: string): UsbguardRule[] | null {
  const out: UsbguardRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*\d+:\s*/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(allow|block|reject|match|device)\b(.*)$/.exec(line);
    if (!m?.[1]) return null;
    const rest = m[2] ?? '';
    const id = /\bid\s+(?:(?:one-of|all-of|none-of|equals|equals-ordered)\s+)?(\{[^}]*\}|\S+)/.exec(rest)?.[1];
    const specific = (id !== undefined && !/^\{?\s*\*:\*\s*\}?$/.test(id)) || /\b(hash|parent-hash|serial)\s+/.test(rest);
    const iface = /\bwith-interface\s+(?:(one-of|all-of|none-of|equals|equals-ordered)\s+)?(\{[^}]*\}|\S+)/.exec(rest);
    let storage = true;
    if (iface?.[2]) {
      const classes = iface[2].replace(/[{}]/g, ' ').trim().split(/\s+/);
      const names08 = classes.some((c) => /^(08|\*):/.test(c));
      storage = iface[1] === 'none-of' ? !names08 : names08;
    }
    out.push({ target: m[1], specific, storage });
  }
  return out;
}

/** "ImplicitPolicyTarget=block" from usbguard-daemon.conf; block when unset (the daemon's default). */
export function implicitPolicyTarget(conf: string): string {
  return /^\s*ImplicitPolicyTarget\s*=\s*(\S+)/m.exec(conf)?.[1] ?? 'block';
}

/** Whether USBGuard would refuse an arbitrary, never-seen USB stick. */
export function usbguardBlocksStorage(rules: UsbguardRule[], implicit: string): { blocking: boolean; detail: string } {
  for (const [i, r] of rules.entries()) {
    if (r.specific || !r.storage || (r.target !== 'allow' && r.target !== 'block' && r.target !== 'reject')) continue;
    return r.target === 'allow'
      ? { blocking: false, detail: `rule ${i + 1} allows any device with a mass-storage interface` }
      : { blocking: true, detail: `rule ${i + 1} ${r.target}s mass-storage devices` };
  }
  return implicit === 'allow'
    ? { blocking: false, detail: 'no rule covers mass storage and ImplicitPolicyTarget=allow' }
    : { blocking: true, detail: `devices not allowed by a rule are ${implicit === 'reject' ? 'rejected' : 'blocked'} (ImplicitPolicyTarget=${implicit})` };
}
