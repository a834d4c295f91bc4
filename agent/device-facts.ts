// What the device says about itself (hostname, OS, hardware), via systeminformation, which already knows
// each platform's sources (os-release, sw_vers, WMI; DMI for serial and model). Only its two modules the
// agent calls are imported: its index loads all twenty (CPU, graphics, Docker, Wi-Fi…), about 700 kB of
// code that would stay in the agent's memory for good.
import { hostname as osHostname, arch as osArch, release } from 'node:os';
import { osInfo } from 'systeminformation/lib/osinfo.js';
import { system } from 'systeminformation/lib/system.js';
import { getCodepage, getPowershell } from 'systeminformation/lib/util.js';
import type { DeviceFacts } from '../protocol/messages.js';

// What systeminformation's index does on load on Windows: find the console code page and PowerShell.
if (process.platform === 'win32') {
  getCodepage();
  getPowershell();
}

const clip = (s: string | undefined, n: number) => (s ?? '').replace(/[\u0000-\u001f]/g, ' ').trim().slice(0, n);

/** A missing or placeholder serial ("To be filled by O.E.M.", "Default string") is omitted, not faked. */
function realSerial(s: string | undefined): string | undefined {
  const v = clip(s, 128);
  if (!v || /^(to be filled|default string|none|not specified|system serial number|0+|-)$/i.test(v)) return undefined;
  return v;
}

export async function collectDeviceFacts(): Promise<DeviceFacts> {
  const [os, sys] = await Promise.all([osInfo().catch(() => null), system().catch(() => null)]);
  const facts: DeviceFacts = {
    hostname: clip(os?.fqdn || os?.hostname || osHostname(), 255) || 'unknown',
    os: {
      platform: process.platform,
      name: clip(os?.distro || process.platform, 128),
      version: clip(os?.release || release(), 64),
      kernel: clip(os?.kernel || release(), 128),
    },
    arch: clip(os?.arch || osArch(), 32),
  };
  if (os?.build) facts.os.build = clip(os.build, 64);
  const serial = realSerial(sys?.serial);
  if (serial) facts.serial = serial;
  if (sys?.model && clip(sys.model, 128)) facts.model = clip(sys.model, 128);
  if (sys?.manufacturer && clip(sys.manufacturer, 128)) facts.manufacturer = clip(sys.manufacturer, 128);
  return facts;
}
