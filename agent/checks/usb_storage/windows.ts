// USB mass storage on Windows: the USBSTOR driver start type and the Removable Storage Access policy, in
// one PowerShell process (see parse-win-usb.ts for what counts as blocked). Device-control products
// (Defender Device Control, Intune device restrictions through other CSPs, third-party DLP) are not read.
import type { UsbStorageFacts } from '../../../protocol/checks/usb-storage.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { clip, parsePsJson, probe, psCommand, psProbes, psReg, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { denyAllMechanism, removableDiskMechanism, usbBlocked, usbstorMechanism } from './parse-win-usb.js';

const RSD = String.raw`HKLM:\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices`;
export const USB_LABEL = 'USBSTOR Start, RemovableStorageDevices policy';
export const USB_ARGV = psCommand(
  psProbes({
    usbstor: psReg(String.raw`HKLM:\SYSTEM\CurrentControlSet\Services\USBSTOR`, ['Start']),
    all: psReg(RSD, ['Deny_All']),
    disks: psReg(`${RSD}\\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}`, ['Deny_Read', 'Deny_Write', 'Deny_Execute']),
  }),
);

async function collect(deps: CollectDeps): Promise<Collected<UsbStorageFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(USB_ARGV[0]!, USB_ARGV.slice(1));
  evidence.push(winEvidence(ps, USB_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  if (out === null) return { facts: null, reason: winWhyFailed(ps, `powershell.exe: ${USB_LABEL}`), evidence };
  const mechanisms: UsbStorageFacts['mechanisms'] = [];
  const add = (key: string, name: string, f: (v: unknown) => UsbStorageFacts['mechanisms'][number]) => {
    const p = probe(out, key);
    mechanisms.push(p.ok ? f(p.value) : { name, blocking: null, detail: clip(whyProbeFailed(name, p.failure), 1024) });
  };
  add('usbstor', 'USBSTOR driver', usbstorMechanism);
  add('all', 'Removable Storage Access policy: all classes', denyAllMechanism);
  add('disks', 'Removable Storage Access policy: removable disks', removableDiskMechanism);
  return { facts: { blocked: usbBlocked(mechanisms), mechanisms }, evidence };
}

const check: PlatformCheck<UsbStorageFacts> = { id: 'usb_storage', collect };
export default check;
