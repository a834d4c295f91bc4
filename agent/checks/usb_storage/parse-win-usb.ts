// USB mass storage on Windows, from registry values as our script prints them. Pure; never throws.
// - USBSTOR driver service Start: 4 = disabled (USB disks get no driver); 3 = on demand (default). A
//   missing USBSTOR key only means no USB disk was attached yet: Windows installs it on first use.
// - Removable Storage Access policy (HKLM\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices):
//   Deny_All = 1 blocks every removable storage class; the Removable Disks class
//   {53f5630d-b6bf-11d0-94f2-00a0c91efb8b} with Deny_Read and Deny_Write = 1 blocks USB disks. Write denied
//   alone still lets data and malware in, so it does not count as blocked (the detail says read-only).
import type { UsbStorageFacts } from '../../../protocol/checks/usb-storage.js';
import { num, rec } from '../windows-common.js';

type Mechanism = UsbStorageFacts['mechanisms'][number];

export function usbstorMechanism(values: unknown): Mechanism {
  const r = rec(values);
  if (values === null) return { name: 'USBSTOR driver', blocking: false, detail: 'USBSTOR service not registered yet: Windows installs it when a USB disk is attached' };
  const start = num(r?.Start);
  if (start === 4) return { name: 'USBSTOR driver', blocking: true, detail: 'Start=4 (disabled)' };
  if (start === null) return { name: 'USBSTOR driver', blocking: null, detail: 'USBSTOR Start value not readable' };
  return { name: 'USBSTOR driver', blocking: false, detail: `Start=${start}${start === 3 ? ' (loads on demand)' : ''}` };
}

export function denyAllMechanism(values: unknown): Mechanism {
  const v = num(rec(values)?.Deny_All);
  return { name: 'Removable Storage Access policy: all classes', blocking: v === 1, detail: v === 1 ? 'Deny_All=1' : 'Deny_All not set' };
}

export function removableDiskMechanism(values: unknown): Mechanism {
  const r = rec(values);
  const read = num(r?.Deny_Read) === 1;
  const write = num(r?.Deny_Write) === 1;
  const detail = read && write ? 'Deny_Read=1, Deny_Write=1' : write ? 'Deny_Write=1 only: USB disks are read-only, not blocked' : read ? 'Deny_Read=1 only: writing is still allowed' : 'not set';
  return { name: 'Removable Storage Access policy: removable disks', blocking: read && write, detail };
}

/** Blocked when any mechanism blocks; allowed when all were read and none does; otherwise unknown. */
export function usbBlocked(mechanisms: Mechanism[]): boolean | null {
  if (mechanisms.some((m) => m.blocking === true)) return true;
  if (mechanisms.length && mechanisms.every((m) => m.blocking === false)) return false;
  return null;
}
