// Probe outputs shaped as our script prints them; the Confirm-SecureBootUEFI error messages are quoted from
// the cmdlet's documentation and the issues cited in parse-win-secure-boot.ts.
import { describe, expect, it } from 'vitest';
import check, { SECURE_BOOT_ARGV } from '../../../../agent/checks/secure_boot/windows.js';
import { parseSecureBootProbes } from '../../../../agent/checks/secure_boot/parse-win-secure-boot.js';
import { parsePsJson } from '../../../../agent/checks/windows-common.js';
import type { SecureBootFacts } from '../../../../protocol/checks/secure-boot.js';
import { assertNeverPasses, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, type Reply } from '../fakes-win32.js';

const NOT_SUPPORTED = probeError('Cmdlet not supported on this platform: 0xC0000002', 'System.PlatformNotSupportedException,Microsoft.SecureBoot.Commands.ConfirmSecureBootUefiCommand', 'NotImplemented');
const UNDEFINED = probeError('Variable is currently undefined: 0xC0000100', 'System.InvalidOperationException,Microsoft.SecureBoot.Commands.ConfirmSecureBootUefiCommand', 'InvalidOperation');
const DENIED = probeError('Unable to set proper privileges. Access was denied.', 'System.UnauthorizedAccessException,Microsoft.SecureBoot.Commands.ConfirmSecureBootUefiCommand', 'PermissionDenied');
const out = (o: Record<string, unknown>) => ok(JSON.stringify({ sb: true, setup: [0], fw: 'UEFI', reg: { UEFISecureBootEnabled: 1 }, ...o }));

async function collect(reply: Reply) {
  const { deps } = winDeps([[SECURE_BOOT_ARGV, reply]]);
  const c = await check.collect(deps);
  return { c, facts: c.facts as SecureBootFacts, verdict: verdictOf('secure_boot', c) };
}

describe('Secure Boot probes', () => {
  it('True / False from Confirm-SecureBootUEFI, setup mode from its byte', () => {
    expect(parseSecureBootProbes({ sb: true, setup: [0], fw: 'UEFI', reg: null })).toEqual({ firmware: 'uefi', enabled: true, setupMode: false, detail: 'Confirm-SecureBootUEFI: True' });
    expect(parseSecureBootProbes({ sb: false, setup: [1], fw: 'UEFI', reg: null })).toMatchObject({ enabled: false, setupMode: true });
  });

  it('not supported = legacy BIOS (or UEFI without Secure Boot); undefined variable = off', () => {
    expect(parseSecureBootProbes({ sb: NOT_SUPPORTED, setup: NOT_SUPPORTED, fw: 'Legacy', reg: null })).toEqual({ firmware: 'bios', enabled: false, detail: 'legacy BIOS boot (Confirm-SecureBootUEFI: not supported on this platform)' });
    expect(parseSecureBootProbes({ sb: NOT_SUPPORTED, setup: NOT_SUPPORTED, fw: 'UEFI', reg: null })).toMatchObject({ firmware: 'uefi', enabled: false });
    expect(parseSecureBootProbes({ sb: UNDEFINED, setup: UNDEFINED, fw: 'UEFI', reg: null })).toMatchObject({ firmware: 'uefi', enabled: false });
  });

  it('not elevated: the registry answers; without it, unknown', () => {
    expect(parseSecureBootProbes({ sb: DENIED, setup: DENIED, fw: 'UEFI', reg: { UEFISecureBootEnabled: 1 } })).toEqual({
      firmware: 'uefi',
      enabled: true,
      detail: 'Confirm-SecureBootUEFI needs administrator; UEFISecureBootEnabled=1 in the registry',
    });
    expect(parseSecureBootProbes({ sb: DENIED, setup: DENIED, fw: null, reg: null })).toEqual({ firmware: null, enabled: null, detail: 'Confirm-SecureBootUEFI needs administrator' });
  });

  it('not an object: null', () => {
    expect(parseSecureBootProbes(null)).toBeNull();
    expect(parseSecureBootProbes('True')).toBeNull();
  });

  it('property: never throws; random input never passes', () => {
    assertNeverPasses('secure_boot', (t) => parseSecureBootProbes(parsePsJson(t)));
  });
});

describe('secure_boot collect on Windows (replayed)', () => {
  it('UEFI with Secure Boot on: pass', async () => {
    const { c, facts, verdict } = await collect(out({}));
    expect(facts).toEqual({ firmware: 'uefi', enabled: true, setupMode: false, detail: 'Confirm-SecureBootUEFI: True' });
    expect(verdict).toEqual({ status: 'pass' });
    expect(c.evidence[0]?.source).toBe('powershell.exe: Confirm-SecureBootUEFI, SetupMode, firmware_type, SecureBoot\\State registry');
    expect(schemaErrors('secure_boot', facts)).toEqual([]);
  });

  it('off, setup mode, legacy BIOS', async () => {
    expect((await collect(out({ sb: false, reg: { UEFISecureBootEnabled: 0 } }))).verdict).toEqual({ status: 'fail', reason: 'Secure Boot is off' });
    expect((await collect(out({ setup: [1] }))).verdict).toEqual({ status: 'fail', reason: 'firmware is in setup mode: boot keys can be replaced' });
    expect((await collect(out({ sb: NOT_SUPPORTED, setup: NOT_SUPPORTED, fw: 'Legacy', reg: null }))).verdict).toEqual({ status: 'fail', reason: 'legacy BIOS boot: Secure Boot is unavailable' });
  });

  it('cmdlet missing (Server Core without the module) and no registry value: unknown', async () => {
    const missing = probeError("The term 'Confirm-SecureBootUEFI' is not recognized as the name of a cmdlet", 'CommandNotFoundException', 'ObjectNotFound');
    const { facts, verdict } = await collect(out({ sb: missing, setup: missing, reg: null }));
    expect(facts.enabled).toBeNull();
    expect(verdict.status).toBe('unknown');
  });

  it('timeout or non-JSON: facts null', async () => {
    expect((await collect(timedOut)).c.facts).toBeNull();
    expect((await collect(ok('True'))).c.facts).toBeNull();
  });
});
