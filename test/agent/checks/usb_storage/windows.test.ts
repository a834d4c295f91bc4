// Registry values shaped as our script prints them (RegVals: null for a missing key), with the documented
// meanings of USBSTOR Start and the Removable Storage Access policy values.
import { describe, expect, it } from 'vitest';
import check, { USB_ARGV } from '../../../../agent/checks/usb_storage/windows.js';
import { denyAllMechanism, removableDiskMechanism, usbBlocked, usbstorMechanism } from '../../../../agent/checks/usb_storage/parse-win-usb.js';
import { parsePsJson } from '../../../../agent/checks/windows-common.js';
import type { UsbStorageFacts } from '../../../../protocol/checks/usb-storage.js';
import { assertNeverPasses, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, type Reply } from '../fakes-win32.js';

async function collect(reply: Reply) {
  const { deps } = winDeps([[USB_ARGV, reply]]);
  const c = await check.collect(deps);
  return { c, facts: c.facts as UsbStorageFacts, verdict: verdictOf('usb_storage', c) };
}
const out = (o: Record<string, unknown>) => ok(JSON.stringify({ usbstor: { Start: 3 }, all: null, disks: null, ...o }));

describe('USB storage mechanisms', () => {
  it('USBSTOR start types', () => {
    expect(usbstorMechanism({ Start: 4 })).toEqual({ name: 'USBSTOR driver', blocking: true, detail: 'Start=4 (disabled)' });
    expect(usbstorMechanism({ Start: 3 })).toEqual({ name: 'USBSTOR driver', blocking: false, detail: 'Start=3 (loads on demand)' });
    expect(usbstorMechanism(null).blocking).toBe(false);
    expect(usbstorMechanism({ Start: null }).blocking).toBeNull();
  });

  it('removable storage policy: Deny_All, or read and write denied for removable disks; write-only is not blocked', () => {
    expect(denyAllMechanism({ Deny_All: 1 }).blocking).toBe(true);
    expect(denyAllMechanism(null).blocking).toBe(false);
    expect(removableDiskMechanism({ Deny_Read: 1, Deny_Write: 1, Deny_Execute: null }).blocking).toBe(true);
    expect(removableDiskMechanism({ Deny_Read: 0, Deny_Write: 1 })).toMatchObject({ blocking: false, detail: 'Deny_Write=1 only: USB disks are read-only, not blocked' });
  });

  it('overall: any blocking mechanism blocks; all read and none blocking allows; otherwise unknown', () => {
    expect(usbBlocked([usbstorMechanism({ Start: 3 }), denyAllMechanism({ Deny_All: 1 })])).toBe(true);
    expect(usbBlocked([usbstorMechanism({ Start: 3 }), denyAllMechanism(null)])).toBe(false);
    expect(usbBlocked([usbstorMechanism({ Start: null }), denyAllMechanism(null)])).toBeNull();
    expect(usbBlocked([])).toBeNull();
  });

  it('property: never throws; random input never passes', () => {
    assertNeverPasses('usb_storage', (t) => {
      const v = parsePsJson(t);
      const r = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
      const ms = [usbstorMechanism(r.usbstor ?? null), denyAllMechanism(r.all ?? null), removableDiskMechanism(r.disks ?? null)];
      return { blocked: usbBlocked(ms), mechanisms: ms };
    });
  });
});

describe('usb_storage collect on Windows (replayed)', () => {
  it('default Windows: USBSTOR on demand, no policy: fail', async () => {
    const { c, facts, verdict } = await collect(out({}));
    expect(facts).toEqual({
      blocked: false,
      mechanisms: [
        { name: 'USBSTOR driver', blocking: false, detail: 'Start=3 (loads on demand)' },
        { name: 'Removable Storage Access policy: all classes', blocking: false, detail: 'Deny_All not set' },
        { name: 'Removable Storage Access policy: removable disks', blocking: false, detail: 'not set' },
      ],
    });
    expect(verdict).toEqual({ status: 'fail', reason: 'USB mass storage is not blocked' });
    expect(c.evidence[0]?.source).toBe('powershell.exe: USBSTOR Start, RemovableStorageDevices policy');
    expect(schemaErrors('usb_storage', facts)).toEqual([]);
  });

  it('USBSTOR disabled, or Deny_All by policy: pass', async () => {
    expect((await collect(out({ usbstor: { Start: 4 } }))).verdict).toEqual({ status: 'pass' });
    expect((await collect(out({ all: { Deny_All: 1 } }))).verdict).toEqual({ status: 'pass' });
  });

  it('a probe refused and nothing blocking: unknown; timeout: facts null', async () => {
    const r = await collect(out({ usbstor: probeError('Requested registry access is not allowed.', 'System.Security.SecurityException', 'PermissionDenied') }));
    expect(r.facts.blocked).toBeNull();
    expect(r.verdict.status).toBe('unknown');
    expect((await collect(timedOut)).c.facts).toBeNull();
  });
});
